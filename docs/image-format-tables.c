// SPDX-License-Identifier: MIT
/*
 * Prints the field tables of docs/image-format.md from uapi/cim_image.h
 * with sizeof/offsetof, so that the offsets in the document are the
 * compiler's, not hand-counted:
 *
 *   cc -std=c11 -Wall -Wextra -Iuapi docs/image-format-tables.c -o /tmp/t && /tmp/t
 *
 * The meanings are written here once; paste the output over the tables.
 */
#include <stddef.h>
#include <stdio.h>

#include "cim_image.h"

_Static_assert(sizeof(struct cim_image_header) == 128, "header size");
_Static_assert(sizeof(struct cim_image_tensor) == 16, "tensor size");
_Static_assert(sizeof(struct cim_image_op) == 160, "op size");
_Static_assert(sizeof(struct cim_image_block) == 48, "block size");

#define ROW(s, f, ty, m)						\
	printf("| %zu | %zu | `%s` | %s | %s |\n", offsetof(struct s, f),	\
	       sizeof(((struct s *)0)->f), #f, ty, m)

#define HEAD(s)								\
	printf("\n`struct %s`, %zu bytes:\n\n"				\
	       "| offset | size | field | type | meaning |\n"		\
	       "|---|---|---|---|---|\n", #s, sizeof(struct s))

int main(void)
{
	HEAD(cim_image_header);
	ROW(cim_image_header, magic, "u32", "`0x494d4943` (`CIM_IMAGE_MAGIC`, the bytes `CIMI`)");
	ROW(cim_image_header, version_major, "u16", "2 (`CIM_IMAGE_VERSION_MAJOR`)");
	ROW(cim_image_header, version_minor, "u16", "0 (`CIM_IMAGE_VERSION_MINOR`)");
	ROW(cim_image_header, header_size, "u32", "128, `sizeof(struct cim_image_header)`");
	ROW(cim_image_header, total_size, "u32", "bytes of the whole image");
	ROW(cim_image_header, crc32, "u32", "see [CRC](#crc)");
	ROW(cim_image_header, flags, "u32", "0");
	ROW(cim_image_header, tile_rows, "u32", "array rows the image was compiled for");
	ROW(cim_image_header, tile_cols, "u32", "array columns (cells per row) it was compiled for");
	ROW(cim_image_header, cell_bits, "u32", "4");
	ROW(cim_image_header, n_tensors, "u32", "`n_ops + 1`");
	ROW(cim_image_header, tensors_offset, "u32", "tensor table, 8-aligned");
	ROW(cim_image_header, n_ops, "u32", "ops, at least 1");
	ROW(cim_image_header, ops_offset, "u32", "op table, 8-aligned");
	ROW(cim_image_header, n_blocks, "u32", "weight blocks, at least 1");
	ROW(cim_image_header, blocks_offset, "u32", "block table, 8-aligned");
	ROW(cim_image_header, n_vtiles, "u32", "arrays (virtual tiles) the image needs; blocks name 0..`n_vtiles`−1");
	ROW(cim_image_header, params_offset, "u32", "params blob, 4-aligned");
	ROW(cim_image_header, params_size, "u32", "its bytes");
	ROW(cim_image_header, cells_offset, "u32", "cells blob = size of the plan");
	ROW(cim_image_header, cells_size, "u32", "its bytes, up to the end of the image");
	ROW(cim_image_header, arena_size, "u32", "activation bytes per batch item");
	ROW(cim_image_header, output_tensor, "u32", "tensor holding the result of an item run to the end");
	ROW(cim_image_header, input_size, "u32", "bytes per batch item in = size of tensor 0");
	ROW(cim_image_header, output_size, "u32", "bytes per batch item out = size of `output_tensor`");
	ROW(cim_image_header, n_exits, "u32", "number of `CIM_OP_EXIT` ops");
	ROW(cim_image_header, reserved, "u32[7]", "0");

	HEAD(cim_image_tensor);
	ROW(cim_image_tensor, offset, "u32", "byte offset of the tensor in the arena");
	ROW(cim_image_tensor, c, "u32", "channels (fastest)");
	ROW(cim_image_tensor, h, "u32", "height");
	ROW(cim_image_tensor, w, "u32", "width");

	HEAD(cim_image_op);
	ROW(cim_image_op, type, "u16", "`CIM_OP_*`");
	ROW(cim_image_op, flags, "u16", "`CIM_OPF_*`: only `CIM_OPF_COUNT_PAD` (0x1), only on AVGPOOL");
	ROW(cim_image_op, in0, "u32", "first input tensor, ≤ op index");
	ROW(cim_image_op, in1, "u32", "second input (ADD, CONCAT), else `CIM_TENSOR_NONE`");
	ROW(cim_image_op, out, "u32", "output tensor = op index + 1");
	ROW(cim_image_op, in0_zp, "i32", "zero point of `in0`, int8");
	ROW(cim_image_op, in1_zp, "i32", "zero point of `in1`, int8 (ADD, CONCAT)");
	ROW(cim_image_op, out_zp, "i32", "output zero point, int8");
	ROW(cim_image_op, act_min, "i32", "lower clamp, int8");
	ROW(cim_image_op, act_max, "i32", "upper clamp, `act_min`..127");
	ROW(cim_image_op, wbits, "u32", "FC, CONV: bits per weight, 8 or 4");
	ROW(cim_image_op, block_first, "u32", "FC, CONV: first block of the op's run");
	ROW(cim_image_op, block_count, "u32", "FC, CONV: blocks in the run");
	ROW(cim_image_op, bias_offset, "u32", "FC, CONV: `int32 bias[N]`, params offset, 4-aligned");
	ROW(cim_image_op, mult_offset, "u32", "FC, CONV: `int32 mult[N]`");
	ROW(cim_image_op, shift_offset, "u32", "FC, CONV: `int32 shift[N]`");
	ROW(cim_image_op, wzp_offset, "u32", "FC, CONV with `wbits` 4: `int32 wzp[N]`; 0 for `wbits` 8");
	ROW(cim_image_op, kernel_h, "u32", "CONV, pools: window height, 1..255");
	ROW(cim_image_op, kernel_w, "u32", "window width, 1..255");
	ROW(cim_image_op, stride_h, "u32", "stride, 1..255");
	ROW(cim_image_op, stride_w, "u32", "stride, 1..255");
	ROW(cim_image_op, dil_h, "u32", "dilation, 1..255 for CONV, 1 for pools");
	ROW(cim_image_op, dil_w, "u32", "dilation, as `dil_h`");
	ROW(cim_image_op, pad_top, "u32", "padding, less than the dilated kernel height");
	ROW(cim_image_op, pad_left, "u32", "padding, less than the dilated kernel width");
	ROW(cim_image_op, pad_bottom, "u32", "padding, as `pad_top`");
	ROW(cim_image_op, pad_right, "u32", "padding, as `pad_left`");
	ROW(cim_image_op, groups, "u32", "CONV, SHUFFLE: G ≥ 1; FC: 1; others 0");
	ROW(cim_image_op, in0_mult, "i32", "ADD, CONCAT: Q31 multiplier of `in0`");
	ROW(cim_image_op, in0_shift, "i32", "its shift, −31..30");
	ROW(cim_image_op, in1_mult, "i32", "ADD, CONCAT: Q31 multiplier of `in1`");
	ROW(cim_image_op, in1_shift, "i32", "its shift, −31..30");
	ROW(cim_image_op, out_mult, "i32", "ADD: output multiplier");
	ROW(cim_image_op, out_shift, "i32", "ADD: output shift, −31..30");
	ROW(cim_image_op, left_shift, "u32", "ADD: input left shift, 0..20");
	ROW(cim_image_op, exit_margin, "u32", "EXIT: confidence margin");
	ROW(cim_image_op, replicas, "u32", "FC, CONV: copies R of the matrix, 0 or 1 = one, at most 64");
	ROW(cim_image_op, lut_offset, "u32", "LUT: params offset of its 256 int32 entries (version 2.1)");
	ROW(cim_image_op, chan_first, "u32", "SLICE: first channel of in0 taken (version 2.1)");
	ROW(cim_image_op, reserved, "u32[2]", "0");

	HEAD(cim_image_block);
	ROW(cim_image_block, op, "u32", "index of the FC/CONV op it belongs to");
	ROW(cim_image_block, vtile, "u32", "virtual tile (array), < `n_vtiles`");
	ROW(cim_image_block, g_first, "u32", "first group it covers (0 for one group)");
	ROW(cim_image_block, g_count, "u32", "consecutive groups it covers (1 for one group)");
	ROW(cim_image_block, row_base, "u32", "first row of each group's Kg rows");
	ROW(cim_image_block, rows, "u32", "rows per group");
	ROW(cim_image_block, col_base, "u32", "first output of each group's Ng outputs");
	ROW(cim_image_block, outs, "u32", "outputs per group");
	ROW(cim_image_block, array_row, "u32", "first array row of the block");
	ROW(cim_image_block, array_col, "u32", "first array column (cell) of the block");
	ROW(cim_image_block, cells_offset, "u32", "start of its cells in the cells blob");
	ROW(cim_image_block, cells_size, "u32", "`g_count × rows × ceil(outs × wbits/4 / 2)` bytes");

	printf("\nstruct cim_check_state: %zu bytes\n",
	       sizeof(struct cim_check_state));
	return 0;
}
