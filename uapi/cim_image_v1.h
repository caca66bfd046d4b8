/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * FORMAT 1, being replaced by format 2 (uapi/cim_image.h): kept only
 * until the firmware and libcim switch over.  Do not include both.
 *
 * CIM weight image: the binary the kernel programs into the card.  It
 * holds a plan (layers, requantization parameters, virtual tiles) and the
 * flash cell contents of every virtual tile.  Produced by libcim, checked
 * by cim.ko and again by the card firmware.  See docs/image-format.md.
 *
 * Layout (offsets from the start, all little endian):
 *   struct cim_image_header
 *   struct cim_image_op      ops[n_ops]        at ops_offset (8-aligned)
 *   struct cim_image_vtile   vtiles[n_vtiles]  at vtiles_offset (4-aligned)
 *   params blob (int32 bias / multiplier / shift arrays) at params_offset
 *   cells blob (4-bit cells, two per byte)      at cells_offset
 * The plan is bytes [0, cells_offset): the firmware keeps it on the card.
 * crc32 is CRC-32/IEEE of the whole image with the crc32 field taken as 0.
 */
#ifndef _CIM_IMAGE_H_
#define _CIM_IMAGE_H_

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/limits.h>
#else
#include <stdint.h>
#endif

#define CIM_IMAGE_MAGIC		0x494d4943u	/* "CIMI" */
#define CIM_IMAGE_VERSION_MAJOR	1
#define CIM_IMAGE_VERSION_MINOR	0

/* Layer types. */
#define CIM_LAYER_FC		1	/* y = requant(W x + b), W on tiles */

struct cim_image_header {
	uint32_t magic;
	uint16_t version_major;
	uint16_t version_minor;
	uint32_t header_size;	/* sizeof(struct cim_image_header) */
	uint32_t total_size;	/* whole image, bytes */
	uint32_t crc32;
	uint32_t flags;		/* must be 0 */
	uint32_t tile_rows;	/* geometry the image was compiled for */
	uint32_t tile_cols;
	uint32_t cell_bits;	/* 4 */
	uint32_t n_ops;
	uint32_t ops_offset;
	uint32_t n_vtiles;
	uint32_t vtiles_offset;
	uint32_t params_offset;
	uint32_t params_size;
	uint32_t cells_offset;
	uint32_t cells_size;
	uint32_t input_size;	/* bytes per batch item (int8) */
	uint32_t output_size;	/* bytes per batch item (int8) */
	uint32_t reserved[5];	/* must be 0 */
};

/*
 * One layer.  For CIM_LAYER_FC with K = in_len inputs and N = out_len
 * outputs, for each output n:
 *   acc = bias[n] + sum_k x[k] * w[k][n]        (int32, x raw int8; the
 *                                               input zero point is folded
 *                                               into bias by the compiler)
 *   y = clamp(out_zp + cim_requant(acc, mult[n], shift[n]), act_min, act_max)
 * bias/mult/shift are int32 arrays of out_len entries at the given offsets
 * inside the params blob (4-aligned).
 */
struct cim_image_op {
	uint16_t type;		/* CIM_LAYER_* */
	uint16_t flags;		/* must be 0 */
	uint32_t in_len;
	uint32_t out_len;
	uint32_t vtile_first;
	uint32_t vtile_count;
	int32_t in_zp;		/* informative: already folded into bias */
	int32_t out_zp;
	int32_t act_min;
	int32_t act_max;
	uint32_t bias_offset;
	uint32_t mult_offset;
	uint32_t shift_offset;
	uint32_t reserved[4];	/* must be 0 */
};

/*
 * A virtual tile: a block of one layer's weight matrix, rows
 * [row_base, row_base + rows) x outputs [col_base, col_base + outs).
 * Each int8 weight w is stored offset-binary as u = w + 128 over two
 * cells: column 2j holds u >> 4 (high nibble), column 2j+1 holds u & 15,
 * so a row has 2 * outs cells.  Cells are row-major, two per byte, the
 * even cell in the low nibble: cells_size = rows * outs bytes.  Tiles'
 * cells follow each other in vtile order with no gaps, so the cells blob
 * streams through the card once.
 */
struct cim_image_vtile {
	uint32_t op;
	uint32_t row_base;
	uint32_t rows;
	uint32_t col_base;
	uint32_t outs;
	uint32_t cells_offset;	/* inside the cells blob */
	uint32_t cells_size;
	uint32_t reserved;	/* must be 0 */
};

/* What the checker needs to know of the card. */
struct cim_image_limits {
	uint32_t tile_rows;
	uint32_t tile_cols;
	uint32_t cell_bits;
	uint32_t max_vector;
	uint32_t max_plan_bytes;
	uint32_t max_vtiles;
};

static inline const struct cim_image_op *
cim_image_ops(const void *img)
{
	const struct cim_image_header *h = (const struct cim_image_header *)img;

	return (const struct cim_image_op *)((const uint8_t *)img + h->ops_offset);
}

static inline const struct cim_image_vtile *
cim_image_vtiles(const void *img)
{
	const struct cim_image_header *h = (const struct cim_image_header *)img;

	return (const struct cim_image_vtile *)((const uint8_t *)img +
						  h->vtiles_offset);
}

static inline const int32_t *
cim_image_param(const void *img, uint32_t off)
{
	const struct cim_image_header *h = (const struct cim_image_header *)img;

	return (const int32_t *)((const uint8_t *)img + h->params_offset + off);
}

/* Is [off, off + len) inside [0, size)?  Overflow-safe. */
static inline int cim_range_ok(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static inline int cim_params_ok(const struct cim_image_header *h, uint32_t off,
				uint32_t n)
{
	return (off & 3) == 0 && cim_range_ok(off, (uint64_t)n * 4, h->params_size);
}

static inline int cim_blocks_overlap(const struct cim_image_vtile *a,
				     const struct cim_image_vtile *b)
{
	return a->row_base < b->row_base + b->rows &&
	       b->row_base < a->row_base + a->rows &&
	       a->col_base < b->col_base + b->outs &&
	       b->col_base < a->col_base + a->outs;
}

/*
 * Check everything but the CRC.  buf holds at least the plan, i.e.
 * min(size, cells_offset) bytes are readable; size is the image size the
 * caller was given.  Returns 0, or -1 with *why set to a static string.
 */
static inline int cim_image_check(const void *buf, uint64_t size,
				  const struct cim_image_limits *lim,
				  const char **why)
{
	const struct cim_image_header *h = (const struct cim_image_header *)buf;
	const struct cim_image_op *ops;
	const struct cim_image_vtile *vt;
	uint32_t i, k, prev_out = 0, next_vtile = 0;
	uint64_t area;

#define CIM_IMG_FAIL(msg) do { *why = (msg); return -1; } while (0)
	if (size < sizeof(*h))
		CIM_IMG_FAIL("image smaller than its header");
	if (h->magic != CIM_IMAGE_MAGIC)
		CIM_IMG_FAIL("bad magic");
	if (h->version_major != CIM_IMAGE_VERSION_MAJOR)
		CIM_IMG_FAIL("unsupported image version");
	if (h->header_size != sizeof(*h))
		CIM_IMG_FAIL("bad header size");
	if (h->total_size != size)
		CIM_IMG_FAIL("total_size does not match the image size");
	if (h->flags)
		CIM_IMG_FAIL("unknown header flags");
	for (i = 0; i < sizeof(h->reserved) / sizeof(h->reserved[0]); i++)
		if (h->reserved[i])
			CIM_IMG_FAIL("reserved header field not zero");
	if (h->tile_rows != lim->tile_rows || h->tile_cols != lim->tile_cols)
		CIM_IMG_FAIL("image compiled for another tile geometry");
	if (h->cell_bits != 4 || lim->cell_bits != 4)
		CIM_IMG_FAIL("unsupported bits per cell");
	if (h->n_ops == 0 || h->n_vtiles == 0)
		CIM_IMG_FAIL("image has no layers or no tiles");
	if (h->n_vtiles > lim->max_vtiles)
		CIM_IMG_FAIL("image needs more tiles than the card has");
	if ((h->ops_offset & 7) || h->ops_offset < sizeof(*h) ||
	    !cim_range_ok(h->ops_offset, (uint64_t)h->n_ops * sizeof(*ops),
			  h->vtiles_offset))
		CIM_IMG_FAIL("bad ops section");
	if ((h->vtiles_offset & 3) ||
	    !cim_range_ok(h->vtiles_offset, (uint64_t)h->n_vtiles * sizeof(*vt),
			  h->params_offset))
		CIM_IMG_FAIL("bad vtiles section");
	if ((h->params_offset & 3) ||
	    !cim_range_ok(h->params_offset, h->params_size, h->cells_offset))
		CIM_IMG_FAIL("bad params section");
	if (!cim_range_ok(h->cells_offset, h->cells_size, size) ||
	    (uint64_t)h->cells_offset + h->cells_size != size)
		CIM_IMG_FAIL("bad cells section");
	if (h->cells_offset > lim->max_plan_bytes)
		CIM_IMG_FAIL("plan larger than the card's plan memory");

	ops = cim_image_ops(buf);
	vt = cim_image_vtiles(buf);
	{
		uint64_t at = 0;

		for (i = 0; i < h->n_vtiles; i++) {
			if (vt[i].cells_offset != at)
				CIM_IMG_FAIL("tile cells not in vtile order");
			at += vt[i].cells_size;
		}
		if (at != h->cells_size)
			CIM_IMG_FAIL("cells section size does not match its tiles");
	}
	for (i = 0; i < h->n_ops; i++) {
		const struct cim_image_op *op = &ops[i];
		uint32_t j;

		if (op->type != CIM_LAYER_FC)
			CIM_IMG_FAIL("unknown layer type");
		if (op->flags || op->reserved[0] || op->reserved[1] ||
		    op->reserved[2] || op->reserved[3])
			CIM_IMG_FAIL("layer flags or reserved fields not zero");
		if (!op->in_len || !op->out_len ||
		    op->in_len > lim->max_vector || op->out_len > lim->max_vector)
			CIM_IMG_FAIL("layer vector length out of range");
		if (i == 0 ? op->in_len != h->input_size : op->in_len != prev_out)
			CIM_IMG_FAIL("layer input length does not chain");
		prev_out = op->out_len;
		if (op->act_min < -128 || op->act_max > 127 ||
		    op->act_min > op->act_max ||
		    op->out_zp < -128 || op->out_zp > 127)
			CIM_IMG_FAIL("activation range out of int8");
		if (!cim_params_ok(h, op->bias_offset, op->out_len) ||
		    !cim_params_ok(h, op->mult_offset, op->out_len) ||
		    !cim_params_ok(h, op->shift_offset, op->out_len))
			CIM_IMG_FAIL("requantization parameters outside params");
		for (j = 0; j < op->out_len; j++) {
			int32_t m = cim_image_param(buf, op->mult_offset)[j];
			int32_t s = cim_image_param(buf, op->shift_offset)[j];

			if (m < 0 || s < -31 || s > 30)
				CIM_IMG_FAIL("requantization multiplier or shift out of range");
		}
		/* Layers own consecutive runs of tiles that cover them all. */
		if (!op->vtile_count || op->vtile_first != next_vtile ||
		    !cim_range_ok(op->vtile_first, op->vtile_count, h->n_vtiles))
			CIM_IMG_FAIL("layer tiles out of range");
		next_vtile += op->vtile_count;
		area = 0;
		for (j = op->vtile_first; j < op->vtile_first + op->vtile_count; j++) {
			const struct cim_image_vtile *t = &vt[j];

			if (t->op != i || t->reserved)
				CIM_IMG_FAIL("tile does not belong to its layer");
			if (!t->rows || t->rows > lim->tile_rows ||
			    !t->outs || 2ull * t->outs > lim->tile_cols)
				CIM_IMG_FAIL("tile block larger than a tile");
			if (!cim_range_ok(t->row_base, t->rows, op->in_len) ||
			    !cim_range_ok(t->col_base, t->outs, op->out_len))
				CIM_IMG_FAIL("tile block outside its layer");
			if ((uint64_t)t->rows * t->outs != t->cells_size ||
			    !cim_range_ok(t->cells_offset, t->cells_size,
					  h->cells_size))
				CIM_IMG_FAIL("tile cells outside the cells section");
			area += t->cells_size;
			for (k = op->vtile_first; k < j; k++)
				if (cim_blocks_overlap(t, &vt[k]))
					CIM_IMG_FAIL("tile blocks of a layer overlap");
		}
		/* Disjoint blocks inside the matrix with its area tile it. */
		if (area != (uint64_t)op->in_len * op->out_len)
			CIM_IMG_FAIL("tile blocks do not cover their layer");
	}
	if (prev_out != h->output_size)
		CIM_IMG_FAIL("last layer does not match output_size");
	if (next_vtile != h->n_vtiles)
		CIM_IMG_FAIL("tiles that belong to no layer");
#undef CIM_IMG_FAIL
	return 0;
}

static const uint32_t cim_crc32_table[256] = {
	0x00000000u, 0x77073096u, 0xee0e612cu, 0x990951bau, 0x076dc419u, 0x706af48fu,
	0xe963a535u, 0x9e6495a3u, 0x0edb8832u, 0x79dcb8a4u, 0xe0d5e91eu, 0x97d2d988u,
	0x09b64c2bu, 0x7eb17cbdu, 0xe7b82d07u, 0x90bf1d91u, 0x1db71064u, 0x6ab020f2u,
	0xf3b97148u, 0x84be41deu, 0x1adad47du, 0x6ddde4ebu, 0xf4d4b551u, 0x83d385c7u,
	0x136c9856u, 0x646ba8c0u, 0xfd62f97au, 0x8a65c9ecu, 0x14015c4fu, 0x63066cd9u,
	0xfa0f3d63u, 0x8d080df5u, 0x3b6e20c8u, 0x4c69105eu, 0xd56041e4u, 0xa2677172u,
	0x3c03e4d1u, 0x4b04d447u, 0xd20d85fdu, 0xa50ab56bu, 0x35b5a8fau, 0x42b2986cu,
	0xdbbbc9d6u, 0xacbcf940u, 0x32d86ce3u, 0x45df5c75u, 0xdcd60dcfu, 0xabd13d59u,
	0x26d930acu, 0x51de003au, 0xc8d75180u, 0xbfd06116u, 0x21b4f4b5u, 0x56b3c423u,
	0xcfba9599u, 0xb8bda50fu, 0x2802b89eu, 0x5f058808u, 0xc60cd9b2u, 0xb10be924u,
	0x2f6f7c87u, 0x58684c11u, 0xc1611dabu, 0xb6662d3du, 0x76dc4190u, 0x01db7106u,
	0x98d220bcu, 0xefd5102au, 0x71b18589u, 0x06b6b51fu, 0x9fbfe4a5u, 0xe8b8d433u,
	0x7807c9a2u, 0x0f00f934u, 0x9609a88eu, 0xe10e9818u, 0x7f6a0dbbu, 0x086d3d2du,
	0x91646c97u, 0xe6635c01u, 0x6b6b51f4u, 0x1c6c6162u, 0x856530d8u, 0xf262004eu,
	0x6c0695edu, 0x1b01a57bu, 0x8208f4c1u, 0xf50fc457u, 0x65b0d9c6u, 0x12b7e950u,
	0x8bbeb8eau, 0xfcb9887cu, 0x62dd1ddfu, 0x15da2d49u, 0x8cd37cf3u, 0xfbd44c65u,
	0x4db26158u, 0x3ab551ceu, 0xa3bc0074u, 0xd4bb30e2u, 0x4adfa541u, 0x3dd895d7u,
	0xa4d1c46du, 0xd3d6f4fbu, 0x4369e96au, 0x346ed9fcu, 0xad678846u, 0xda60b8d0u,
	0x44042d73u, 0x33031de5u, 0xaa0a4c5fu, 0xdd0d7cc9u, 0x5005713cu, 0x270241aau,
	0xbe0b1010u, 0xc90c2086u, 0x5768b525u, 0x206f85b3u, 0xb966d409u, 0xce61e49fu,
	0x5edef90eu, 0x29d9c998u, 0xb0d09822u, 0xc7d7a8b4u, 0x59b33d17u, 0x2eb40d81u,
	0xb7bd5c3bu, 0xc0ba6cadu, 0xedb88320u, 0x9abfb3b6u, 0x03b6e20cu, 0x74b1d29au,
	0xead54739u, 0x9dd277afu, 0x04db2615u, 0x73dc1683u, 0xe3630b12u, 0x94643b84u,
	0x0d6d6a3eu, 0x7a6a5aa8u, 0xe40ecf0bu, 0x9309ff9du, 0x0a00ae27u, 0x7d079eb1u,
	0xf00f9344u, 0x8708a3d2u, 0x1e01f268u, 0x6906c2feu, 0xf762575du, 0x806567cbu,
	0x196c3671u, 0x6e6b06e7u, 0xfed41b76u, 0x89d32be0u, 0x10da7a5au, 0x67dd4accu,
	0xf9b9df6fu, 0x8ebeeff9u, 0x17b7be43u, 0x60b08ed5u, 0xd6d6a3e8u, 0xa1d1937eu,
	0x38d8c2c4u, 0x4fdff252u, 0xd1bb67f1u, 0xa6bc5767u, 0x3fb506ddu, 0x48b2364bu,
	0xd80d2bdau, 0xaf0a1b4cu, 0x36034af6u, 0x41047a60u, 0xdf60efc3u, 0xa867df55u,
	0x316e8eefu, 0x4669be79u, 0xcb61b38cu, 0xbc66831au, 0x256fd2a0u, 0x5268e236u,
	0xcc0c7795u, 0xbb0b4703u, 0x220216b9u, 0x5505262fu, 0xc5ba3bbeu, 0xb2bd0b28u,
	0x2bb45a92u, 0x5cb36a04u, 0xc2d7ffa7u, 0xb5d0cf31u, 0x2cd99e8bu, 0x5bdeae1du,
	0x9b64c2b0u, 0xec63f226u, 0x756aa39cu, 0x026d930au, 0x9c0906a9u, 0xeb0e363fu,
	0x72076785u, 0x05005713u, 0x95bf4a82u, 0xe2b87a14u, 0x7bb12baeu, 0x0cb61b38u,
	0x92d28e9bu, 0xe5d5be0du, 0x7cdcefb7u, 0x0bdbdf21u, 0x86d3d2d4u, 0xf1d4e242u,
	0x68ddb3f8u, 0x1fda836eu, 0x81be16cdu, 0xf6b9265bu, 0x6fb077e1u, 0x18b74777u,
	0x88085ae6u, 0xff0f6a70u, 0x66063bcau, 0x11010b5cu, 0x8f659effu, 0xf862ae69u,
	0x616bffd3u, 0x166ccf45u, 0xa00ae278u, 0xd70dd2eeu, 0x4e048354u, 0x3903b3c2u,
	0xa7672661u, 0xd06016f7u, 0x4969474du, 0x3e6e77dbu, 0xaed16a4au, 0xd9d65adcu,
	0x40df0b66u, 0x37d83bf0u, 0xa9bcae53u, 0xdebb9ec5u, 0x47b2cf7fu, 0x30b5ffe9u,
	0xbdbdf21cu, 0xcabac28au, 0x53b39330u, 0x24b4a3a6u, 0xbad03605u, 0xcdd70693u,
	0x54de5729u, 0x23d967bfu, 0xb3667a2eu, 0xc4614ab8u, 0x5d681b02u, 0x2a6f2b94u,
	0xb40bbe37u, 0xc30c8ea1u, 0x5a05df1bu, 0x2d02ef8du,
};

/* CRC-32/IEEE (as zlib), continued from crc (start with 0). */
static inline uint32_t cim_crc32(uint32_t crc, const void *buf, uint64_t len)
{
	const uint8_t *p = (const uint8_t *)buf;

	crc = ~crc;
	while (len--)
		crc = cim_crc32_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/*
 * CRC of a whole image, treating its crc32 field as zero.  An image too
 * short to hold the field gets 0 (callers check the size first anyway).
 */
static inline uint32_t cim_image_crc(const void *img, uint64_t size)
{
	static const uint8_t zero[4];
	const uint8_t *p = (const uint8_t *)img;
	uint64_t at = __builtin_offsetof(struct cim_image_header, crc32);
	uint32_t crc;

	if (size < at + 4)
		return 0;
	crc = cim_crc32(0, p, at);
	crc = cim_crc32(crc, zero, 4);
	return cim_crc32(crc, p + at + 4, size - at - 4);
}

#endif /* _CIM_IMAGE_H_ */
