// SPDX-License-Identifier: GPL-2.0-only
/*
 * The weight-image validator, uapi/cim_image_check.c, compiled into
 * cim.ko.  Kbuild puts an object file into one module only, and the
 * virtual card's firmware core already has uapi/cim_image_check.o, so
 * cim.ko builds the same source through this file.
 */
#include "../uapi/cim_image_check.c"
