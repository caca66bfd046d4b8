// SPDX-License-Identifier: MIT
/* cimctl calibrate */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "args.h"
#include "cim.h"
#include "cmds.h"

static const char usage[] =
	"usage: cimctl calibrate FILE.cimx [DEV]\n"
	"\n"
	"Calibrate a model's image on the card again, now: load it (a resident\n"
	"image is not programmed again, see `cimctl program`), have the card\n"
	"re-measure every column's gain, offset and ADC range on the image's\n"
	"tiles, and print, per physical tile, the rms column error the card\n"
	"measured on fresh test vectors with the compensation in use before\n"
	"('before') and with the new one ('after'), in cell levels, with the\n"
	"programmed columns measured.  Drift since the last calibration shows\n"
	"as a 'before' above 'after'.  An ideal card measures nothing (0).\n"
	"A device error: exit status 1.  DEV as for `cimctl info`.\n";

int cmd_calibrate(int argc, char *argv[])
{
	struct cim_calib_tile *t = NULL;
	struct program_opts o;
	struct cim_image_props p;
	struct cim_image *img = NULL;
	struct cim_model *m;
	struct cim_dev *dev;
	double sb = 0, sa = 0;
	char err[256];
	int r, i, n = 0;

	r = cimctl_parse_program(argc, argv, &o, err, sizeof(err));
	r = cimctl_args_done(r, "calibrate", err, usage);
	if (r >= 0)
		return r;
	r = cimctl_open_model(o.file, o.dev, &m, &dev);
	if (r >= 0)
		return r;
	r = cim_model_program(dev, m, &img);
	if (r >= 0) {
		cim_image_get_props(img, &p);
		t = calloc(p.tiles ? p.tiles : 1, sizeof(*t));
		r = t ? cim_calibrate(dev, img, t, (int)p.tiles) : -ENOMEM;
	}
	if (r < 0) {
		cimctl_err("cannot calibrate the image", r, cim_last_error(dev));
		free(t);
		cim_image_free(img);
		cim_model_free(m);
		cim_close(dev);
		return CIMCTL_EXIT_FAIL;
	}
	n = r < (int)p.tiles ? r : (int)p.tiles;
	printf("%s  tiles %d\n", o.file, n);
	printf("tile  columns  before  after  (rms column error, cell levels)\n");
	for (i = 0; i < n; i++) {
		printf("%4u  %7u  %6.3f  %5.3f\n", t[i].tile, t[i].columns,
		       t[i].err_before_q8 / 256.0, t[i].err_after_q8 / 256.0);
		sb += (double)t[i].err_before_q8 * t[i].err_before_q8;
		sa += (double)t[i].err_after_q8 * t[i].err_after_q8;
	}
	if (n)
		printf("all   before %.3f  after %.3f\n",
		       __builtin_sqrt(sb / n) / 256.0,
		       __builtin_sqrt(sa / n) / 256.0);
	free(t);
	cim_image_free(img);
	cim_model_free(m);
	cim_close(dev);
	return CIMCTL_EXIT_OK;
}
