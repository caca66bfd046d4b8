// SPDX-License-Identifier: MIT
/* cimctl list */
#include <stdio.h>
#include <stdlib.h>

#include "args.h"
#include "cim.h"
#include "cmds.h"

static const char usage[] =
	"usage: cimctl list\n"
	"\n"
	"List the CIM cards: accel devices bound to the cim driver, one per\n"
	"line: name, device node, parent device, sysfs path.  Then the\n"
	"userspace card (the card firmware in-process, no driver needed), one\n"
	"line per preset: its DEV name (sim, sim:small), \"userspace\", and\n"
	"its geometry.  Any command's DEV can name one.\n";

/*
 * The userspace card's presets (firmware/sim/, docs/libcim.md): listed,
 * not opened (opening one powers up a card in this process).
 */
static void list_sim(void)
{
	printf("sim\tsim\tuserspace\tM1076-class preset (76 tiles of 1024x1024)\n");
	printf("sim:small\tsim:small\tuserspace\tsmall preset (8 tiles of 256x256)\n");
}

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
		list_sim();
		return CIMCTL_EXIT_OK;
	}
	cards = calloc((size_t)n, sizeof(*cards));
	if (!cards)
		return CIMCTL_EXIT_FAIL;
	n = cim_list(cards, n);
	for (i = 0; i < n; i++)
		printf("accel%d\t%s\t%s\t%s\n", cards[i].index, cards[i].devnode,
		       cards[i].parent, cards[i].syspath);
	free(cards);
	list_sim();
	return CIMCTL_EXIT_OK;
}
