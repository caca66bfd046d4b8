# mk/common.mk: the flags and library lists of the whole tree, in one
# place.  Every Makefile sets TOP (the top of the tree) and includes it.
#   CIM_CFLAGS        userspace C: C11, every warning an error
#   SAN_FLAGS         ASan + UBSan, stopping at the first report
#   CIM_RT_CPPFLAGS   to build against libcim (cim.h)
#   CIM_CC_CPPFLAGS   ... and libcim-compiler (cim_compiler.h, uapi/)
#   RT_LIBS, CC_LIBS  what libcim / libcim-compiler link against
#   LIBCIM_AS         both static archives, in link order
#   CMOCKA_LIBS       the unit-test framework

CC ?= cc
AR ?= ar
PKG_CONFIG ?= pkg-config

CIM_CSTD := -std=c11
CIM_WARN := -Wall -Wextra -Werror
CIM_CFLAGS := $(CIM_CSTD) $(CIM_WARN) -O2 -g -D_GNU_SOURCE
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	     -fno-omit-frame-pointer

DRM_CFLAGS := $(shell $(PKG_CONFIG) --cflags libdrm 2>/dev/null)
CIM_RT_CPPFLAGS := -I$(TOP)/libcim/include $(DRM_CFLAGS)
CIM_CC_CPPFLAGS := $(CIM_RT_CPPFLAGS) -I$(TOP)/libcim/compiler/include \
		   -I$(TOP)/uapi

# pkg-config names and system libraries of each library (also what
# their .pc files say: Requires.private, Libs.private).
RT_PC_REQUIRES := libdrm libudev
RT_SYSLIBS := -lpthread -lm
# OpenBLAS (the compiler's float executor and calibration, blas.h) when
# pkg-config finds it; else plain loops (slow; e.g. the arm64 cross build).
HAVE_BLAS := $(shell $(PKG_CONFIG) --exists openblas 2>/dev/null && echo 1)
CC_PC_REQUIRES := libprotobuf-c $(if $(HAVE_BLAS),openblas)
BLAS_CFLAGS := $(if $(HAVE_BLAS),-DCIM_HAVE_BLAS $(shell $(PKG_CONFIG) --cflags openblas 2>/dev/null))
CC_SYSLIBS := -lm
RT_LIBS := $(shell $(PKG_CONFIG) --libs $(RT_PC_REQUIRES) 2>/dev/null) \
	   $(RT_SYSLIBS)
CC_LIBS := $(shell $(PKG_CONFIG) --libs $(CC_PC_REQUIRES) 2>/dev/null) \
	   $(CC_SYSLIBS)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)
# cimctl --json (json-c)
JSON_LIBS := $(shell $(PKG_CONFIG) --libs json-c 2>/dev/null)

LIBCIM_DIR := $(TOP)/build/libcim
LIBCIM_AS := $(LIBCIM_DIR)/libcim-compiler.a $(LIBCIM_DIR)/libcim.a
