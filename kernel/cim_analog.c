// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * Analog arrays: column calibration after programming and on request,
 * the card's drift-driven refresh policy, and per-tile analog statistics
 * (docs/ABI/sysfs-driver-cim-analog, docs/card-interface.md).
 *
 * A card that reports CIM_REG_ANALOG = 1 computes with analog flash
 * cells, whose columns have gain and offset errors.  Calibration measures
 * and compensates them per tile; a tile loses its compensation when it is
 * erased, so by default the driver queues a CALIBRATE of the image's
 * tiles behind each PROGRAM, and the image is ready (its load fence
 * signals) only once both are done.
 */
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>

#include "cim_drv.h"

/* Largest drift threshold one can set: all of a cell's level. */
#define CIM_REFRESH_THRESH_MAX	1000000u

/* Queue a CALIBRATE of img's tiles behind its PROGRAM (alloc_lock held). */
int cim_analog_queue_calibrate(struct cim_file *cfile, struct drm_file *file,
			       struct cim_image *img, u32 out_syncobj)
{
	struct cim_device *cdev = cfile->cdev;
	struct cim_job *job;
	__le16 *map;
	u32 i;
	int ret;

	if (!cdev->analog || !READ_ONCE(cdev->calibrate_on_program))
		return 0;
	job = cim_job_alloc(cdev, CIM_OPC_CALIBRATE);
	if (IS_ERR(job))
		return PTR_ERR(job);
	kref_get(&img->ref);
	job->image = img;
	job->map_bytes = img->n_vtiles * sizeof(*map);
	job->map = dma_alloc_coherent(cdev->dev, job->map_bytes, &job->map_dma,
				      GFP_KERNEL);
	if (!job->map) {
		cim_job_put(job);
		return -ENOMEM;
	}
	map = job->map;
	for (i = 0; i < img->n_vtiles; i++)
		map[i] = cpu_to_le16(img->tile_map[i]);
	ret = cim_job_push(cfile, job, file, DRM_CIM_PRIO_NORMAL, NULL, 0,
			   out_syncobj);
	if (ret)
		cim_job_put(job);
	return ret;
}

int cim_analog_build_desc(struct cim_job *job, struct cim_desc *d)
{
	d->map_addr = job->map_dma;
	d->map_count = job->image->n_vtiles;
	return 0;
}

/*
 * The CALIBRATE behind a PROGRAM ended with err (ring_lock held).  Its
 * fence is the image's load fence: it carries the PROGRAM's error, and
 * an image whose calibration failed is not used either.  Returns the
 * error for the fence.
 */
int cim_analog_complete(struct cim_job *job, int err)
{
	struct cim_image *img = job->image;

	spin_lock(&img->lock);
	if (cim_image_state(img) == CIM_IMAGE_FAILED)
		err = img->error ? img->error : -EIO;
	else if (err)
		cim_image_set_state(img, CIM_IMAGE_FAILED, err);
	spin_unlock(&img->lock);
	return err;
}

/* CALIBRATE every programmed tile of the card, now. */
static int cim_analog_calibrate_all(struct cim_device *cdev)
{
	struct cim_desc desc = { .opcode = CIM_OPC_CALIBRATE };

	return cim_card_cmd(cdev, &desc);
}

/* --- DRM_IOCTL_CIM_CALIBRATE --------------------------------------------- */

/* The image's tiles, copied (the map is the catalog's, under alloc_lock). */
static u16 *cim_analog_image_tiles(struct cim_image *img, u32 *n)
{
	struct cim_device *cdev = img->cdev;
	u16 *map;

	mutex_lock(&cdev->alloc_lock);
	*n = img->n_vtiles;
	map = img->tile_map ? kmemdup(img->tile_map, *n * sizeof(*map),
				      GFP_KERNEL) : NULL;
	mutex_unlock(&cdev->alloc_lock);
	return map;
}

static int cim_analog_calibrate_image(struct cim_device *cdev,
				      struct cim_image *img,
				      struct drm_cim_calibrate *args)
{
	struct cim_calib_tile_report *rep = NULL;
	struct drm_cim_calib_tile t;
	u32 n, i, copy;
	u16 *map;
	int ret;

	switch (cim_image_state(img)) {
	case CIM_IMAGE_PROGRAMMING:
		return -EBUSY;
	case CIM_IMAGE_FAILED:
		return -EIO;
	default:
		break;
	}
	map = cim_analog_image_tiles(img, &n);
	if (!map)
		return -ENOMEM;
	rep = kvcalloc(n, sizeof(*rep), GFP_KERNEL);
	if (!rep) {
		ret = -ENOMEM;
		goto out;
	}
	ret = cim_card_tiles_cmd(cdev, CIM_OPC_CALIBRATE, map, n, NULL, 0);
	if (!ret)
		ret = cim_card_tiles_cmd(cdev, CIM_OPC_CALIB_REPORT, map, n,
					 rep, n * sizeof(*rep));
	if (ret)
		goto out;
	copy = min(n, args->count);
	for (i = 0; i < copy; i++) {
		memset(&t, 0, sizeof(t));
		t.tile = map[i];
		t.err_before_q8 = rep[i].err_before_q8;
		t.err_after_q8 = rep[i].err_after_q8;
		t.columns = rep[i].columns;
		t.samples = rep[i].samples;
		t.calibrated_ns = rep[i].calibrated_ns;
		if (copy_to_user(u64_to_user_ptr(args->tiles + i * sizeof(t)),
				 &t, sizeof(t))) {
			ret = -EFAULT;
			goto out;
		}
	}
	args->count = n;
out:
	kvfree(rep);
	kfree(map);
	return ret;
}

int cim_ioctl_calibrate(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct cim_device *cdev = to_cim_device(drm);
	struct cim_file *cfile = file->driver_priv;
	struct drm_cim_calibrate *args = data;
	struct cim_image *img;
	int idx, ret;

	if (args->flags || args->pad || (args->count && !args->tiles))
		return -EINVAL;
	img = cim_image_lookup(cfile, args->image);
	if (!img)
		return -ENOENT;
	if (!drm_dev_enter(drm, &idx)) {
		cim_image_put(img);
		return -ENODEV;
	}
	ret = cim_analog_calibrate_image(cdev, img, args);
	drm_dev_exit(idx);
	cim_image_put(img);
	return ret;
}

/* --- sysfs ------------------------------------------------------------- */

static const char * const cim_refresh_names[] = {
	[CIM_REFRESH_OFF] = "off",
	[CIM_REFRESH_RECALIBRATE] = "recalibrate",
	[CIM_REFRESH_REPROGRAM] = "reprogram",
};

static struct cim_device *cim_analog_cdev(struct device *dev)
{
	return dev_get_drvdata(dev);
}

/* Register read that fails once the card is gone. */
static int cim_analog_reg(struct cim_device *cdev, u32 reg, u32 *val)
{
	int idx, ret;

	if (!drm_dev_enter(&cdev->drm, &idx))
		return -ENODEV;
	ret = regmap_read(cdev->regs, reg, val);
	drm_dev_exit(idx);
	return ret;
}

static ssize_t analog_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%u\n", cim_analog_cdev(dev)->analog);
}
static DEVICE_ATTR_RO(analog);

static ssize_t spare_cols_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	u32 v;
	int ret = cim_analog_reg(cim_analog_cdev(dev), CIM_REG_SPARE_COLS, &v);

	return ret ? ret : sysfs_emit(buf, "%u\n", v);
}
static DEVICE_ATTR_RO(spare_cols);

static ssize_t refresh_policy_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	u32 v;
	int ret = cim_knob_read(cim_analog_cdev(dev), CIM_KNOB_REFRESH_POLICY,
				&v);

	if (ret)
		return ret;
	if (v >= ARRAY_SIZE(cim_refresh_names))
		return sysfs_emit(buf, "unknown (%u)\n", v);
	return sysfs_emit(buf, "%s\n", cim_refresh_names[v]);
}

static ssize_t refresh_policy_store(struct device *dev,
				    struct device_attribute *attr,
				    const char *buf, size_t count)
{
	int v = sysfs_match_string(cim_refresh_names, buf);
	int ret;

	if (v < 0)
		return -EINVAL;
	ret = cim_knob_set(cim_analog_cdev(dev), CIM_KNOB_REFRESH_POLICY, v);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(refresh_policy);

static ssize_t refresh_threshold_ppm_show(struct device *dev,
					  struct device_attribute *attr,
					  char *buf)
{
	u32 v;
	int ret = cim_knob_read(cim_analog_cdev(dev), CIM_KNOB_REFRESH_THRESH,
				&v);

	if (ret)
		return ret;
	return sysfs_emit(buf, "%u\n", v ? v : CIM_REFRESH_THRESH_DEFAULT);
}

static ssize_t refresh_threshold_ppm_store(struct device *dev,
					   struct device_attribute *attr,
					   const char *buf, size_t count)
{
	u32 v;
	int ret = kstrtou32(buf, 0, &v);

	if (ret)
		return ret;
	/* 0 restores the card's default. */
	if (v > CIM_REFRESH_THRESH_MAX)
		return -ERANGE;
	ret = cim_knob_set(cim_analog_cdev(dev), CIM_KNOB_REFRESH_THRESH, v);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(refresh_threshold_ppm);

static ssize_t calibrate_store(struct device *dev,
			       struct device_attribute *attr,
			       const char *buf, size_t count)
{
	struct cim_device *cdev = cim_analog_cdev(dev);
	bool go;
	int idx, ret;

	ret = kstrtobool(buf, &go);
	if (ret)
		return ret;
	if (!go)
		return count;
	if (!drm_dev_enter(&cdev->drm, &idx))
		return -ENODEV;
	ret = cim_analog_calibrate_all(cdev);
	drm_dev_exit(idx);
	return ret ? ret : count;
}
static DEVICE_ATTR_WO(calibrate);

static ssize_t calibrate_on_program_show(struct device *dev,
					 struct device_attribute *attr,
					 char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(cim_analog_cdev(dev)->calibrate_on_program));
}

static ssize_t calibrate_on_program_store(struct device *dev,
					  struct device_attribute *attr,
					  const char *buf, size_t count)
{
	bool v;
	int ret = kstrtobool(buf, &v);

	if (ret)
		return ret;
	WRITE_ONCE(cim_analog_cdev(dev)->calibrate_on_program, v);
	return count;
}
static DEVICE_ATTR_RW(calibrate_on_program);

static struct attribute *cim_analog_attrs[] = {
	&dev_attr_analog.attr,
	&dev_attr_spare_cols.attr,
	&dev_attr_refresh_policy.attr,
	&dev_attr_refresh_threshold_ppm.attr,
	&dev_attr_calibrate.attr,
	&dev_attr_calibrate_on_program.attr,
	NULL,
};

static const struct attribute_group cim_analog_group = {
	.attrs = cim_analog_attrs,
};

/* --- debugfs: analog_stats ------------------------------------------------ */

static int cim_analog_stats_show(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct cim_device *cdev = to_cim_device(entry->dev);
	struct cim_analog_tile_stats *st;
	u32 n = cdev->info.tiles, i;
	int idx, ret;

	st = kvcalloc(n, sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	if (!drm_dev_enter(&cdev->drm, &idx)) {
		kvfree(st);
		return -ENODEV;
	}
	ret = cim_card_read(cdev, CIM_OPC_ANALOG_STATS, 0, st, n * sizeof(*st));
	drm_dev_exit(idx);
	if (ret) {
		kvfree(st);
		return ret;
	}
	seq_puts(m, "tile flags pulses pe_cycles spare_used verify_failures calibrations recalibrations refreshes drift_ppm adc_clips misreads programmed_ns adc_reranges\n");
	for (i = 0; i < n; i++)
		seq_printf(m, "%u %s%s %llu %u %u %u %u %u %u %u %llu %u %llu %u\n",
			   i, st[i].flags & CIM_TILE_AN_PROGRAMMED ? "P" : "-",
			   st[i].flags & CIM_TILE_AN_CALIBRATED ? "C" : "-",
			   st[i].program_pulses,
			   st[i].pe_cycles, st[i].spare_used,
			   st[i].verify_failures, st[i].calibrations,
			   st[i].recalibrations, st[i].refreshes,
			   st[i].drift_ppm, st[i].adc_clips, st[i].misreads,
			   st[i].programmed_ns, st[i].adc_reranges);
	kvfree(st);
	return 0;
}

int cim_analog_init(struct cim_device *cdev)
{
	u32 v = 0;
	int ret;

	ret = regmap_read(cdev->regs, CIM_REG_ANALOG, &v);
	if (ret)
		return ret;
	cdev->analog = v == 1;
	cdev->calibrate_on_program = true;
	ret = devm_device_add_group(cdev->dev, &cim_analog_group);
	if (ret)
		return ret;
	drm_debugfs_add_file(&cdev->drm, "analog_stats", cim_analog_stats_show,
			     NULL);
	return 0;
}
