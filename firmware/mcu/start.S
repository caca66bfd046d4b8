/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Card MCU entry.  The boot ROM has loaded the whole image into SRAM
 * (.data included), so start-up only parks the other harts, sets up
 * gp, sp and a trap vector, clears .bss and enters mcu_main().
 */
	.section .text.start, "ax", @progbits
	.globl	_start
_start:
	csrw	mie, zero
	csrr	t0, mhartid
	bnez	t0, park

	la	t0, trap_entry
	csrw	mtvec, t0

	.option	push
	.option	norelax
	la	gp, __global_pointer$
	.option	pop
	la	sp, __stack_top

	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	call	mcu_main
park:
	wfi
	j	park

	/*
	 * Interrupts stay globally disabled, so only a fault gets here.
	 * Stop where a debugger can see mcause and mepc; the host notices
	 * the silent card and resets it.
	 */
	.align	2
trap_entry:
	wfi
	j	trap_entry
