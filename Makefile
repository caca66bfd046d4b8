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
#   make matrix   the kernel matrix (docs/kernels.md): W=1 builds against
#                 every installed amd64 and arm64 kernel, and the VM smoke
#                 on the newest of each architecture (Debian 7.x)
# Kernel headers and image come from Debian: the host's (bookworm-backports,
# 6.12) and those tools/install-kernels.sh installs (trixie-backports 7.x
# amd64 and arm64 in the chroot build/trixie, 6.12 arm64 headers).  The
# host's newest amd64 kernel is used unless KVER=, KDIR= or ARCH= says
# otherwise: `make modules ARCH=arm64`, `make modules KVER=7.3.4+deb13-amd64`,
# `make modules KDIR=/path/to/linux/build`.

TOP	:= $(CURDIR)
B	:= $(TOP)/build
ARCH	?= amd64
# Where installed kernel headers are, and the versions found there for
# one architecture (amd64 or arm64), oldest first.
KROOTS	:= /usr/src $(B)/trixie/usr/src $(wildcard $(B)/kernels/*/usr/src)
kernels_in = $(shell cd / && ls -d $(addsuffix /linux-headers-*-$(2),$(1)) 2>/dev/null | sed 's|.*/linux-headers-||' | sort -V)
KVER	?= $(lastword $(or $(call kernels_in,/usr/src,$(ARCH)),$(call kernels_in,$(KROOTS),$(ARCH))))
KVER	:= $(KVER)
KDIR	?= $(firstword $(wildcard $(addsuffix /linux-headers-$(KVER),$(KROOTS))))
KDIR	:= $(KDIR)
PKG_CONFIG ?= pkg-config
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
# cim-compile --builtin dwnet: depthwise CONVs on the tile SIMD, replicas
VM_CIMX	+= $(foreach w,int8 int4,$(B)/models/dwnet_$(w).cimx)
# a pre-quantized (QDQ) model: the VM suite checks the scales it carries
VM_CIMX	+= $(B)/models/digits_qdq_int4.cimx

.PHONY: all deps modules libcim firmware tools examples vmtest initramfs models \
	check check-built unit vm-check test demo demo-built bench bench-built \
	matrix matrix-build matrix-smoke vm-smoke kernels package-check deb install \
	bench-host bench-vm clean

all: modules libcim firmware tools examples vmtest

deps:
	bash $(TOP)/tools/install-deps.sh

# W=1 and sparse; any warning fails the build.
# The host's own amd64 kernels build in the tree; any other kernel (another
# architecture, the trixie chroot's, KDIR=) in build/kbuild/KVER.
modules:
	@test -d "$(KDIR)" || { echo "no kernel headers for '$(KVER)' ($(KDIR)): run tools/install-deps.sh"; exit 1; }
	@mkdir -p $(B)
ifneq ($(filter /usr/src/linux-headers-%-amd64,$(KDIR)),)
	$(MAKE) -C $(KDIR) M=$(TOP) W=1 C=1 modules 2>&1 | tee $(B)/modules.log
	@! grep -E 'warning:|error:|not available or not up to date' $(B)/modules.log
else
	bash tools/kmod-build.sh $(KDIR) $(B)/kbuild/$(KVER)
endif

# The kernel matrix.  Builds and VM smoke: every installed amd64 and arm64
# kernel but the host's default, which `modules` builds and the full VM
# suite boots (vm-check).
MATRIX_KDIRS = $(filter-out /usr/src/linux-headers-$(KVER),$(shell cd / && ls -d $(addsuffix /linux-headers-*-amd64,$(KROOTS)) $(addsuffix /linux-headers-*-arm64,$(KROOTS)) 2>/dev/null))
SMOKE_KDIRS = $(MATRIX_KDIRS)

matrix: matrix-build matrix-smoke

matrix-build:
	@test -n "$(MATRIX_KDIRS)" || { echo "matrix: no kernels besides the host's: run tools/install-deps.sh"; exit 1; }
	@set -e; for k in $(MATRIX_KDIRS); do \
		bash tools/kmod-build.sh $$k $(B)/kbuild/$$(basename $$k | sed 's/^linux-headers-//') \
			>$(B)/kbuild-$$(basename $$k).log 2>&1 || { cat $(B)/kbuild-$$(basename $$k).log; exit 1; }; \
		grep -E '^kmod-build:' $(B)/kbuild-$$(basename $$k).log; \
	done

matrix-smoke:
	@test -n "$(SMOKE_KDIRS)" || { echo "matrix: no kernels besides the host's: run tools/install-deps.sh"; exit 1; }
	@set -e; for k in $(SMOKE_KDIRS); do bash tests/vm/smoke-lane.sh $$k; done

# Which kernel a plain `make modules` builds for, and the matrix.
kernels:
	@echo "KVER=$(KVER) KDIR=$(KDIR) ARCH=$(ARCH)"
	@for k in $(MATRIX_KDIRS); do echo "matrix build: $$k"; done
	@for k in $(SMOKE_KDIRS); do echo "matrix smoke: $$k"; done

# One smoke lane, for KVER= (or KDIR=).
vm-smoke:
	bash tests/vm/smoke-lane.sh $(KDIR)

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

# The same models for the M1076-class card (cimctl run --dev sim).
SIM_CIMX := $(foreach m,mlp cnn,$(foreach w,int8 int4,$(B)/models/m1076/digits_$(m)_$(w).cimx))

models: $(VM_CIMX) $(SIM_CIMX)

# The userspace card against the virtual card: the same model, inputs
# and card parameters run on the sim here and on cim_vcard.ko in the VM
# (check.sh, bench.sh), which compares outputs and modeled device time.
SIMCMP	:= $(B)/vm/cim-simcmp
SIMCMP_MODEL := $(B)/models/digits_cnn_int8.cimx
SIM_ANALOG := sim:small,analog=1,seed=5
SIM_RUNS := $(B)/vm/sim_analog.bin $(B)/vm/sim_ideal_b8.bin

$(SIMCMP): $(TOP)/tests/sim/simcmp.c libcim
	@mkdir -p $(dir $@)
	$(CC) $(VM_CFLAGS) -o $@ $< $(VM_LIBS)

$(B)/vm/sim_analog.bin: $(SIMCMP) models
	env -u CIM_SIM_FLASH $(SIMCMP) save $@ $(SIMCMP_MODEL) 64 $(SIM_ANALOG)

$(B)/vm/sim_ideal_b8.bin: $(SIMCMP) models
	env -u CIM_SIM_FLASH $(SIMCMP) save $@ $(SIMCMP_MODEL) 8 sim:small

$(B)/models/m1076/digits_%.cimx: tools
	@mkdir -p $(dir $@)
	$(CIMC) $(MODELS)/digits_$(word 1,$(subst _, ,$*)).onnx \
		--calib $(MODELS)/digits_calib.bin --weights $(word 2,$(subst _, ,$*)) \
		-o $@

$(B)/models/dwnet_%.cimx: tools
	@mkdir -p $(dir $@)
	$(CIMC) --builtin dwnet --weights $* --preset small -o $@

$(B)/models/digits_%.cimx: tools
	@mkdir -p $(dir $@)
	$(CIMC) $(MODELS)/digits_$(word 1,$(subst _, ,$*)).onnx \
		--calib $(MODELS)/digits_calib.bin --weights $(word 2,$(subst _, ,$*)) \
		--preset small -o $@

# The digits-trained torchvision zoo (tests/models/gen_digits_zoo.py):
# trained and exported here, 78 MB of float models, so not committed.
DZOO	:= $(B)/digits_zoo
ZOO_CHECK := $(B)/libcim/compiler-tests/zoo_check
.PHONY: digits-zoo
digits-zoo: $(DZOO)/accuracy.txt

$(DZOO)/accuracy.txt: tests/models/gen_digits_zoo.py tests/models/gen_zoo.py
	rm -f $@
	nice /usr/bin/python3 $< $(DZOO)

# The zoo in the VM (tests/vm/check.sh): none of it fits the small card,
# so the suite reloads the virtual card as the M1076-class one and runs
# these, compiled for it, on 16 held-out samples.
VM_ZOO	:= squeezenet1_1 shufflenet_v2_x1_0
VM_ZOO_FILES := $(foreach a,$(VM_ZOO),$(B)/models/zoo/digits_$(a)_int8.cimx) \
	$(B)/models/zoo/digits_zoo_test16.bin

$(B)/models/zoo/digits_%_int8.cimx: $(DZOO)/accuracy.txt tools
	@mkdir -p $(dir $@)
	$(CIMC) $(DZOO)/$*.onnx --calib $(DZOO)/calib.bin --weights int8 -o $@

$(B)/models/zoo/digits_zoo_test16.bin: $(DZOO)/accuracy.txt
	@mkdir -p $(dir $@)
	cp $(DZOO)/test16.bin $@

initramfs: modules tools examples vmtest models $(SIM_RUNS) $(VM_ZOO_FILES)
	bash tests/vm/mkinitramfs.sh $(KVER) $(INITRD) cim.ko cim_vcard.ko -- \
		$(VM_TEST) $(B)/tools/cimctl tests/vm/check.sh tests/vm/demo.sh \
		$(B)/examples/hello $(B)/examples/hello-static \
		$(VM_CIMX) $(MODELS)/digits_test.bin $(MODELS)/digits_qdq_scales.txt \
		tests/vm/bench.sh \
		$(SIMCMP) $(SIM_RUNS) \
		tests/vm/fuzz.sh $(VM_ZOO_FILES)

# The two commands README.md gives: each installs what is missing first.
check: deps
	$(MAKE) check-built

demo: deps
	$(MAKE) demo-built

# The debug-kernel lane last: its kernel (build/debug-kernel) is built
# from scratch on a fresh clone, then cached.
check-built: all unit vm-check matrix package-check check-debug-built

unit: libcim firmware tools models examples digits-zoo
	$(MAKE) -C libcim check
	sh tests/compiler/test_cim_compile.sh $(CIMC)
	sh tests/compiler/test_w4_grid.sh $(CIMC) $(MODELS)
	sh tests/compiler/test_qdq.sh $(CIMC) $(MODELS)
	/usr/bin/python3 tests/models/test_cim_hwa.py
	sh tests/libcim/test_cimctl_sim.sh $(B)/tools/cimctl $(B)/models $(MODELS) \
		$(B)/examples
	sh tests/test_make_test.sh
	sh tests/test_sched_internals.sh
	$(MAKE) -C tests/compiler zoo-check
	$(MAKE) -C tests/compiler $(ZOO_CHECK)
	sh tests/models/digits_zoo.sh check $(CIMC) $(B)/tools/cimctl $(ZOO_CHECK) $(DZOO)
	$(MAKE) -C tests/compiler onnx-conformance
	$(MAKE) -C firmware check
	$(MAKE) -C dts check
	$(MAKE) -C tests/fuzz check

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

BENCH_SIM := $(B)/bench/bench_sim
$(BENCH_SIM): $(TOP)/tests/bench/bench_sim.c libcim
	@mkdir -p $(dir $@)
	$(CC) $(VM_CFLAGS) -o $@ $< $(VM_LIBS)

bench-host: libcim firmware tools models $(BENCH_SIM) digits-zoo
	$(BENCH_SIM) digits_cnn $(B)/models/m1076/digits_cnn_int8.cimx 8 sim
	sh tests/bench/digits_acc.sh $(CIMC) $(MODELS) $(B)/bench
	sh tests/models/digits_zoo.sh bench $(CIMC) $(B)/tools/cimctl $(DZOO)
	$(MAKE) -s -C tests/compiler zoo-bench
	sh tests/bench/sim_zoo.sh $(CIMC) $(BENCH_SIM) $(B)/zoo
	$(MAKE) -s -C tests/compiler onnx-conformance
	$(MAKE) -s -C libcim bench
	$(MAKE) -s -C firmware bench
	$(MAKE) -s -C firmware bench-analog
	$(MAKE) -s -C firmware bench-digits
	$(MAKE) -s -C firmware bench-sim

demo-built: initramfs
	bash tests/vm/run-vm.sh $(KVER) $(INITRD) demo $(B)/vm/demo.log

bench-vm: initramfs
	bash tests/vm/run-vm.sh $(KVER) $(INITRD) bench $(B)/vm/bench.log

# Fuzzing (tests/fuzz/Makefile, tests/vm/suite/fuzz.c): every libFuzzer
# harness for its run budget, then the ioctl fuzzer in the VM for
# FUZZ_IOCTLS ioctls (FUZZ_SEED=S repeats a run; FUZZ_CORE=1 adds core
# DRM ioctl numbers, FUZZ_RACE=1 image loads racing releases on one file).  `make check` runs the corpora and 100k ioctls.
FUZZ_IOCTLS ?= 1000000
.PHONY: fuzz fuzz-built check-debug check-debug-built
fuzz: deps
	$(MAKE) fuzz-built

fuzz-built: libcim initramfs
	$(MAKE) -C tests/fuzz fuzz
	CIM_VM_TIMEOUT=5400 CIM_VM_APPEND="cim.fuzz_ioctls=$(FUZZ_IOCTLS) \
		$(if $(FUZZ_SEED),cim.fuzz_seed=$(FUZZ_SEED)) $(if $(FUZZ_CORE),cim.fuzz_core=1) \
		$(if $(FUZZ_RACE),cim.fuzz_race=1)" \
		bash tests/vm/run-vm.sh $(KVER) $(INITRD) fuzz $(B)/vm/fuzz.log

# The VM suite and the fuzzer on a debug kernel (LOCKDEP, KASAN, ...)
# built from Debian's linux-source-6.12 (tests/vm/check-debug.sh).
check-debug: deps
	$(MAKE) check-debug-built

check-debug-built: tools examples vmtest models $(SIM_RUNS) $(VM_ZOO_FILES)
	bash tests/vm/check-debug.sh $(B) \
		$(VM_TEST) $(B)/tools/cimctl tests/vm/check.sh tests/vm/demo.sh \
		$(B)/examples/hello $(B)/examples/hello-static \
		$(VM_CIMX) $(MODELS)/digits_test.bin $(MODELS)/digits_qdq_scales.txt \
		tests/vm/bench.sh \
		$(SIMCMP) $(SIM_RUNS) \
		tests/vm/fuzz.sh $(VM_ZOO_FILES)

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	-$(MAKE) -C libcim clean
	-$(MAKE) -C firmware clean
	-$(MAKE) -C tools clean
	rm -rf $(B)

# Install, uninstall, DKMS source and Debian packages (mk/install.mk,
# debian/; README "Install").  `make deb` builds the packages from a copy
# of the tracked files in build/deb/, where the .debs land.
include $(TOP)/mk/install.mk
install: libcim tools firmware

DEB_B	:= $(B)/deb
deb:
	rm -rf $(DEB_B) && mkdir -p $(DEB_B)/cim-$(VERSION)
	git ls-files -z | xargs -0 -I{} cp --parents -P {} $(DEB_B)/cim-$(VERSION)/
	cd $(DEB_B)/cim-$(VERSION) && dpkg-buildpackage -us -uc -b -j2 \
		> $(DEB_B)/build.log 2>&1 || { tail -40 $(DEB_B)/build.log; exit 1; }
	ls -l $(DEB_B)/*.deb

# Packaging tests (README "Install"): the firmware file, DKMS against the
# installed headers, make install/uninstall with a pkg-config sample on
# the userspace card, the Python package, the .debs (lintian) and a
# clean bookworm chroot (build/chroot/, debootstrap).
PKG_MODEL := $(B)/models/digits_mlp_int8.cimx
PY_ENV	:= CIM_LIBRARY=$(B)/libcim/libcim.so.1 \
	   CIM_COMPILER_LIBRARY=$(B)/libcim/libcim-compiler.so.1 \
	   PYTHONPATH=$(TOP)/python CIM_TEST_MODEL=$(PKG_MODEL) \
	   CIM_TEST_DATA=$(TOP)/$(MODELS)/digits_test.bin
package-check: libcim tools firmware models
	sh tests/packaging/test_fwfile.sh $(B)/firmware/cim-fw.bin $(B)/firmware/cim-fw.elf
	sh tests/packaging/test_cimctl_json.sh $(B)/tools/cimctl $(PKG_MODEL)
	sh tests/packaging/test_dkms.sh $(KVER) $(B)
	sh tests/packaging/test_install.sh $(B) $(TOP)/examples/hello.c $(PKG_MODEL)
	$(PY_ENV) /usr/bin/python3 -m unittest -v tests/python/test_cim.py
	$(MAKE) deb
	sh tests/packaging/test_lintian.sh $(DEB_B)
	sh tests/packaging/test_chroot.sh $(B) $(TOP)/examples/hello.c $(PKG_MODEL)
