/* SPDX-License-Identifier: MIT */
/* numpy .npy sample and label files (dataset_npy.c). */
#ifndef CIM_DATASET_NPY_H
#define CIM_DATASET_NPY_H

#include <stddef.h>

#include "cim_graph.h"

int cimi_is_npy(const void *buf, size_t size);
/* float32 N x ... into a new dataset.  0, -EINVAL (err says why), -ENOMEM. */
int cimi_npy_samples(const void *buf, size_t size, struct cim_dataset **out,
		     char *err, size_t errlen);
/* N integer labels into d->labels. */
int cimi_npy_labels(const void *buf, size_t size, struct cim_dataset *d,
		    char *err, size_t errlen);

#endif
