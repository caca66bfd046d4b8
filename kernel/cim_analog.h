/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (c) 2026 The CIM stack authors */
/* Analog arrays: calibration, refresh policy, statistics (cim_analog.c). */
#ifndef __CIM_ANALOG_H__
#define __CIM_ANALOG_H__

#include <linux/types.h>

struct cim_desc;
struct cim_device;
struct cim_file;
struct cim_image;
struct cim_job;
struct drm_device;
struct drm_file;

int cim_analog_init(struct cim_device *cdev);
int cim_analog_queue_calibrate(struct cim_file *cfile, struct drm_file *file,
			       struct cim_image *img, u32 out_syncobj);
int cim_analog_build_desc(struct cim_job *job, struct cim_desc *d);
int cim_analog_complete(struct cim_job *job, int err);
int cim_ioctl_calibrate(struct drm_device *drm, void *data,
			struct drm_file *file);

#endif /* __CIM_ANALOG_H__ */
