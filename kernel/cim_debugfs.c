// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * debugfs, /sys/kernel/debug/accel/N/ (docs/ABI/debugfs-driver-cim):
 * telemetry per tile and per queue, jobs on the card, images, the
 * firmware log, resets, fault injection and a forced reset.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>

#include "cim_drv.h"

/*
 * A file that reads or writes card registers, guarded: once the card is
 * unplugged (drm_dev_unplug()) its registers may be gone with it, and
 * the file answers -ENODEV.
 */
#define CIM_DEFINE_HW_SHOW(__name)					\
static int __name##_hw_show(struct seq_file *m, void *v)		\
{									\
	struct cim_device *cdev = m->private;				\
	int idx, ret;							\
									\
	if (!drm_dev_enter(&cdev->drm, &idx))				\
		return -ENODEV;						\
	ret = __name##_show(m, v);					\
	drm_dev_exit(idx);						\
	return ret;							\
}									\
static int __name##_open(struct inode *inode, struct file *file)	\
{									\
	return single_open(file, __name##_hw_show, inode->i_private);	\
}									\
static const struct file_operations __name##_fops = {			\
	.owner = THIS_MODULE,						\
	.open = __name##_open,						\
	.read = seq_read,						\
	.llseek = seq_lseek,						\
	.release = single_release,					\
}

/* The same for a simple attribute's get or set: 0 or -ENODEV. */
static int cim_dbg_enter(void *data, int *idx)
{
	struct cim_device *cdev = data;

	return drm_dev_enter(&cdev->drm, idx) ? 0 : -ENODEV;
}

static int cim_resets_show(struct seq_file *m, void *unused)
{
	struct cim_device *cdev = m->private;

	seq_printf(m, "count %d\n", atomic_read(&cdev->resets));
	seq_printf(m, "last %s\n", cim_reset_reason_name(cdev->last_reset));
	seq_printf(m, "last_at_ms %lld\n",
		   ktime_to_ms(cdev->last_reset_time));
	seq_printf(m, "jobs_timed_out %lld\n",
		   atomic64_read(&cdev->jobs_timed_out));
	seq_printf(m, "state %s\n", cim_state_name(READ_ONCE(cdev->state)));
	seq_printf(m, "last_step %s\n", cdev->last_recovery_step ?: "none");
	seq_printf(m, "last_recovery_us %lld\n", cdev->last_recovery_us);
	seq_printf(m, "jobs_canceled %lld\n",
		   atomic64_read(&cdev->jobs_canceled));
	seq_printf(m, "jobs_kept %lld\n", atomic64_read(&cdev->jobs_kept));
	seq_printf(m, "sched_no_hang %d\n", CIM_SCHED_NO_HANG);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cim_resets);

static const char *cim_opc_name(u32 opc)
{
	static const char *const names[] = { "nop", "program", "run", "unload" };

	return opc < ARRAY_SIZE(names) ? names[opc] : "?";
}

static int cim_inflight_show(struct seq_file *m, void *unused)
{
	struct cim_device *cdev = m->private;
	ktime_t now = ktime_get();
	struct cim_job *job;
	unsigned long flags;

	seq_puts(m, "tag op slot batch pid prio age_us\n");
	spin_lock_irqsave(&cdev->ring_lock, flags);
	list_for_each_entry(job, &cdev->inflight, node)
		seq_printf(m, "%llu %s %d %u %d %ld %lld\n", job->tag,
			   cim_opc_name(job->opcode),
			   job->image ? (int)job->image->slot : -1, job->batch,
			   job->owner ? job->owner->pid : 0,
			   job->owner ? job->queue - job->owner->queue : -1,
			   ktime_us_delta(now, job->pushed));
	spin_unlock_irqrestore(&cdev->ring_lock, flags);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cim_inflight);

static int cim_queues_show(struct seq_file *m, void *unused)
{
	static const char *const prio[] = { "normal", "high" };
	struct cim_device *cdev = m->private;
	struct cim_file *cfile;
	struct cim_queue *q;
	int p;

	seq_puts(m, "pid prio submitted completed failed busy_us\n");
	mutex_lock(&cdev->files_lock);
	list_for_each_entry(cfile, &cdev->files, node) {
		for (p = 0; p < ARRAY_SIZE(cfile->queue); p++) {
			q = &cfile->queue[p];
			seq_printf(m, "%d %s %lld %lld %lld %lld\n", cfile->pid,
				   prio[p], atomic64_read(&q->submitted),
				   atomic64_read(&q->completed),
				   atomic64_read(&q->failed),
				   atomic64_read(&q->busy_ns) / 1000);
		}
	}
	mutex_unlock(&cdev->files_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cim_queues);

static int cim_tiles_show(struct seq_file *m, void *unused)
{
	struct cim_device *cdev = m->private;
	struct cim_tile_tel t;
	u32 tile;
	bool used;

	seq_puts(m, "tile used pe mvms macs simd_ops pulses busy_us simd_us\n");
	for (tile = 0; tile < cdev->info.tiles; tile++) {
		if (cim_tile_tel_read(cdev, tile, &t))
			return -EIO;
		mutex_lock(&cdev->alloc_lock);
		used = test_bit(tile, cdev->tiles_used);
		mutex_unlock(&cdev->alloc_lock);
		seq_printf(m, "%u %d %u %llu ", tile, used, t.pe_cycles, t.mvms);
		/* "-": a card before interface 1.2 does not count these */
		if (t.has_simd)
			seq_printf(m, "%llu %llu ", t.macs, t.simd_ops);
		else
			seq_puts(m, "- - ");
		seq_printf(m, "%llu %llu ", t.pulses, div_u64(t.busy_ns, 1000));
		if (t.has_simd)
			seq_printf(m, "%llu\n", div_u64(t.simd_ns, 1000));
		else
			seq_puts(m, "-\n");
	}
	return 0;
}
CIM_DEFINE_HW_SHOW(cim_tiles);

static int cim_images_show(struct seq_file *m, void *unused)
{
	static const char *const state[] = { "programming", "ready", "failed" };
	struct cim_device *cdev = m->private;
	struct cim_image *img;
	u32 i;

	seq_puts(m, "slot state bytes refs tiles\n");
	mutex_lock(&cdev->alloc_lock);
	list_for_each_entry(img, &cdev->images, node) {
		seq_printf(m, "%u %s %llu %u", img->slot,
			   state[cim_image_state(img)], img->size,
			   kref_read(&img->ref));
		for (i = 0; i < img->n_vtiles; i++)
			seq_printf(m, "%c%u", i ? ',' : ' ', img->tile_map[i]);
		seq_putc(m, '\n');
	}
	mutex_unlock(&cdev->alloc_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cim_images);

/* The firmware's log ring, oldest byte first. */
static int cim_fw_log_show(struct seq_file *m, void *unused)
{
	struct cim_device *cdev = m->private;
	u32 wptr = cim_hw_read(cdev, CIM_REG_LOG_WPTR);
	u32 n = min_t(u32, wptr, CIM_LOG_SIZE), pos, i, w = 0;
	char *buf = kmalloc(n + 1, GFP_KERNEL);

	if (!buf)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		pos = (wptr - n + i) & (CIM_LOG_SIZE - 1);
		if (!i || !(pos & 3))
			w = cim_hw_read(cdev, CIM_REG_LOG_BASE + (pos & ~3u));
		buf[i] = w >> (8 * (pos & 3));
	}
	buf[n] = 0;
	if (wptr > CIM_LOG_SIZE)
		seq_printf(m, "[%u earlier bytes dropped]\n", wptr - n);
	seq_puts(m, buf);
	kfree(buf);
	return 0;
}
CIM_DEFINE_HW_SHOW(cim_fw_log);

static int cim_card_power_show(struct seq_file *m, void *unused)
{
	struct cim_device *cdev = m->private;

	seq_printf(m, "%s\n", cim_hw_read(cdev, CIM_REG_POWER_STATE) ==
			      CIM_POWER_SLEEP ? "sleep" : "active");
	return 0;
}
CIM_DEFINE_HW_SHOW(cim_card_power);

/* The card's progress registers (interface 1.3): what it works on. */
static int cim_progress_show(struct seq_file *m, void *unused)
{
	struct cim_device *cdev = m->private;

	if (!cdev->has_progress) {
		seq_puts(m, "none: the card's interface is older than 1.3\n");
		return 0;
	}
	seq_printf(m, "progress %u\n", cim_hw_read(cdev, CIM_REG_PROGRESS));
	seq_printf(m, "progress_seen %u\n", READ_ONCE(cdev->progress_seen));
	seq_printf(m, "job_tag %llu\n",
		   (u64)cim_hw_read(cdev, CIM_REG_JOB_TAG_HI) << 32 |
		   cim_hw_read(cdev, CIM_REG_JOB_TAG_LO));
	seq_printf(m, "job_done %u\n", cim_hw_read(cdev, CIM_REG_JOB_DONE));
	return 0;
}
CIM_DEFINE_HW_SHOW(cim_progress);

static int cim_faults_fired_get(void *data, u64 *val)
{
	int idx, ret = cim_dbg_enter(data, &idx);

	if (ret)
		return ret;
	*val = cim_hw_read(data, CIM_REG_DBG_FIRED);
	drm_dev_exit(idx);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(cim_faults_fired_fops, cim_faults_fired_get, NULL,
			 "%llu\n");

static int cim_force_reset_set(void *data, u64 val)
{
	return val == 1 ? cim_reset_force(data) : -EINVAL;
}
DEFINE_DEBUGFS_ATTRIBUTE(cim_force_reset_fops, NULL, cim_force_reset_set,
			 "%llu\n");

/* inject_*: write 1 to arm the fault; reads 1 while it has not fired. */
#define CIM_INJECT(name, bit)						\
static int cim_inject_##name##_get(void *data, u64 *val)		\
{									\
	int idx, ret = cim_dbg_enter(data, &idx);			\
									\
	if (ret)							\
		return ret;						\
	*val = !!(cim_hw_read(data, CIM_REG_DBG_FAULT) & (bit));	\
	drm_dev_exit(idx);						\
	return 0;							\
}									\
static int cim_inject_##name##_set(void *data, u64 val)		\
{									\
	int idx, ret;							\
									\
	if (val != 1)							\
		return -EINVAL;						\
	ret = cim_dbg_enter(data, &idx);				\
	if (ret)							\
		return ret;						\
	cim_hw_write(data, CIM_REG_DBG_FAULT, (bit));			\
	drm_dev_exit(idx);						\
	return 0;							\
}									\
DEFINE_DEBUGFS_ATTRIBUTE(cim_inject_##name##_fops,			\
			 cim_inject_##name##_get,			\
			 cim_inject_##name##_set, "%llu\n")

CIM_INJECT(hang, CIM_FAULT_HANG);
CIM_INJECT(dma_error, CIM_FAULT_DMA);
CIM_INJECT(tile_fault, CIM_FAULT_TILE);
CIM_INJECT(program_fail, CIM_FAULT_PROGRAM);
CIM_INJECT(fw_crash, CIM_FAULT_CRASH);

/* unsafe: a DEFINE_DEBUGFS_ATTRIBUTE file, which protects itself. */
struct cim_debugfs_file {
	const char *name;
	umode_t mode;
	const struct file_operations *fops;
	bool unsafe;
};

static const struct cim_debugfs_file cim_debugfs_files[] = {
	{ "resets", 0444, &cim_resets_fops },
	{ "inflight", 0444, &cim_inflight_fops },
	{ "queues", 0444, &cim_queues_fops },
	{ "tiles", 0444, &cim_tiles_fops },
	{ "images", 0444, &cim_images_fops },
	{ "fw_log", 0444, &cim_fw_log_fops },
	{ "card_power", 0444, &cim_card_power_fops },
	{ "progress", 0444, &cim_progress_fops },
	{ "faults_fired", 0444, &cim_faults_fired_fops, true },
	{ "force_reset", 0200, &cim_force_reset_fops, true },
	{ "inject_hang", 0600, &cim_inject_hang_fops, true },
	{ "inject_dma_error", 0600, &cim_inject_dma_error_fops, true },
	{ "inject_tile_fault", 0600, &cim_inject_tile_fault_fops, true },
	{ "inject_program_fail", 0600, &cim_inject_program_fail_fops, true },
	{ "inject_fw_crash", 0600, &cim_inject_fw_crash_fops, true },
};

void cim_debugfs_init(struct cim_device *cdev)
{
	struct dentry *d = cdev->drm.debugfs_root;
	const struct cim_debugfs_file *f;
	int i;

	if (IS_ERR_OR_NULL(d))
		return;
	debugfs_create_u32("pm_suspends", 0444, d, &cdev->pm_suspends);
	for (i = 0; i < ARRAY_SIZE(cim_debugfs_files); i++) {
		f = &cim_debugfs_files[i];
		if (f->unsafe)
			debugfs_create_file_unsafe(f->name, f->mode, d, cdev,
						   f->fops);
		else
			debugfs_create_file(f->name, f->mode, d, cdev, f->fops);
	}
}

/*
 * DRM 6.12 names an accel device's debugfs directory after the device
 * (accel/cim.0.auto); the minor's number is what users know from
 * /dev/accel/accelN, so accel/N points there too.
 */
void cim_debugfs_register(struct cim_device *cdev)
{
	struct dentry *d = cdev->drm.debugfs_root;
	char name[16];

	if (IS_ERR_OR_NULL(d) || !compat_drm_minor(&cdev->drm))
		return;
	snprintf(name, sizeof(name), "%d", compat_drm_minor(&cdev->drm)->index);
	cdev->debugfs_link = debugfs_create_symlink(name, d->d_parent,
						    d->d_name.name);
}

void cim_debugfs_unregister(struct cim_device *cdev)
{
	if (!IS_ERR_OR_NULL(cdev->debugfs_link))
		debugfs_remove(cdev->debugfs_link);
	cdev->debugfs_link = NULL;
}
