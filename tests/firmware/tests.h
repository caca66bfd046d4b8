/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/* Firmware host tests: shared helpers and the test lists of each file. */
#ifndef _CIM_FW_TESTS_H_
#define _CIM_FW_TESTS_H_

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "thost.h"
#include "tmodel.h"

/* Fixtures: a started card with 16-entry rings in *state. */
int tfix_setup(void **state);
int tfix_teardown(void **state);

/* A tile map in DMA-able memory: n distinct tiles, not the identity. */
uint16_t *tmap(struct thost *t, uint32_t n);

/* PROGRAM of a copy of img (DMA-able) with the given map. */
struct cim_desc tdesc_program(struct thost *t, uint32_t slot,
			      const void *img, size_t size,
			      const uint16_t *map, uint32_t n_map);
/* PROGRAM m into slot with tmap(); the completion. */
struct cim_cpl tprogram(struct thost *t, uint32_t slot,
			const struct tmodel *m);

/* The default model into *m, PROGRAMmed into slot; asserts CIM_ST_OK. */
void tprogram_default(struct thost *t, uint32_t slot, struct tmodel *m);

/* RUN of batch items of in (copied to DMA-able memory); *out, *rec. */
struct cim_desc tdesc_run(struct thost *t, uint32_t slot,
			  const struct tmodel *m, const int8_t *in,
			  uint32_t batch, int8_t **out,
			  struct cim_job_record **rec);

/* Random input of batch items for m, and what the reference says. */
void tinput(const struct tmodel *m, uint32_t batch, uint32_t seed,
	    int8_t **in, int8_t **want);

/*
 * Modeled time of one descriptor read plus one completion write: what
 * the clock advances beyond a job's own device_time_ns.
 */
uint64_t tring_ns(const struct cim_fw *fw);

#define TEST(fn)	cmocka_unit_test_setup_teardown(fn, tfix_setup, \
							tfix_teardown)

/* The test list of a file, name_tests[name_count] (main.c: SUITE). */
#define TEST_LIST(name)					\
	extern const struct CMUnitTest name##_tests[];	\
	extern const size_t name##_count

TEST_LIST(host_if);
TEST_LIST(program);
TEST_LIST(run);
TEST_LIST(dma);
TEST_LIST(ops);
TEST_LIST(time);
TEST_LIST(analog);
TEST_LIST(catalog);
TEST_LIST(fault);
TEST_LIST(array);
TEST_LIST(mapper);

#endif /* _CIM_FW_TESTS_H_ */
