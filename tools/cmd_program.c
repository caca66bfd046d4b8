// SPDX-License-Identifier: MIT
/* cimctl program */
#include <stdio.h>
#include <time.h>

#include "args.h"
#include "cim.h"
#include "cmds.h"

static const char usage[] =
	"usage: cimctl program FILE.cimx [DEV]\n"
	"\n"
	"Program the weight image of a compiled model onto a card and leave it\n"
	"there: the driver's resident-image catalog keeps it after cimctl\n"
	"exits (`cimctl images`), so that a later load of the same model, by\n"
	"any process, programs nothing.  Prints 'programmed' (the flash was\n"
	"written) or 'already resident (hit)', the image's bytes and tiles and\n"
	"the wall time of the load in ms ('load_ms').  The driver does not\n"
	"report the card's programming time.  A bad file: exit status 1.\n"
	"DEV as for `cimctl info`.\n";

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int cmd_program(int argc, char *argv[])
{
	struct cim_catalog_stats before, after;
	struct program_opts o;
	struct cim_image_props p;
	struct cim_image *img;
	struct cim_model *m;
	struct cim_dev *dev;
	char err[256];
	double t;
	size_t size;
	int r;

	r = cimctl_parse_program(argc, argv, &o, err, sizeof(err));
	r = cimctl_args_done(r, "program", err, usage);
	if (r >= 0)
		return r;
	r = cim_model_load_file(o.file, &m);
	if (r) {
		cimctl_err(o.file, r, cim_last_error(NULL));
		return CIMCTL_EXIT_FAIL;
	}
	r = cimctl_open_spec(o.dev, &dev);
	if (r >= 0) {
		cim_model_free(m);
		return r;
	}
	r = cim_resident_images(dev, NULL, 0, &before);
	if (r >= 0) {
		t = now_ms();
		r = cim_model_program(dev, m, &img);
		t = now_ms() - t;
	}
	if (r >= 0)
		r = cim_resident_images(dev, NULL, 0, &after);
	if (r < 0) {
		cimctl_err("cannot program the image", r, cim_last_error(dev));
		cim_model_free(m);
		cim_close(dev);
		return CIMCTL_EXIT_FAIL;
	}
	cim_model_image(m, &size);
	cim_image_get_props(img, &p);
	printf("%s  %s\n", o.file, after.hits > before.hits ?
	       "already resident (hit)" : "programmed");
	printf("image %zu bytes  tiles %u  load_ms %.1f\n", size, p.tiles, t);
	cim_image_free(img);
	cim_model_free(m);
	cim_close(dev);
	return CIMCTL_EXIT_OK;
}
