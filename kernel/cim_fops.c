// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * The file operations of /dev/accel/accelN, and the allow-list of DRM
 * core ioctls an accel file of ours takes.
 *
 * drm_ioctl() dispatches every core ioctl number to any DRM file,
 * whatever its node.  An accel file is neither a primary nor a render
 * node: it has no master, and in 6.12 the core does not treat it as a
 * render client, so ioctls meant for a KMS master reach handlers that
 * dereference file->master (GET_UNIQUE, GET_MAGIC: a NULL pointer, with
 * the device's master_mutex left held) or set up a master an accel node
 * should never have (SET_MASTER).  So our own ioctl entry point lets
 * through only our driver ioctls and the core ioctls listed below (those
 * a render node also takes, without the timeline syncobj ones: we do not
 * set DRIVER_SYNCOBJ_TIMELINE), and refuses the rest with -EOPNOTSUPP
 * before the core sees them (docs/uapi.md lists every number).  The fix
 * the core deserves is docs/upstream/0001-drm-refuse-master-ioctls-on-accel-nodes.patch.
 *
 * The syncobj array ioctls also get a bound on their handle count: the
 * core allocates count_handles entries with a warning on failure, so a
 * count near 2^32 is a 16 GiB allocation and a WARN (a crash under
 * panic_on_warn).  See cim_syncobj_count_ok() for what this bound does not
 * close, and docs/upstream/0002-drm-syncobj-no-warning-for-oversized-arrays.patch.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <drm/drm_accel.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>

#include "cim_drv.h"

/* The core ioctls an accel file of ours takes. */
static bool cim_core_ioctl_allowed(unsigned int nr)
{
	switch (nr) {
	case DRM_IOCTL_NR(DRM_IOCTL_VERSION):
	case DRM_IOCTL_NR(DRM_IOCTL_GET_CAP):
	case DRM_IOCTL_NR(DRM_IOCTL_GEM_CLOSE):
	case DRM_IOCTL_NR(DRM_IOCTL_PRIME_HANDLE_TO_FD):
	case DRM_IOCTL_NR(DRM_IOCTL_PRIME_FD_TO_HANDLE):
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_CREATE):
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_DESTROY):
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD):
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE):
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_WAIT):
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_RESET):
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_SIGNAL):
		return true;
	default:
		return false;
	}
}

/*
 * The handle count of a syncobj array ioctl, read as drm_ioctl() will
 * read it: the user's bytes up to the size in cmd, zeros after them.
 * Another thread can rewrite the count between this read and the core's
 * own copy; the bound then does not hold for that call, which is why the
 * core needs its own fix (see above).  It does hold for every caller that
 * does not race against itself, which is every real one.
 */
static int cim_syncobj_count_ok(unsigned int cmd, unsigned long arg,
				size_t count_at)
{
	size_t in = _IOC_SIZE(cmd);
	u32 count = 0;

	if (!(_IOC_DIR(cmd) & _IOC_WRITE) || in <= count_at)
		return 0;
	/*
	 * A size in cmd that ends inside the count: the core copies what
	 * the size covers and zeros the rest (the fuzzer got a count cut to
	 * three bytes, up to 2^24 - 1, past a check that then read nothing).
	 * Byte for byte into a zeroed count, as the core does.
	 */
	if (copy_from_user(&count, (const void __user *)arg + count_at,
			   min(in - count_at, sizeof(count))))
		return -EFAULT;
	return count > CIM_MAX_SYNCOBJ_ARRAY ? -EINVAL : 0;
}

static int cim_ioctl_filter(unsigned int cmd, unsigned long arg)
{
	unsigned int nr = DRM_IOCTL_NR(cmd);

	/*
	 * drm_ioctl() refuses other types too, but drm_compat_ioctl() picks
	 * its 32-bit translators by number alone.
	 */
	if (_IOC_TYPE(cmd) != DRM_IOCTL_BASE)
		return -ENOTTY;
	if (nr >= DRM_COMMAND_BASE && nr < DRM_COMMAND_END)
		return 0;	/* ours: drm_ioctl() checks them against cim_ioctls */
	if (!cim_core_ioctl_allowed(nr))
		return -EOPNOTSUPP;
	switch (nr) {
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_WAIT):
		return cim_syncobj_count_ok(cmd, arg,
				offsetof(struct drm_syncobj_wait, count_handles));
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_RESET):
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_SIGNAL):
		return cim_syncobj_count_ok(cmd, arg,
				offsetof(struct drm_syncobj_array, count_handles));
	default:
		return 0;
	}
}

static long cim_unlocked_ioctl(struct file *filp, unsigned int cmd,
			       unsigned long arg)
{
	int ret = cim_ioctl_filter(cmd, arg);

	return ret ? ret : drm_ioctl(filp, cmd, arg);
}

#ifdef CONFIG_COMPAT
/*
 * 32-bit callers: the same numbers, and the syncobj structs have one
 * layout.  The filter matters more here: the core's translators for
 * GET_UNIQUE and friends call the handlers directly.
 */
static long cim_compat_ioctl(struct file *filp, unsigned int cmd,
			     unsigned long arg)
{
	int ret = cim_ioctl_filter(cmd, (unsigned long)compat_ptr(arg));

	return ret ? ret : drm_compat_ioctl(filp, cmd, arg);
}
#else
#define cim_compat_ioctl NULL
#endif

/*
 * DRM_ACCEL_FOPS spelled out (an initializer may not override it under
 * W=1), with our ioctl entry points in front of the core's.  Compare with
 * include/drm/drm_accel.h when a new kernel changes it.
 */
const struct file_operations cim_fops = {
	.owner		= THIS_MODULE,
	.open		= CIM_FOPS_OPEN,	/* accel node, or render node (cim_compat.h) */
	.release	= drm_release,
	.unlocked_ioctl	= cim_unlocked_ioctl,
	.compat_ioctl	= cim_compat_ioctl,
	.poll		= drm_poll,
	.read		= drm_read,
	.llseek		= noop_llseek,
	.mmap		= drm_gem_mmap,
	.fop_flags	= FOP_UNSIGNED_OFFSET,
};
