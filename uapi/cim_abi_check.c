// SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT
/*
 * Constants two contracts define and that must agree: the card's
 * completion status travels to user space unchanged (the kernel copies
 * struct cim_cpl.status into struct drm_cim_job_result.status), so each
 * CIM_ST_* is the DRM_CIM_JOB_* of the same name.  The kernel adds the
 * statuses only it can know (TIMEOUT, CARD_ERROR): no card status may
 * take their values.  Compiled into cim.ko and libcim; only declarations.
 */
#include "cim_card.h"
#include "drm/cim_accel.h"

#define CIM_SAME(a, b) _Static_assert((a) == (b), #a " != " #b)

CIM_SAME(CIM_ST_OK, DRM_CIM_JOB_OK);
CIM_SAME(CIM_ST_BAD_DESC, DRM_CIM_JOB_BAD_DESC);
CIM_SAME(CIM_ST_BAD_IMAGE, DRM_CIM_JOB_BAD_IMAGE);
CIM_SAME(CIM_ST_DMA_ERROR, DRM_CIM_JOB_DMA_ERROR);
CIM_SAME(CIM_ST_NO_IMAGE, DRM_CIM_JOB_NO_IMAGE);
CIM_SAME(CIM_ST_VERIFY_FAIL, DRM_CIM_JOB_VERIFY_FAIL);
CIM_SAME(CIM_ST_TILE_FAULT, DRM_CIM_JOB_TILE_FAULT);
CIM_SAME(CIM_ST_CANCELED, DRM_CIM_JOB_CANCELED);
_Static_assert(CIM_ST_VERIFY_FAIL < DRM_CIM_JOB_TIMEOUT &&
	       CIM_ST_TILE_FAULT > DRM_CIM_JOB_CARD_ERROR,
	       "a card status takes a value only the kernel reports");
