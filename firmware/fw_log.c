// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The firmware log: a byte ring in the register window (LOG_BASE, LOG_SIZE
 * bytes) that the host reads at any time, even after a crash; LOG_WPTR
 * counts every byte ever written, so the host finds the oldest byte still
 * there and sees how much was lost.  No printf: a message and one hex
 * value per line is what the card can afford.
 */
#include "fw_internal.h"

static void fw_log_byte(struct cim_fw *fw, uint32_t *wptr, uint8_t c)
{
	uint32_t pos = *wptr & (CIM_LOG_SIZE - 1);
	uint32_t off = CIM_REG_LOG_BASE + (pos & ~3u);
	uint32_t shift = 8 * (pos & 3);
	uint32_t w = cim_hal_reg_read(fw->hal, off);

	w = (w & ~(0xffu << shift)) | ((uint32_t)c << shift);
	cim_hal_reg_write(fw->hal, off, w);
	(*wptr)++;
}

void fw_log(struct cim_fw *fw, const char *msg, uint32_t val)
{
	static const char hex[] = "0123456789abcdef";
	uint32_t wptr = cim_hal_reg_read(fw->hal, CIM_REG_LOG_WPTR);
	int i;

	while (*msg)
		fw_log_byte(fw, &wptr, (uint8_t)*msg++);
	fw_log_byte(fw, &wptr, ' ');
	fw_log_byte(fw, &wptr, '0');
	fw_log_byte(fw, &wptr, 'x');
	for (i = 28; i >= 0; i -= 4)
		fw_log_byte(fw, &wptr, (uint8_t)hex[(val >> i) & 15]);
	fw_log_byte(fw, &wptr, '\n');
	/* The pointer moves last: bytes count as logged once the line is whole. */
	cim_hal_reg_write(fw->hal, CIM_REG_LOG_WPTR, wptr);
}
