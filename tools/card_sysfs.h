/* SPDX-License-Identifier: MIT */
/*
 * A card's sysfs files (docs/ABI/sysfs-driver-cim, hwmon), for the cimctl
 * commands that watch or reset a card.
 */
#ifndef CIMCTL_CARD_SYSFS_H
#define CIMCTL_CARD_SYSFS_H

#include <stddef.h>
#include <stdint.h>

#include "cim.h"

/* The cim_list() entry of an open card: 0 or -ENODEV. */
int cimctl_card_of(struct cim_dev *dev, struct cim_card_info *ci);

/*
 * <syspath>/device/<rel> (a glob pattern: the first match) as one line
 * without its newline: 0 or negative errno.
 */
int cimctl_sysfs_str(const struct cim_card_info *ci, const char *rel,
		     char *buf, size_t len);
/* The same, as a decimal number. */
int cimctl_sysfs_u64(const struct cim_card_info *ci, const char *rel,
		     uint64_t *v);

#endif /* CIMCTL_CARD_SYSFS_H */
