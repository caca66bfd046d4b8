// SPDX-License-Identifier: MIT
/* cimctl list */
#include <stdio.h>
#include <stdlib.h>

#include "args.h"
#include "cim.h"
#include "cmds.h"
#include "json_out.h"

static const char usage[] =
	"usage: cimctl list [--json]\n"
	"\n"
	"List the CIM cards: accel devices bound to the cim driver, one per\n"
	"line: name, device node, parent device, sysfs path.  --json: one\n"
	"JSON array of objects with those fields.\n";

int cmd_list(int argc, char *argv[])
{
	struct cim_card_info *cards;
	struct json_object *arr, *c;
	struct list_opts o;
	char err[256], name[32];
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
	if (!n && o.json) {
		cimctl_json_print(json_object_new_array());
		return CIMCTL_EXIT_OK;
	}
	if (!n) {
		fprintf(stderr, "cimctl: no CIM cards found (is cim.ko loaded?)\n");
		return CIMCTL_EXIT_OK;
	}
	cards = calloc((size_t)n, sizeof(*cards));
	if (!cards)
		return CIMCTL_EXIT_FAIL;
	n = cim_list(cards, n);
	if (o.json) {
		arr = json_object_new_array();
		for (i = 0; i < n; i++) {
			c = json_object_new_object();
			snprintf(name, sizeof(name), "accel%d", cards[i].index);
			cimctl_json_str(c, "name", name);
			cimctl_json_str(c, "devnode", cards[i].devnode);
			cimctl_json_i64(c, "index", cards[i].index);
			cimctl_json_str(c, "parent", cards[i].parent);
			cimctl_json_str(c, "syspath", cards[i].syspath);
			json_object_array_add(arr, c);
		}
		cimctl_json_print(arr);
		free(cards);
		return CIMCTL_EXIT_OK;
	}
	for (i = 0; i < n; i++)
		printf("accel%d\t%s\t%s\t%s\n", cards[i].index, cards[i].devnode,
		       cards[i].parent, cards[i].syspath);
	free(cards);
	return CIMCTL_EXIT_OK;
}
