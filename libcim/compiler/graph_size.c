// SPDX-License-Identifier: MIT
/*
 * How many arrays a graph needs at least, from its shapes alone: before
 * calibration, so that a model that cannot fit the card fails at once.
 */
#include <errno.h>

#include "compiler.h"

/*
 * Cells of every FC/CONV matrix (the block diagonal only, as the mapper
 * lays grouped layers out), wbits / 4 cells per weight, over the cells
 * of one array, rounded up: no mapping can use fewer arrays.
 */
int cim_graph_min_arrays(const struct cim_graph *g, uint32_t wbits,
			 uint32_t rows, uint32_t cols, uint64_t *arrays)
{
	uint64_t cells = 0, per = (uint64_t)rows * cols;
	uint32_t i;

	if (!g || !arrays || !per || (wbits != 8 && wbits != 4))
		return -EINVAL;
	for (i = 0; i < g->n_nodes; i++) {
		const struct cim_node *n = &g->nodes[i];

		if ((n->op == CIM_NODE_FC || n->op == CIM_NODE_CONV) &&
		    n->n_inputs > 1 && g->tensors[n->inputs[1]].data)
			cells += g->tensors[n->inputs[1]].size * (wbits / 4);
	}
	*arrays = (cells + per - 1) / per;
	return 0;
}
