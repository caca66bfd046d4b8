/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (c) 2026 The CIM stack authors */
/*
 * Everything the driver's files share, one header per concern: include
 * this, or only the headers a file needs.  The lock order is in
 * cim_dev.h, next to struct cim_device.
 */
#ifndef __CIM_DRV_H__
#define __CIM_DRV_H__

#include "cim_dev.h"
#include "cim_admin.h"
#include "cim_analog.h"
#include "cim_catalog.h"
#include "cim_cmd.h"
#include "cim_gem.h"
#include "cim_hw.h"
#include "cim_image.h"
#include "cim_job.h"
#include "cim_knobs.h"
#include "cim_pm.h"
#include "cim_queue.h"
#include "cim_reset.h"
#include "cim_tiles.h"

#endif /* __CIM_DRV_H__ */
