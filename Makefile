# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# CIM stack: kernel modules, libcim, firmware, tools and tests.
#   make          build everything (needs tools/install-deps.sh done once)
#   make check    install what is missing, then unit tests, firmware host
#                 tests, the riscv firmware build and the VM suite
#   make demo     install what is missing, then boot the VM and run one
#                 inference through /dev/accel/accel0
#   make test T=NAME  run one test (or test binary, suite, VM test) by
#                 name (docs/testing.md)
#   make bench    install what is missing, then print every benchmark
#                 figure as "bench: <name> <value> <unit>" (bench-vm: the
#                 VM part alone)
# Kernel headers and image come from Debian (bookworm-backports); the
# newest installed version is used unless KVER= is given.

TOP	:= $(CURDIR)
B	:= $(TOP)/build
KVER	?= $(shell ls /usr/src 2>/dev/null | sed -n 's/^linux-headers-\(.*-amd64\)$$/\1/p' | sort -V | tail -n1)
KDIR	?= /usr/src/linux-headers-$(KVER)
include $(TOP)/mk/common.mk

VM_CFLAGS := $(CIM_CFLAGS) $(CIM_CC_CPPFLAGS) -I$(TOP)/libcim/compiler
VM_LIBS	:= $(LIBCIM_AS) $(CC_LIBS) $(RT_LIBS)
VM_SRCS	:= $(wildcard $(TOP)/tests/vm/suite/*.c)
VM_TEST	:= $(B)/vm/cim-vmtest
INITRD	:= $(B)/vm/initramfs.cpio.gz

# The digits models (tests/models) compiled for the VM's small card
# (8 arrays of 256x256), int8 and int4, for the VM suite.
CIMC	:= $(B)/tools/cim-compile
MODELS	:= tests/models
VM_CIMX	:= $(foreach m,mlp cnn,$(foreach w,int8 int4,$(B)/models/digits_$(m)_$(w).cimx))

.PHONY: all deps modules libcim firmware tools examples vmtest initramfs models \
	check check-built unit vm-check test demo demo-built bench bench-built \
	bench-host bench-vm clean

all: modules libcim firmware tools examples vmtest

deps:
	bash $(TOP)/tools/install-deps.sh

# W=1 and sparse; any warning fails the build.
modules:
	@test -d "$(KDIR)" || { echo "no kernel headers in $(KDIR): run tools/install-deps.sh"; exit 1; }
	@mkdir -p $(B)
	$(MAKE) -C $(KDIR) M=$(TOP) W=1 C=1 modules 2>&1 | tee $(B)/modules.log
	@! grep -E 'warning:|error:' $(B)/modules.log

libcim:
	$(MAKE) -C libcim

firmware:
	$(MAKE) -C firmware

tools: libcim
	$(MAKE) -C tools

# The sample application: <cim.h> and pkg-config alone (examples/).
examples: libcim
	$(MAKE) -C examples

vmtest: $(VM_TEST)

$(VM_TEST): $(VM_SRCS) $(wildcard $(TOP)/tests/vm/suite/*.h) libcim
	@mkdir -p $(dir $@)
	$(CC) $(VM_CFLAGS) -o $@ $(VM_SRCS) $(VM_LIBS)

models: $(VM_CIMX)

$(B)/models/digits_%.cimx: tools
	@mkdir -p $(dir $@)
	$(CIMC) $(MODELS)/digits_$(word 1,$(subst _, ,$*)).onnx \
		--calib $(MODELS)/digits_calib.bin --weights $(word 2,$(subst _, ,$*)) \
		--tiles 8 --rows 256 --cols 256 -o $@

initramfs: modules tools examples vmtest models
	bash tests/vm/mkinitramfs.sh $(KVER) $(INITRD) cim.ko cim_vcard.ko -- \
		$(VM_TEST) $(B)/tools/cimctl tests/vm/check.sh tests/vm/demo.sh \
		$(B)/examples/hello $(B)/examples/hello-static \
		$(VM_CIMX) $(MODELS)/digits_test.bin tests/vm/bench.sh

# The two commands README.md gives: each installs what is missing first.
check: deps
	$(MAKE) check-built

demo: deps
	$(MAKE) demo-built

check-built: all unit vm-check

unit: libcim firmware tools
	$(MAKE) -C libcim check
	sh tests/compiler/test_cim_compile.sh $(CIMC)
	sh tests/test_make_test.sh
	$(MAKE) -C tests/compiler zoo-check
	$(MAKE) -C tests/compiler onnx-conformance
	$(MAKE) -C firmware check
	$(MAKE) -C dts check

vm-check: initramfs
	bash tests/vm/run-vm.sh $(KVER) $(INITRD) check $(B)/vm/check.log

# One test of any suite, by name (docs/testing.md).
test:
	@test -n '$(T)' || { echo "usage: make test T=NAME (docs/testing.md)"; exit 2; }
	@KVER=$(KVER) INITRD=$(INITRD) sh tests/run_one.sh '$(T)'

# Benchmarks print figures; they never fail on a target (docs/bench.md).
bench: deps
	$(MAKE) bench-built

# Host benches, then the VM one (the job path).
bench-built: bench-host bench-vm

bench-host: libcim firmware tools
	sh tests/bench/digits_acc.sh $(CIMC) $(MODELS) $(B)/bench
	$(MAKE) -s -C tests/compiler zoo-bench
	$(MAKE) -s -C tests/compiler onnx-conformance
	$(MAKE) -s -C libcim bench
	$(MAKE) -s -C firmware bench
	$(MAKE) -s -C firmware bench-analog
	$(MAKE) -s -C firmware bench-digits

demo-built: initramfs
	bash tests/vm/run-vm.sh $(KVER) $(INITRD) demo $(B)/vm/demo.log

bench-vm: initramfs
	bash tests/vm/run-vm.sh $(KVER) $(INITRD) bench $(B)/vm/bench.log

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	-$(MAKE) -C libcim clean
	-$(MAKE) -C firmware clean
	-$(MAKE) -C tools clean
	rm -rf $(B)
