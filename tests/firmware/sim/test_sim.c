// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The userspace card (firmware/sim/, cim_sim.h) driven as a driver
 * drives a card: configuration, boot handshake, PROGRAM and RUN through
 * its rings (bit-exact to the reference), the flash file, faults.
 */
#include <errno.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "shost.h"
#include "tmodel.h"
#include "cim_fw.h"
#include "model/model_int.h"
#include "sim.h"

#define WAIT_MS	20000

static void small_model(struct tmodel *m, uint32_t seed)
{
	static const uint32_t dims[] = { 300, 120, 40, 10 };

	tmodel_make(m, dims, 3, seed, 256, 256);
}

static struct cim_cpl exec(struct shost *s, const struct cim_desc *d)
{
	struct cim_cpl c;

	shost_submit(s, d);
	assert_int_equal(shost_reap(s, &c, WAIT_MS), 1);
	assert_int_equal(c.tag, d->tag);
	return c;
}

static struct cim_cpl program(struct shost *s, uint32_t slot,
			      const struct tmodel *m)
{
	const struct cim_image_header *h = m->image;
	uint16_t *map = shost_alloc(s, h->n_vtiles * sizeof(*map));
	void *img = shost_alloc(s, m->size);
	struct cim_desc d;
	uint32_t i;

	for (i = 0; i < h->n_vtiles; i++)
		map[i] = (uint16_t)(7 - i);	/* the small card's last tiles */
	memcpy(img, m->image, m->size);
	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_PROGRAM;
	d.tag = 0x5000 + slot;
	d.slot = slot;
	d.map_count = h->n_vtiles;
	d.map_addr = (uintptr_t)map;
	shost_ref(s, &d.src, img, m->size);
	return exec(s, &d);
}

/* RUN batch items of seed; out receives the outputs. */
static struct cim_cpl run(struct shost *s, uint32_t slot,
			  const struct tmodel *m, uint32_t batch,
			  uint32_t seed, int8_t *out)
{
	size_t in_len = (size_t)batch * m->in_size;
	size_t out_len = (size_t)batch * m->out_size;
	int8_t *src = shost_alloc(s, in_len), *dst = shost_alloc(s, out_len);
	struct cim_desc d;
	struct cim_cpl c;

	trand_fill(src, in_len, seed);
	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_RUN;
	d.tag = 0x7000 + batch;
	d.slot = slot;
	d.batch = batch;
	shost_ref(s, &d.src, src, in_len);
	shost_ref(s, &d.dst, dst, out_len);
	c = exec(s, &d);
	memcpy(out, dst, out_len);
	return c;
}

/* RUN and compare with the reference: the ideal card is bit-exact. */
static uint64_t run_exact(struct shost *s, uint32_t slot,
			  const struct tmodel *m, uint32_t batch,
			  uint32_t seed)
{
	int8_t *in = malloc((size_t)batch * m->in_size);
	int8_t *want = malloc((size_t)batch * m->out_size);
	int8_t *out = malloc((size_t)batch * m->out_size);
	struct cim_cpl c;

	trand_fill(in, (size_t)batch * m->in_size, seed);
	tnet_ref(&m->net, in, want, NULL, batch, -1);
	c = run(s, slot, m, batch, seed, out);
	assert_int_equal(c.status, CIM_ST_OK);
	assert_int_equal(c.batch_done, batch);
	assert_true(c.device_time_ns > 0);
	assert_memory_equal(out, want, (size_t)batch * m->out_size);
	free(in);
	free(want);
	free(out);
	return c.device_time_ns;
}

static uint32_t tile_pe(struct shost *s, uint32_t tile)
{
	cim_sim_reg_write(s->sim, CIM_REG_TEL_TILE, tile);
	return cim_sim_reg_read(s->sim, CIM_REG_TEL_PE);
}

static void test_sim_config(void **state)
{
	struct cim_sim_config cfg;
	struct cim_sim_info info;
	struct cim_sim *sim;
	char err[128] = "";

	(void)state;
	cim_sim_config_init(&cfg);
	assert_int_equal(cim_sim_config_parse(&cfg, "gpu"), -EINVAL);
	assert_int_equal(cim_sim_config_parse(&cfg, "sim:huge"), -EINVAL);
	assert_int_equal(cim_sim_config_parse(&cfg, "sim"), 0);
	assert_null(cfg.preset);

	/* the default preset: M1076-class */
	assert_int_equal(cim_sim_create(&cfg, &sim), 0);
	assert_int_equal(cim_sim_reg_read(sim, CIM_REG_ID), CIM_HW_ID);
	assert_int_equal(cim_sim_reg_read(sim, CIM_REG_TILES), 76);
	assert_int_equal(cim_sim_reg_read(sim, CIM_REG_TILE_ROWS), 1024);
	assert_int_equal(cim_sim_reg_read(sim, CIM_REG_ANALOG), 0);
	cim_sim_get_info(sim, &info);
	assert_string_equal(info.preset, "m1076");
	assert_int_equal(info.plan_bytes, 1024 * 1024);
	assert_int_equal(info.persistent, 0);
	/* unaligned or outside the window: 0 */
	assert_int_equal(cim_sim_reg_read(sim, 2), 0);
	assert_int_equal(cim_sim_reg_read(sim, CIM_REG_SPACE), 0);
	cim_sim_destroy(sim);

	/* preset and overrides, as cim_vcard.ko's module parameters */
	assert_int_equal(cim_sim_config_parse(&cfg,
			 "sim:small,tiles=4,analog=1,spare_cols=3,seed=9"), 0);
	assert_int_equal(cim_sim_create(&cfg, &sim), 0);
	assert_int_equal(cim_sim_reg_read(sim, CIM_REG_TILES), 4);
	assert_int_equal(cim_sim_reg_read(sim, CIM_REG_TILE_COLS), 256);
	assert_int_equal(cim_sim_reg_read(sim, CIM_REG_ANALOG), 1);
	assert_int_equal(cim_sim_reg_read(sim, CIM_REG_SPARE_COLS), 3);
	cim_sim_get_info(sim, &info);
	assert_int_equal(info.seed, 9);
	cim_sim_destroy(sim);

	/* errors say what is wrong */
	cfg.errbuf = err;
	cfg.errbuf_len = sizeof(err);
	assert_int_equal(cim_sim_config_parse(&cfg, "sim:small,bogus=1"), 0);
	assert_int_equal(cim_sim_create(&cfg, &sim), -EINVAL);
	assert_null(sim);
	assert_non_null(strstr(err, "bogus"));
	assert_int_equal(cim_sim_config_parse(&cfg, "sim:small,cols=7"), 0);
	assert_int_equal(cim_sim_create(&cfg, &sim), -EINVAL);
	assert_non_null(strstr(err, "geometry"));
}

static void test_sim_boot(void **state)
{
	struct shost *s = shost_new("sim:small", NULL);

	(void)state;
	assert_non_null(s);
	assert_int_equal(cim_sim_reg_read(s->sim, CIM_REG_STATUS),
			 CIM_STATUS_BOOTING);
	assert_int_equal(shost_start(s), 0);
	assert_int_equal(cim_sim_reg_read(s->sim, CIM_REG_FW_VERSION),
			 CIM_FW_VERSION);
	assert_int_equal(cim_sim_reg_read(s->sim, CIM_REG_IF_VERSION),
			 CIM_IF_VERSION);
	assert_true(s->irqs >= 1);
	assert_true(s->irq_bits & CIM_IRQ_READY);
	assert_true(cim_sim_reg_read(s->sim, CIM_REG_IRQ_STATUS) &
		    CIM_IRQ_READY);
	cim_sim_reg_write(s->sim, CIM_REG_IRQ_STATUS, CIM_IRQ_READY);
	assert_false(cim_sim_reg_read(s->sim, CIM_REG_IRQ_STATUS) &
		     CIM_IRQ_READY);
	/* the management block: ambient or warmer, idle power or more */
	assert_true(cim_sim_reg_read(s->sim, CIM_REG_TEMP_MC) >= 35000);
	assert_true(cim_sim_reg_read(s->sim, CIM_REG_POWER_UW) >= 700000);
	/* asleep, the card draws its clock-gated power */
	cim_sim_reg_write(s->sim, CIM_REG_POWER_STATE, CIM_POWER_SLEEP);
	usleep(5000);
	assert_int_equal(cim_sim_reg_read(s->sim, CIM_REG_POWER_UW), 40000);
	cim_sim_reg_write(s->sim, CIM_REG_POWER_STATE, CIM_POWER_ACTIVE);
	shost_free(s);
}

static void test_sim_program_run(void **state)
{
	struct shost *s = shost_new("sim:small", NULL);
	struct cim_desc d;
	struct cim_cpl c;
	struct tmodel m;
	uint64_t t1, t2, clock;
	int8_t *lost;

	(void)state;
	assert_non_null(s);
	assert_int_equal(shost_start(s), 0);
	small_model(&m, 21);
	assert_int_equal(program(s, 3, &m).status, CIM_ST_OK);
	assert_true(tile_pe(s, 7) >= 1);
	/* the handler runs just after the completion is published */
	while (!(__atomic_load_n(&s->irq_bits, __ATOMIC_SEQ_CST) &
		 CIM_IRQ_CPL) && shost_wait_irq(s, 1000))
		;
	assert_true(s->irq_bits & CIM_IRQ_CPL);
	t1 = run_exact(s, 3, &m, 1, 5);
	t2 = run_exact(s, 3, &m, 6, 6);
	/* modeled time: a longer batch takes longer, clock moves */
	assert_true(t2 > t1);
	clock = cim_sim_reg_read(s->sim, CIM_REG_CLOCK_LO) |
		(uint64_t)cim_sim_reg_read(s->sim, CIM_REG_CLOCK_HI) << 32;
	assert_true(clock >= t1 + t2);
	/* the same RUN takes the same modeled time: deterministic */
	assert_int_equal(run_exact(s, 3, &m, 1, 5), t1);

	/* a buffer the host did not map is a bus error for the card */
	lost = malloc(64);
	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_RUN;
	d.tag = 0x99;
	d.slot = 3;
	d.batch = 1;
	shost_ref(s, &d.src, lost, m.in_size);
	shost_ref(s, &d.dst, shost_alloc(s, m.out_size), m.out_size);
	c = exec(s, &d);
	assert_int_equal(c.status, CIM_ST_DMA_ERROR);
	free(lost);
	/* and the card goes on */
	run_exact(s, 3, &m, 2, 8);
	tmodel_free(&m);
	shost_free(s);
}

static void test_sim_flash_file(void **state)
{
	char path[] = "/tmp/cim-sim-flash-XXXXXX";
	struct cim_sim_config cfg;
	struct cim_sim_info info;
	struct cim_sim *other;
	struct shost *s;
	struct tmodel m;
	uint32_t pe;
	uint64_t t1;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);

	s = shost_new("sim:small", path);
	assert_non_null(s);
	cim_sim_get_info(s->sim, &info);
	assert_int_equal(info.persistent, 1);
	assert_int_equal(info.flash_loaded, 0);
	/* one card per flash file */
	cim_sim_config_init(&cfg);
	cfg.preset = "small";
	cfg.flash_path = path;
	assert_int_equal(cim_sim_create(&cfg, &other), -EBUSY);
	assert_int_equal(shost_start(s), 0);
	small_model(&m, 33);
	assert_int_equal(program(s, 5, &m).status, CIM_ST_OK);
	t1 = run_exact(s, 5, &m, 2, 1);
	pe = tile_pe(s, 7);
	assert_true(pe >= 1);
	shost_free(s);

	/* a new process: the image is still resident, the wear kept */
	setenv("CIM_SIM_FLASH", path, 1);
	s = shost_new("sim:small", NULL);
	unsetenv("CIM_SIM_FLASH");
	assert_non_null(s);
	cim_sim_get_info(s->sim, &info);
	assert_int_equal(info.flash_loaded, 1);
	assert_int_equal(tile_pe(s, 7), pe);
	assert_int_equal(shost_start(s), 0);
	assert_int_equal(run_exact(s, 5, &m, 2, 1), t1);
	shost_free(s);

	/* another geometry cannot use that flash */
	cfg.options = "tiles=4";
	assert_int_equal(cim_sim_create(&cfg, &other), -EINVAL);
	unlink(path);
	tmodel_free(&m);
}

static void test_sim_faults(void **state)
{
	struct shost *s = shost_new("sim:small", NULL);
	struct cim_desc d;
	struct cim_cpl c;
	struct tmodel m;
	int8_t out[64];

	(void)state;
	assert_non_null(s);
	assert_int_equal(shost_start(s), 0);
	small_model(&m, 4);
	assert_int_equal(program(s, 0, &m).status, CIM_ST_OK);

	cim_sim_reg_write(s->sim, CIM_REG_DBG_FAULT, CIM_FAULT_TILE);
	assert_int_equal(run(s, 0, &m, 1, 1, out).status, CIM_ST_TILE_FAULT);
	cim_sim_reg_write(s->sim, CIM_REG_DBG_FAULT, CIM_FAULT_DMA);
	assert_int_equal(run(s, 0, &m, 1, 1, out).status, CIM_ST_DMA_ERROR);
	assert_int_equal(cim_sim_reg_read(s->sim, CIM_REG_DBG_FIRED), 2);
	run_exact(s, 0, &m, 1, 2);
	cim_sim_reg_write(s->sim, CIM_REG_DBG_FAULT, CIM_FAULT_PROGRAM);
	assert_int_equal(program(s, 1, &m).status, CIM_ST_VERIFY_FAIL);

	/* a hung card posts nothing ... */
	cim_sim_reg_write(s->sim, CIM_REG_DBG_FAULT, CIM_FAULT_HANG);
	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_NOP;
	d.tag = 1;
	shost_submit(s, &d);
	assert_int_equal(shost_reap(s, &c, 200), 1);	/* NOP: not a RUN */
	d.opcode = CIM_OPC_RUN;
	d.slot = 0;
	d.batch = 1;
	d.tag = 2;
	shost_ref(s, &d.src, shost_alloc(s, m.in_size), m.in_size);
	shost_ref(s, &d.dst, shost_alloc(s, m.out_size), m.out_size);
	shost_submit(s, &d);
	assert_int_equal(shost_reap(s, &c, 300), 0);

	/* ... until the host resets it; the flash keeps the cells */
	cim_sim_reg_write(s->sim, CIM_REG_RESET, CIM_RESET_MAGIC);
	assert_int_equal(shost_start(s), 0);
	assert_int_equal(run(s, 0, &m, 1, 1, out).status, CIM_ST_NO_IMAGE);
	assert_int_equal(program(s, 0, &m).status, CIM_ST_OK);
	run_exact(s, 0, &m, 3, 9);
	tmodel_free(&m);
	shost_free(s);
}

/* Same parameters and seed: the same analog card, twice. */
static void test_sim_analog_seeded(void **state)
{
	int8_t a[4 * 16], b[4 * 16], want[4 * 16], in[4 * 300];
	const char *spec = "sim:small,analog=1,seed=77";
	uint64_t ta, tb;
	struct shost *s;
	struct tmodel m;
	int round;

	(void)state;
	small_model(&m, 8);
	assert_true(m.out_size * 4 <= sizeof(a));
	for (round = 0; round < 2; round++) {
		s = shost_new(spec, NULL);
		assert_non_null(s);
		assert_int_equal(shost_start(s), 0);
		assert_int_equal(program(s, 2, &m).status, CIM_ST_OK);
		if (!round)
			ta = run(s, 2, &m, 4, 3, a).device_time_ns;
		else
			tb = run(s, 2, &m, 4, 3, b).device_time_ns;
		shost_free(s);
	}
	assert_memory_equal(a, b, 4 * m.out_size);
	assert_int_equal(ta, tb);
	/* and close to, not always equal to, the integer reference */
	trand_fill(in, 4 * m.in_size, 3);
	tnet_ref(&m.net, in, want, NULL, 4, -1);
	{
		uint32_t i, near = 0;

		for (i = 0; i < 4 * m.out_size; i++)
			near += abs(a[i] - want[i]) <= 8;
		assert_true(near * 10 >= 8 * 4 * m.out_size);
	}
	tmodel_free(&m);
}

/*
 * The card's vectorized MVM kernel (sim/sim_mvm.c) against a plain loop:
 * every drive range (int8, unsigned, negative, both signs beyond int8),
 * zero rows, odd row counts, column counts off the vector width.
 */
static void test_sim_mvm_kernel(void **state)
{
	static const uint32_t ncols[] = { 1024, 1000, 128, 37, 1 };
	const uint32_t stride = 1024, nrows = 301;
	uint8_t *cells = malloc((size_t)nrows * stride);
	int32_t got[1024], want[1024];
	uint32_t st = 77, mode, i, r, c;
	int16_t x[301];

	(void)state;
	for (i = 0; i < nrows * stride; i++)
		cells[i] = (uint8_t)(trand(&st) % 16);
	for (mode = 0; mode < 5; mode++) {
		for (r = 0; r < nrows; r++) {
			int32_t v = (int32_t)(trand(&st) % 511) - 255;

			if (mode == 0)
				v = (int8_t)v;		/* [-128, 127] */
			else if (mode == 1)
				v = v < 0 ? -v : v;	/* [0, 255] */
			else if (mode == 2)
				v = v > 0 ? -v : v;	/* [-255, 0] */
			else if (mode == 4)
				v = v == -255 ? 255 : v; /* extremes */
			x[r] = (int16_t)(trand(&st) % 4 ? v : 0);
		}
		if (mode == 4)
			for (r = 0; r < nrows; r++)
				x[r] = (int16_t)(r % 2 ? 255 : -255);
		for (i = 0; i < sizeof(ncols) / sizeof(ncols[0]); i++) {
			memset(want, 0, sizeof(want));
			for (r = 0; r < nrows; r++)
				for (c = 0; c < ncols[i]; c++)
					want[c] += x[r] * cells[r * stride + c];
			for (c = 0; c < 1024; c++)
				got[c] = (int32_t)c;	/* it adds to these */
			model_mvm_rows(cells, stride, nrows, ncols[i], x, got);
			for (c = 0; c < ncols[i]; c++)
				assert_int_equal(got[c], want[c] + (int32_t)c);
			assert_int_equal(got[ncols[i] % 1024],
					 ncols[i] < 1024 ?
					 (int32_t)ncols[i] : want[0]);
		}
	}
	free(cells);
}

/*
 * The card's own exact MVM (cim_hal_array_mvm()) on a tile's cells, as
 * the firmware calls it, against a plain loop: blocks whose columns start
 * on a unit of 32 take the packed-cell kernel, others the interleaved
 * one; every drive range, row offsets, column counts off the widths, and
 * cells rewritten between calls (the host layouts follow the wstamp).
 */
static void test_sim_mvm_host(void **state)
{
	static const uint32_t col0s[] = { 0, 32, 64, 16, 5 };
	static const uint32_t ncols[] = { 192, 96, 37, 32, 1 };
	struct cim_sim_config cfg;
	struct cim_sim *sim;
	struct cim_hal *h;
	struct cim_model *m;
	int32_t got[256], want[256];
	uint32_t st = 91, mode, i, k, r, c, row0, nrows, round;
	uint8_t *cells;
	int16_t x[256];

	(void)state;
	cim_sim_config_init(&cfg);
	assert_int_equal(cim_sim_config_parse(&cfg, "sim:small"), 0);
	assert_int_equal(cim_sim_create(&cfg, &sim), 0);
	h = (struct cim_hal *)sim;
	m = &h->model;
	assert_int_equal(m->p.cols, 256);
	cells = m->cells + (size_t)3 * m->p.rows * m->p.cols;
	for (round = 0; round < 2; round++) {
		for (i = 0; i < m->p.rows * m->p.cols; i++)
			cells[i] = (uint8_t)(trand(&st) % 16);
		model_tile(m, 3)->wstamp++;	/* as a program_row does */
		for (mode = 0; mode < 4; mode++) {
			row0 = mode * 13;
			nrows = 256 - row0 - mode * 7;
			for (r = 0; r < nrows; r++) {
				int32_t v = (int32_t)(trand(&st) % 511) - 255;

				if (mode == 0)
					v = (int8_t)v;
				else if (mode == 1)
					v = v < 0 ? -v : v;
				else if (mode == 2)
					v = v > 0 ? -v : v;
				x[r] = (int16_t)(trand(&st) % 4 ? v : 0);
			}
			for (i = 0; i < 5; i++) {
				for (k = 0; k < 5; k++) {
					memset(want, 0, sizeof(want));
					for (r = 0; r < nrows; r++)
						for (c = 0; c < ncols[k]; c++)
							want[c] += x[r] *
							cells[(row0 + r) * 256 +
							      col0s[i] + c];
					cim_hal_array_mvm(h, 3, row0, nrows,
							  col0s[i], ncols[k],
							  x, got);
					assert_memory_equal(got, want,
							    ncols[k] * 4);
				}
			}
		}
	}
	cim_sim_destroy(sim);
}

/*
 * Column sums on the host path with a column moved to a spare: the
 * spare's cells count, over the block's rows (the zero-point term of an
 * MVM driven with an input offset; a spared column once read 0).
 */
static void test_sim_colsum_spare(void **state)
{
	struct cim_sim_config cfg;
	struct cim_sim *sim;
	struct cim_hal *h;
	struct cim_model *m;
	int32_t got[64], want[64];
	uint32_t st = 7, i, r, c, rep;
	uint8_t *cells, *sp;

	(void)state;
	cim_sim_config_init(&cfg);
	assert_int_equal(cim_sim_config_parse(&cfg,
			 "sim:small,analog=1,spare_cols=2"), 0);
	assert_int_equal(cim_sim_create(&cfg, &sim), 0);
	h = (struct cim_hal *)sim;
	m = &h->model;
	cells = m->cells + (size_t)1 * m->p.rows * m->p.cols;
	for (i = 0; i < m->p.rows * m->p.cols; i++)
		cells[i] = (uint8_t)(trand(&st) % 16);
	sp = model_spare_cells(m, model_tile(m, 1), 0);
	for (r = 0; r < m->p.rows; r++)
		sp[r] = (uint8_t)(trand(&st) % 16);
	model_tile(m, 1)->spare_of[0] = 40 + 1;	/* column 40 -> spare 0 */
	model_tile(m, 1)->wstamp++;
	/* twice: computed, then from the sim's cache */
	for (rep = 0; rep < 2; rep++) {
		memset(want, 0, sizeof(want));
		for (r = 10; r < 10 + 100; r++)
			for (c = 0; c < 64; c++)
				want[c] += c + 32 == 40 ? sp[r] :
					   cells[r * 256 + 32 + c];
		cim_hal_array_colsum(h, 1, 10, 100, 32, 64, got);
		assert_memory_equal(got, want, sizeof(want));
	}
	cim_sim_destroy(sim);
}

/* Worker threads share a large MVM: same outputs, same modeled time. */
static void test_sim_threads(void **state)
{
	static const uint32_t dims[] = { 1024, 512 };
	static const char *const specs[] = { "sim:m1076,threads=1",
					     "sim:m1076,threads=3" };
	struct cim_sim_info info;
	uint64_t t[2];
	struct shost *s;
	struct tmodel m;
	int i;

	(void)state;
	tmodel_make(&m, dims, 1, 71, 1024, 1024);
	for (i = 0; i < 2; i++) {
		s = shost_new(specs[i], NULL);
		assert_non_null(s);
		cim_sim_get_info(s->sim, &info);
		assert_int_equal(info.threads, i ? 3 : 1);
		assert_int_equal(shost_start(s), 0);
		assert_int_equal(program(s, 1, &m).status, CIM_ST_OK);
		t[i] = run_exact(s, 1, &m, 5, 12);
		shost_free(s);
	}
	assert_int_equal(t[0], t[1]);
	tmodel_free(&m);
}

/* A two-entry SG table: n1 bytes at a (mapped), then n2 at b. */
static void ref2(struct shost *s, struct cim_dma_ref *ref, const void *a,
		 size_t n1, const void *b, size_t n2)
{
	struct cim_sg_entry *sg = shost_alloc(s, 2 * sizeof(*sg));

	sg[0].addr = (uintptr_t)a;
	sg[0].len = (uint32_t)n1;
	sg[1].addr = (uintptr_t)b;
	sg[1].len = (uint32_t)n2;
	memset(ref, 0, sizeof(*ref));
	ref->sg_addr = (uintptr_t)sg;
	ref->sg_count = 2;
	ref->length = n1 + n2;
}

/*
 * Items run in lanes (threads=3) end as one at a time does: a bus error
 * on the input of item 3 completes items 0..2 (batch_done 3, their
 * outputs exact), one on the output of item 1 stops at 1.
 */
static void test_sim_lanes_dma_error(void **state)
{
	const uint32_t batch = 5;
	int8_t *in, *want, *src, *dst, *lost;
	struct shost *s = shost_new("sim:small,threads=3", NULL);
	struct cim_desc d;
	struct cim_cpl c;
	struct tmodel m;

	(void)state;
	assert_non_null(s);
	assert_int_equal(shost_start(s), 0);
	small_model(&m, 6);
	assert_int_equal(program(s, 0, &m).status, CIM_ST_OK);
	in = malloc(batch * m.in_size);
	want = malloc(batch * m.out_size);
	lost = malloc(batch * m.in_size);	/* never mapped */
	trand_fill(in, batch * m.in_size, 31);
	tnet_ref(&m.net, in, want, NULL, batch, -1);
	src = shost_alloc(s, batch * m.in_size);
	dst = shost_alloc(s, batch * m.out_size);
	memcpy(src, in, batch * m.in_size);

	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_RUN;
	d.tag = 0x51;
	d.batch = batch;
	ref2(s, &d.src, src, 3 * m.in_size, lost, 2 * m.in_size);
	shost_ref(s, &d.dst, dst, batch * m.out_size);
	c = exec(s, &d);
	assert_int_equal(c.status, CIM_ST_DMA_ERROR);
	assert_int_equal(c.batch_done, 3);
	assert_memory_equal(dst, want, 3 * m.out_size);

	memset(dst, 0, batch * m.out_size);
	d.tag = 0x52;
	shost_ref(s, &d.src, src, batch * m.in_size);
	ref2(s, &d.dst, dst, m.out_size, lost, (batch - 1) * m.out_size);
	c = exec(s, &d);
	assert_int_equal(c.status, CIM_ST_DMA_ERROR);
	assert_int_equal(c.batch_done, 1);
	assert_memory_equal(dst, want, m.out_size);

	/* and the whole batch runs exact */
	run_exact(s, 0, &m, batch, 31);
	free(in);
	free(want);
	free(lost);
	tmodel_free(&m);
	shost_free(s);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sim_config),
		cmocka_unit_test(test_sim_boot),
		cmocka_unit_test(test_sim_program_run),
		cmocka_unit_test(test_sim_flash_file),
		cmocka_unit_test(test_sim_faults),
		cmocka_unit_test(test_sim_analog_seeded),
		cmocka_unit_test(test_sim_mvm_kernel),
		cmocka_unit_test(test_sim_mvm_host),
		cmocka_unit_test(test_sim_colsum_spare),
		cmocka_unit_test(test_sim_threads),
		cmocka_unit_test(test_sim_lanes_dma_error),
	};

	/* make test T=NAME: CIM_TEST names the test (or a pattern) to run */
	if (getenv("CIM_TEST") && *getenv("CIM_TEST"))
		cmocka_set_test_filter(getenv("CIM_TEST"));
	return cmocka_run_group_tests_name("sim", tests, NULL, NULL);
}
