// SPDX-License-Identifier: MIT
/* cimctl list */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cim.h"
#include "cmds.h"

static const char usage[] =
	"usage: cimctl list\n"
	"\n"
	"List the CIM cards: accel devices bound to the cim driver, one per\n"
	"line: name, device node, parent device, sysfs path.\n";

int cmd_list(int argc, char *argv[])
{
	struct cim_card_info *cards;
	char err[256];
	int n, i, r;

	r = cimctl_parse_list(argc, argv, err, sizeof(err));
	r = cimctl_args_done(r, "list", err, usage);
	if (r >= 0)
		return r;
	n = cim_list(NULL, 0);
	if (n < 0) {
		cimctl_err("cannot list cards", n, cim_last_error(NULL));
		return CIMCTL_EXIT_FAIL;
	}
	if (!n) {
		fprintf(stderr, "cimctl: no CIM cards found (is cim.ko loaded?)\n");
		return CIMCTL_EXIT_OK;
	}
	cards = calloc((size_t)n, sizeof(*cards));
	if (!cards)
		return CIMCTL_EXIT_FAIL;
	n = cim_list(cards, n);
	for (i = 0; i < n; i++)
		printf("%s\t%s\t%s\t%s\n", strrchr(cards[i].devnode, '/') + 1,
		       cards[i].devnode, cards[i].parent, cards[i].syspath);
	free(cards);
	return CIMCTL_EXIT_OK;
}
