// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * sysfs attributes of the card device (docs/ABI/sysfs-driver-cim): knobs
 * that are checked before they are taken (-EINVAL otherwise) and
 * read-only state, some of it read from the card.
 */
#include <linux/device.h>
#include <linux/sysfs.h>
#include <linux/string.h>

#include "cim_drv.h"

static const char *const cim_power_modes[] = {
	[CIM_PERF_PERFORMANCE] = "performance",
	[CIM_PERF_BALANCED] = "balanced",
	[CIM_PERF_EFFICIENCY] = "efficiency",
};

static const char *const cim_sched_policies[] = {
	[CIM_SCHED_FAIR] = "fair",
	[CIM_SCHED_FIFO] = "fifo",
};

static struct cim_device *to_cdev(struct device *dev)
{
	return dev_get_drvdata(dev);
}

static u64 cim_tel_read64(struct cim_device *cdev, u32 lo)
{
	return cim_hw_read(cdev, lo) | (u64)cim_hw_read(cdev, lo + 4) << 32;
}

/*
 * The card's telemetry window shows one tile at a time.  MACs, SIMD ops
 * and SIMD time came with interface 1.2: an older card has no such
 * registers, and t->has_simd says whether they were read.
 */
int cim_tile_tel_read(struct cim_device *cdev, u32 tile,
		      struct cim_tile_tel *t)
{
	if (tile >= cdev->info.tiles)
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	t->has_simd = cim_card_has(&cdev->info, CIM_FEAT_SIMD_TEL);
	mutex_lock(&cdev->tel_lock);
	cim_hw_write(cdev, CIM_REG_TEL_TILE, tile);
	t->pe_cycles = cim_hw_read(cdev, CIM_REG_TEL_PE);
	t->mvms = cim_tel_read64(cdev, CIM_REG_TEL_MVM_LO);
	t->pulses = cim_tel_read64(cdev, CIM_REG_TEL_PULSE_LO);
	t->busy_ns = cim_tel_read64(cdev, CIM_REG_TEL_BUSY_LO);
	if (t->has_simd) {
		t->macs = cim_tel_read64(cdev, CIM_REG_TEL_MAC_LO);
		t->simd_ops = cim_tel_read64(cdev, CIM_REG_TEL_SIMD_LO);
		t->simd_ns = cim_tel_read64(cdev, CIM_REG_TEL_SIMD_NS_LO);
	}
	mutex_unlock(&cdev->tel_lock);
	return 0;
}

static ssize_t job_timeout_ms_show(struct device *dev,
				   struct device_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%u\n", cim_job_timeout_ms(to_cdev(dev)));
}

static ssize_t job_timeout_ms_store(struct device *dev,
				    struct device_attribute *a,
				    const char *buf, size_t count)
{
	unsigned int ms;

	if (kstrtouint(buf, 0, &ms) || ms < 10 || ms > 3600000)
		return -EINVAL;
	cim_job_set_timeout_ms(to_cdev(dev), ms);
	return count;
}
static DEVICE_ATTR_RW(job_timeout_ms);

/* Knob files read the card's register: what the card really uses. */
static ssize_t power_mode_show(struct device *dev, struct device_attribute *a,
			       char *buf)
{
	u32 mode;
	int ret = cim_knob_read(to_cdev(dev), CIM_KNOB_PERF_MODE, &mode);

	if (ret)
		return ret;
	if (mode >= ARRAY_SIZE(cim_power_modes))
		return sysfs_emit(buf, "unknown (%u)\n", mode);
	return sysfs_emit(buf, "%s\n", cim_power_modes[mode]);
}

static ssize_t power_mode_store(struct device *dev, struct device_attribute *a,
				const char *buf, size_t count)
{
	int mode = sysfs_match_string(cim_power_modes, buf);
	int ret;

	if (mode < 0)
		return -EINVAL;
	ret = cim_knob_set(to_cdev(dev), CIM_KNOB_PERF_MODE, mode);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(power_mode);

static ssize_t adc_bits_show(struct device *dev, struct device_attribute *a,
			     char *buf)
{
	struct cim_device *cdev = to_cdev(dev);
	u32 bits;
	int ret = cim_knob_read(cdev, CIM_KNOB_ADC_BITS, &bits);

	if (ret)
		return ret;
	return sysfs_emit(buf, "%u\n", bits ? bits : cdev->info.adc_bits);
}

static ssize_t adc_bits_store(struct device *dev, struct device_attribute *a,
			      const char *buf, size_t count)
{
	struct cim_device *cdev = to_cdev(dev);
	unsigned int bits;
	int ret;

	if (kstrtouint(buf, 0, &bits) || bits < 1 || bits > cdev->info.adc_bits)
		return -EINVAL;
	ret = cim_knob_set(cdev, CIM_KNOB_ADC_BITS, bits);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(adc_bits);

static ssize_t sched_policy_show(struct device *dev,
				 struct device_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  cim_sched_policies[READ_ONCE(to_cdev(dev)->sched_policy)]);
}

static ssize_t sched_policy_store(struct device *dev,
				  struct device_attribute *a,
				  const char *buf, size_t count)
{
	int p = sysfs_match_string(cim_sched_policies, buf);

	if (p < 0)
		return -EINVAL;
	WRITE_ONCE(to_cdev(dev)->sched_policy, p);
	return count;
}
static DEVICE_ATTR_RW(sched_policy);

static ssize_t fw_version_show(struct device *dev, struct device_attribute *a,
			       char *buf)
{
	u32 v = to_cdev(dev)->info.fw_version;

	return sysfs_emit(buf, "%u.%u\n", v >> 16, v & 0xffff);
}
static DEVICE_ATTR_RO(fw_version);

static ssize_t geometry_show(struct device *dev, struct device_attribute *a,
			     char *buf)
{
	struct cim_card_info *i = &to_cdev(dev)->info;

	return sysfs_emit(buf, "%u %u %u %u\n", i->tiles, i->tile_rows,
			  i->tile_cols, i->cell_bits);
}
static DEVICE_ATTR_RO(geometry);

/* Free tiles, counting those of resident images nobody uses (a load
 * takes them), as the device query does. */
static u32 cim_free_tiles(struct cim_device *cdev)
{
	return cim_catalog_avail_tiles(cdev);
}

static ssize_t tiles_free_show(struct device *dev, struct device_attribute *a,
			       char *buf)
{
	return sysfs_emit(buf, "%u\n", cim_free_tiles(to_cdev(dev)));
}
static DEVICE_ATTR_RO(tiles_free);

static ssize_t tiles_used_show(struct device *dev, struct device_attribute *a,
			       char *buf)
{
	struct cim_device *cdev = to_cdev(dev);

	return sysfs_emit(buf, "%u\n", cdev->info.tiles - cim_free_tiles(cdev));
}
static DEVICE_ATTR_RO(tiles_used);

/* The card's clock advances only while it works: it is its busy time. */
static ssize_t busy_time_us_show(struct device *dev,
				 struct device_attribute *a, char *buf)
{
	struct cim_device *cdev = to_cdev(dev);
	u32 hi, lo, hi2;

	do {
		hi = cim_hw_read(cdev, CIM_REG_CLOCK_HI);
		lo = cim_hw_read(cdev, CIM_REG_CLOCK_LO);
		hi2 = cim_hw_read(cdev, CIM_REG_CLOCK_HI);
	} while (hi != hi2);
	return sysfs_emit(buf, "%llu\n", div_u64((u64)hi << 32 | lo, 1000));
}
static DEVICE_ATTR_RO(busy_time_us);

static ssize_t reset_count_show(struct device *dev,
				struct device_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&to_cdev(dev)->resets));
}
static DEVICE_ATTR_RO(reset_count);

/* ok, recovering or failed; writing "recover" runs a recovery now. */
static ssize_t state_show(struct device *dev, struct device_attribute *a,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  cim_state_name(READ_ONCE(to_cdev(dev)->state)));
}

static ssize_t state_store(struct device *dev, struct device_attribute *a,
			   const char *buf, size_t count)
{
	struct cim_device *cdev = to_cdev(dev);
	int ret;

	if (!sysfs_streq(buf, "recover"))
		return -EINVAL;
	ret = cim_reset_force(cdev);
	if (ret)
		return ret;
	return READ_ONCE(cdev->state) == CIM_STATE_OK ? count : -EIO;
}
static DEVICE_ATTR_RW(state);

enum cim_pe_stat { CIM_PE_MIN, CIM_PE_MAX, CIM_PE_MEAN };

static ssize_t cim_pe_show(struct device *dev, char *buf, enum cim_pe_stat s)
{
	struct cim_device *cdev = to_cdev(dev);
	u32 tile, lo = U32_MAX, hi = 0;
	struct cim_tile_tel t;
	u64 sum = 0;

	for (tile = 0; tile < cdev->info.tiles; tile++) {
		if (cim_tile_tel_read(cdev, tile, &t))
			return -EIO;
		lo = min(lo, t.pe_cycles);
		hi = max(hi, t.pe_cycles);
		sum += t.pe_cycles;
	}
	switch (s) {
	case CIM_PE_MIN:
		return sysfs_emit(buf, "%u\n", lo);
	case CIM_PE_MAX:
		return sysfs_emit(buf, "%u\n", hi);
	default:
		/* two decimals: wear levelling compares max with the mean */
		sum = div_u64(sum * 100, cdev->info.tiles);
		return sysfs_emit(buf, "%llu.%02llu\n", div_u64(sum, 100),
				  sum % 100);
	}
}

static ssize_t pe_min_show(struct device *dev, struct device_attribute *a,
			   char *buf)
{
	return cim_pe_show(dev, buf, CIM_PE_MIN);
}
static DEVICE_ATTR_RO(pe_min);

static ssize_t pe_max_show(struct device *dev, struct device_attribute *a,
			   char *buf)
{
	return cim_pe_show(dev, buf, CIM_PE_MAX);
}
static DEVICE_ATTR_RO(pe_max);

static ssize_t pe_mean_show(struct device *dev, struct device_attribute *a,
			    char *buf)
{
	return cim_pe_show(dev, buf, CIM_PE_MEAN);
}
static DEVICE_ATTR_RO(pe_mean);

static struct attribute *cim_attrs[] = {
	&dev_attr_job_timeout_ms.attr,
	&dev_attr_power_mode.attr,
	&dev_attr_adc_bits.attr,
	&dev_attr_sched_policy.attr,
	&dev_attr_fw_version.attr,
	&dev_attr_geometry.attr,
	&dev_attr_tiles_free.attr,
	&dev_attr_tiles_used.attr,
	&dev_attr_busy_time_us.attr,
	&dev_attr_reset_count.attr,
	&dev_attr_state.attr,
	&dev_attr_pe_min.attr,
	&dev_attr_pe_max.attr,
	&dev_attr_pe_mean.attr,
	NULL
};

static const struct attribute_group cim_attr_group = {
	.attrs = cim_attrs,
};

int cim_sysfs_init(struct cim_device *cdev)
{
	return devm_device_add_group(cdev->dev, &cim_attr_group);
}
