// SPDX-License-Identifier: MIT
/*
 * An ONNX file unpacked without holding it whole.  protobuf-c copies
 * every bytes field out of the buffer it parses, so reading the file and
 * unpacking it holds the weights twice (alexnet: 488 MB for a 244 MB
 * file).  Instead the protobuf wire format is walked from the file: the
 * model without its graph's initializers is unpacked from one small
 * buffer, then each initializer from a buffer of its own, freed at once.
 * The result is the ModelProto the whole file would give (repeated
 * fields keep their order).  Anything the walk does not expect (groups,
 * a second graph field, a length past the end) makes it give up, and the
 * caller unpacks the whole file as before, with that path's messages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "onnx.h"

#define MODEL_GRAPH	7	/* ModelProto.graph */
#define GRAPH_INIT	5	/* GraphProto.initializer */

struct span {
	uint64_t off, len;
};

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static int put(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *q;

		while (cap < b->len + n)
			cap *= 2;
		q = realloc(b->p, cap);
		if (!q)
			return -ENOMEM;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

static int put_varint(struct buf *b, uint64_t v)
{
	uint8_t t[10];
	size_t n = 0;

	do {
		t[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return put(b, t, n);
}

/* The file's bytes [off, off + n) appended to b. */
static int put_file(struct buf *b, FILE *f, uint64_t off, uint64_t n)
{
	uint8_t t[65536];

	if (fseeko(f, (off_t)off, SEEK_SET))
		return -EIO;
	while (n) {
		size_t k = n < sizeof(t) ? (size_t)n : sizeof(t);

		if (fread(t, 1, k, f) != k || put(b, t, k))
			return -EIO;
		n -= k;
	}
	return 0;
}

static int get_varint(FILE *f, uint64_t *off, uint64_t end, uint64_t *v)
{
	unsigned int s;
	int c;

	*v = 0;
	for (s = 0; s < 64 && *off < end; s += 7) {
		c = getc(f);
		if (c == EOF)
			return -EIO;
		(*off)++;
		*v |= (uint64_t)(c & 0x7f) << s;
		if (!(c & 0x80))
			return 0;
	}
	return -EINVAL;
}

/*
 * The field at *off (< end): its number and wire type, where its value
 * starts and its end.  Groups (wire types 3, 4) and overruns: -EINVAL.
 */
static int field(FILE *f, uint64_t *off, uint64_t end, uint64_t *num,
		 uint64_t *val, uint64_t *next)
{
	uint64_t tag, len;

	if (fseeko(f, (off_t)*off, SEEK_SET) || get_varint(f, off, end, &tag))
		return -EINVAL;
	*num = tag >> 3;
	switch (tag & 7) {
	case 0:
		*val = *off;
		if (get_varint(f, off, end, &len))
			return -EINVAL;
		*next = *off;
		break;
	case 1:
		*val = *off;
		*next = *off + 8;
		break;
	case 5:
		*val = *off;
		*next = *off + 4;
		break;
	case 2:
		if (get_varint(f, off, end, &len) || len > end - *off)
			return -EINVAL;
		*val = *off;
		*next = *off + len;
		break;
	default:
		return -EINVAL;
	}
	if (*num == 0 || *next > end)
		return -EINVAL;
	return tag & 7;
}

/*
 * The model without the graph's initializers (skel), and where the
 * initializers are.  -EINVAL: not a layout this walk handles.
 */
static int walk(FILE *f, uint64_t size, struct buf *skel, struct span **ini,
		size_t *n_ini)
{
	struct buf g = { 0 };
	uint64_t off = 0, num, val, next;
	int graphs = 0, w, ret = 0;

	while (off < size && !ret) {
		uint64_t start = off;

		w = field(f, &off, size, &num, &val, &next);
		if (w < 0) {
			ret = w;
			break;
		}
		if (num != MODEL_GRAPH || w != 2) {
			ret = put_file(skel, f, start, next - start);
			off = next;
			continue;
		}
		if (graphs++) {
			ret = -EINVAL;	/* merged graphs: leave it to protobuf-c */
			break;
		}
		for (off = val; off < next && !ret;) {
			uint64_t s = off, v, e, n;
			int gw = field(f, &off, next, &n, &v, &e);

			if (gw < 0) {
				ret = gw;
			} else if (n == GRAPH_INIT && gw == 2) {
				struct span *p = realloc(*ini, (*n_ini + 1) * sizeof(*p));

				if (!p) {
					ret = -ENOMEM;
					break;
				}
				*ini = p;
				p[(*n_ini)++] = (struct span){ v, e - v };
			} else {
				ret = put_file(&g, f, s, e - s);
			}
			off = e;
		}
		if (!ret)
			ret = put_varint(skel, (uint64_t)MODEL_GRAPH << 3 | 2);
		if (!ret)
			ret = put_varint(skel, g.len);
		if (!ret && g.len)
			ret = put(skel, g.p, g.len);
		off = next;
	}
	free(g.p);
	return ret;
}

/* Each initializer unpacked from a buffer of its own. */
static int add_inits(FILE *f, Onnx__GraphProto *gp, const struct span *ini,
		     size_t n)
{
	size_t i;

	gp->initializer = calloc(n ? n : 1, sizeof(*gp->initializer));
	if (!gp->initializer)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct buf b = { 0 };
		int ret = put_file(&b, f, ini[i].off, ini[i].len);

		if (!ret) {
			gp->initializer[i] = onnx__tensor_proto__unpack(NULL, b.len, b.p);
			ret = gp->initializer[i] ? 0 : -EINVAL;
		}
		free(b.p);
		if (ret)
			return ret;
		gp->n_initializer = i + 1;
	}
	return 0;
}

int onnx_read_model(const char *path, uint64_t max, Onnx__ModelProto **out)
{
	struct buf skel = { 0 };
	struct span *ini = NULL;
	size_t n_ini = 0;
	Onnx__ModelProto *m = NULL;
	struct stat st;
	FILE *f;
	int ret;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f)
		return -ENOENT;
	ret = fstat(fileno(f), &st) || !S_ISREG(st.st_mode) ||
	      (uint64_t)st.st_size > max ? -EINVAL : 0;
	if (!ret)
		ret = walk(f, (uint64_t)st.st_size, &skel, &ini, &n_ini);
	if (!ret) {
		m = onnx__model_proto__unpack(NULL, skel.len, skel.p);
		ret = m ? 0 : -EINVAL;
	}
	free(skel.p);
	skel.p = NULL;
	if (!ret && n_ini && (!m->graph || m->graph->n_initializer))
		ret = -EINVAL;
	if (!ret && n_ini)
		ret = add_inits(f, m->graph, ini, n_ini);
	free(ini);
	fclose(f);
	if (ret) {
		if (m)
			onnx__model_proto__free_unpacked(m, NULL);
		return ret;
	}
	*out = m;
	return 0;
}
