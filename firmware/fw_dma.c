// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Host memory access: plain bus transfers for rings and tile maps, and
 * byte ranges of buffers described by SG tables (struct cim_dma_ref).
 * Everything here comes from the host, so every length and address is
 * checked before it is used and a range the table does not cover fails
 * instead of touching memory the host did not hand us.
 */
#include "fw_internal.h"

int fw_bus_read(struct cim_fw *fw, uint64_t bus, void *dst, uint32_t len)
{
	if (!len)
		return 0;
	fw_charge_dma(fw, len);
	return cim_hal_dma_read(fw->hal, bus, dst, len) ? -1 : 0;
}

int fw_bus_write(struct cim_fw *fw, uint64_t bus, const void *src,
		 uint32_t len)
{
	if (!len)
		return 0;
	fw_charge_dma(fw, len);
	return cim_hal_dma_write(fw->hal, bus, src, len) ? -1 : 0;
}

void fw_sg_open(struct fw_sg_cursor *cur, const struct cim_dma_ref *ref)
{
	cur->ref = ref;
	cur->ent_start = 0;
	cur->ent = 0;
	cur->cache_first = 0;
	cur->cache_n = 0;
}

/* Entry i (< sg_count), fetched with its successors when not cached. */
static const struct cim_sg_entry *fw_sg_entry(struct cim_fw *fw,
					      struct fw_sg_cursor *cur,
					      uint32_t i)
{
	const struct cim_dma_ref *ref = cur->ref;
	const struct cim_sg_entry *e;
	uint32_t n, k;

	if (i >= cur->cache_first && i - cur->cache_first < cur->cache_n)
		return &cur->cache[i - cur->cache_first];

	n = FW_MIN(FW_SG_CACHE, ref->sg_count - i);
	cur->cache_n = 0;
	if (fw_bus_read(fw, ref->sg_addr + (uint64_t)i * sizeof(*e),
			cur->cache, n * sizeof(*e)))
		return NULL;
	for (k = 0; k < n; k++) {
		e = &cur->cache[k];
		if (e->reserved || e->addr + e->len < e->addr)
			return NULL;
	}
	cur->cache_first = i;
	cur->cache_n = n;
	return &cur->cache[0];
}

/* One of rbuf (read from host) and wbuf (write to host) is NULL. */
static int fw_sg_xfer(struct cim_fw *fw, struct fw_sg_cursor *cur,
		      uint64_t off, uint8_t *rbuf, const uint8_t *wbuf,
		      uint32_t len)
{
	const struct cim_dma_ref *ref = cur->ref;
	const struct cim_sg_entry *e;
	uint64_t pos, skip, end;
	uint32_t piece;
	int ret;

	if (!ref->sg_count || !cim_range_ok(off, len, ref->length))
		return -1;
	end = off + len;
	if (ref->offset + end < end ||
	    ref->sg_addr + (uint64_t)ref->sg_count * sizeof(*e) < ref->sg_addr)
		return -1;
	pos = ref->offset + off;
	if (pos < cur->ent_start) {
		cur->ent = 0;
		cur->ent_start = 0;
	}

	while (len) {
		if (cur->ent >= ref->sg_count)
			return -1;	/* the range runs past the table */
		e = fw_sg_entry(fw, cur, cur->ent);
		if (!e)
			return -1;
		skip = pos - cur->ent_start;
		if (skip >= e->len) {
			cur->ent_start += e->len;
			cur->ent++;
			continue;
		}
		piece = (uint32_t)FW_MIN(e->len - skip, (uint64_t)len);
		if (rbuf) {
			ret = fw_bus_read(fw, e->addr + skip, rbuf, piece);
			rbuf += piece;
		} else {
			ret = fw_bus_write(fw, e->addr + skip, wbuf, piece);
			wbuf += piece;
		}
		if (ret)
			return -1;
		len -= piece;
		pos += piece;
	}
	return 0;
}

int fw_sg_read(struct cim_fw *fw, struct fw_sg_cursor *cur, uint64_t off,
	       void *dst, uint32_t len)
{
	return fw_sg_xfer(fw, cur, off, dst, NULL, len);
}

int fw_sg_write(struct cim_fw *fw, struct fw_sg_cursor *cur, uint64_t off,
		const void *src, uint32_t len)
{
	return fw_sg_xfer(fw, cur, off, NULL, src, len);
}
