// SPDX-License-Identifier: MIT
/* cimctl list */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cim.h"
#include "cmds.h"
#include "json_out.h"

static const char usage[] =
	"usage: cimctl list [--json]\n"
	"\n"
	"List the CIM cards: accel devices bound to the cim driver, one per\n"
	"line: name, device node, parent device, sysfs path.  Then the\n"
	"userspace card (the card firmware in-process, no driver needed), one\n"
	"line per preset: its DEV name (sim, sim:small), \"userspace\", and\n"
	"its geometry.  Any command's DEV can name one.  --json: one JSON\n"
	"array of objects with those fields (docs/cimctl.md).\n";

/*
 * The userspace card's presets (firmware/sim/, docs/libcim.md): listed,
 * not opened (opening one powers up a card in this process).
 */
static const struct {
	const char *dev, *about;
} sim_presets[] = {
	{ "sim", "M1076-class preset (76 tiles of 1024x1024)" },
	{ "sim:small", "small preset (8 tiles of 256x256)" },
};

/* accelN, or renderDN where the kernel has no accel core. */
static const char *node_name(const struct cim_card_info *c)
{
	const char *slash = strrchr(c->devnode, '/');

	return slash ? slash + 1 : c->devnode;
}

static void list_json(const struct cim_card_info *cards, int n)
{
	struct json_object *arr = json_object_new_array(), *c;
	size_t k;
	int i;

	for (i = 0; i < n; i++) {
		c = json_object_new_object();
		cimctl_json_str(c, "name", node_name(&cards[i]));
		cimctl_json_str(c, "kind", "card");
		cimctl_json_str(c, "devnode", cards[i].devnode);
		cimctl_json_i64(c, "index", cards[i].index);
		cimctl_json_str(c, "parent", cards[i].parent);
		cimctl_json_str(c, "syspath", cards[i].syspath);
		json_object_array_add(arr, c);
	}
	for (k = 0; k < sizeof(sim_presets) / sizeof(sim_presets[0]); k++) {
		c = json_object_new_object();
		cimctl_json_str(c, "name", sim_presets[k].dev);
		cimctl_json_str(c, "kind", "userspace");
		cimctl_json_str(c, "devnode", sim_presets[k].dev);
		cimctl_json_null(c, "index");
		cimctl_json_str(c, "parent", "userspace");
		cimctl_json_null(c, "syspath");
		cimctl_json_str(c, "description", sim_presets[k].about);
		json_object_array_add(arr, c);
	}
	cimctl_json_print(arr);
}

int cmd_list(int argc, char *argv[])
{
	struct cim_card_info *cards = NULL;
	struct list_opts o;
	char err[256];
	size_t k;
	int n, i, r;

	r = cimctl_parse_list(argc, argv, &o, err, sizeof(err));
	r = cimctl_args_done(r, "list", err, usage);
	if (r >= 0)
		return r;
	n = cim_list(NULL, 0);
	if (n < 0) {
		cimctl_err("cannot list cards", n, cim_last_error(NULL));
		return CIMCTL_EXIT_FAIL;
	}
	if (n) {
		cards = calloc((size_t)n, sizeof(*cards));
		if (!cards)
			return CIMCTL_EXIT_FAIL;
		n = cim_list(cards, n);
	} else if (!o.json) {
		fprintf(stderr, "cimctl: no CIM cards found (is cim.ko loaded?)\n");
	}
	if (o.json) {
		list_json(cards, n);
	} else {
		for (i = 0; i < n; i++)
			printf("%s\t%s\t%s\t%s\n", node_name(&cards[i]),
			       cards[i].devnode, cards[i].parent,
			       cards[i].syspath);
		for (k = 0; k < sizeof(sim_presets) / sizeof(sim_presets[0]); k++)
			printf("%s\t%s\tuserspace\t%s\n", sim_presets[k].dev,
			       sim_presets[k].dev, sim_presets[k].about);
	}
	free(cards);
	return CIMCTL_EXIT_OK;
}
