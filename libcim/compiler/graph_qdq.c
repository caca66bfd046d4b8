// SPDX-License-Identifier: MIT
/*
 * Activation quantization parameters found in a QDQ model (onnx_qdq.c),
 * by tensor name: the quantizer takes them instead of the calibration
 * range.  Names survive the graph passes that keep a tensor.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cim_graph.h"

int cim_graph_set_qdq(struct cim_graph *g, const char *name, float scale,
		      int32_t zp)
{
	struct cim_graph_qdq *n;
	uint32_t i;

	if (!g || !name || !(scale > 0) || zp < -128 || zp > 127)
		return -EINVAL;
	for (i = 0; i < g->n_qdq; i++) {
		if (!strcmp(g->qdq[i].name, name)) {
			g->qdq[i].scale = scale;
			g->qdq[i].zero_point = zp;
			return 0;
		}
	}
	n = realloc(g->qdq, (g->n_qdq + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	g->qdq = n;
	n[g->n_qdq].name = strdup(name);
	if (!n[g->n_qdq].name)
		return -ENOMEM;
	n[g->n_qdq].scale = scale;
	n[g->n_qdq].zero_point = zp;
	g->n_qdq++;
	return 0;
}

const struct cim_graph_qdq *cim_graph_qdq(const struct cim_graph *g,
					  const char *name)
{
	uint32_t i;

	for (i = 0; g && name && i < g->n_qdq; i++)
		if (!strcmp(g->qdq[i].name, name))
			return &g->qdq[i];
	return NULL;
}

void cim_graph_qdq_free(struct cim_graph *g)
{
	uint32_t i;

	for (i = 0; i < g->n_qdq; i++)
		free(g->qdq[i].name);
	free(g->qdq);
	g->qdq = NULL;
	g->n_qdq = 0;
}
