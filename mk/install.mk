# `make install` / `make uninstall` / `make install-dkms-src`, included by
# the top Makefile.  GNU conventions: PREFIX, DESTDIR and the *DIR
# variables can be set on the command line; Debian's rules set
# PREFIX=/usr LIBDIR=/usr/lib/<multiarch>.  Nothing here builds: run
# `make libcim tools firmware` first (`make install` depends on them).

VERSION		?= $(shell cat $(TOP)/VERSION)
PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
LIBDIR		?= $(PREFIX)/lib
INCLUDEDIR	?= $(PREFIX)/include
MANDIR		?= $(PREFIX)/share/man
# Files udev, the firmware loader and DKMS look for in fixed places: under
# /lib and /usr/src for a system install (PREFIX=/usr), under PREFIX
# otherwise, so that a /usr/local install stays out of the packages' way.
ifeq ($(PREFIX),/usr)
UDEVRULESDIR	?= /lib/udev/rules.d
FIRMWAREDIR	?= /lib/firmware
PYTHONDIR	?= /usr/lib/python3/dist-packages
DKMSSRCDIR	?= /usr/src
else
UDEVRULESDIR	?= /etc/udev/rules.d
FIRMWAREDIR	?= /lib/firmware
PYTHONDIR	?= $(PREFIX)/lib/python3/dist-packages
DKMSSRCDIR	?= $(PREFIX)/src
endif

INSTALL		?= install
MD2MAN		?= go-md2man
MAN_DATE	:= $(shell date -u -d @$${SOURCE_DATE_EPOCH:-$$(git -C $(TOP) log -1 --format=%ct 2>/dev/null || date +%s)} '+%B %Y')

LIB_B		:= $(B)/libcim
MAN_B		:= $(B)/man
MANS		:= $(MAN_B)/cimctl.1 $(MAN_B)/cim-compile.1 $(MAN_B)/libcim.3
PC_FILES	:= libcim.pc libcim-compiler.pc
PY_FILES	:= $(notdir $(wildcard $(TOP)/python/cim/*.py))
# What cim-dkms / dkms add need: the module sources and dkms.conf.
DKMS_SRC	:= Kbuild kernel firmware uapi

.PHONY: install uninstall install-dkms-src uninstall-dkms-src man

man: $(MANS)

# docs/<page>.md is the page; its first line, "# name(section)", becomes
# the title line.  whatis(1) wants "name - summary" in NAME, and a literal
# line starting with "." would be read as a request: both are fixed up.
$(MAN_B)/%: $(TOP)/docs/%.md
$(MAN_B)/cimctl.1: $(TOP)/docs/cimctl.md
$(MAN_B)/cim-compile.1: $(TOP)/docs/cim-compile.md
$(MAN_B)/libcim.3: $(TOP)/docs/libcim.3.md
$(MANS):
	@mkdir -p $(dir $@)
	{ printf '%% %s %s "%s" "cim $(VERSION)" "CIM stack"\n\n' \
		$(basename $(notdir $@)) $(subst .,,$(suffix $@)) "$(MAN_DATE)"; \
	  tail -n +2 $< | sed '0,/ — /s// - /'; } > $@.md
	$(MD2MAN) -in $@.md -out $@.tmp
	sed 's/^\.\([^a-zA-Z]\)/\\\&.\1/' $@.tmp > $@
	rm -f $@.md $@.tmp

install: man
	$(MAKE) -C $(TOP)/libcim install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) \
		LIBDIR=$(LIBDIR) INCLUDEDIR=$(INCLUDEDIR)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(UDEVRULESDIR) \
		$(DESTDIR)$(FIRMWAREDIR)/cim $(DESTDIR)$(PYTHONDIR)/cim
	$(INSTALL) -m 755 $(B)/tools/cimctl $(B)/tools/cim-compile $(DESTDIR)$(BINDIR)
	$(INSTALL) -m 644 $(MAN_B)/cimctl.1 $(MAN_B)/cim-compile.1 $(DESTDIR)$(MANDIR)/man1
	$(INSTALL) -m 644 $(MAN_B)/libcim.3 $(DESTDIR)$(MANDIR)/man3
	$(INSTALL) -m 644 $(TOP)/packaging/70-cim.rules $(DESTDIR)$(UDEVRULESDIR)
	$(INSTALL) -m 644 $(B)/firmware/cim-fw.bin $(DESTDIR)$(FIRMWAREDIR)/cim
	$(INSTALL) -m 644 $(addprefix $(TOP)/python/cim/,$(PY_FILES)) $(DESTDIR)$(PYTHONDIR)/cim

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/cimctl $(DESTDIR)$(BINDIR)/cim-compile
	rm -f $(addprefix $(DESTDIR)$(LIBDIR)/,libcim.so.1 libcim.so libcim.a \
		libcim-compiler.so.1 libcim-compiler.so libcim-compiler.a)
	rm -f $(addprefix $(DESTDIR)$(LIBDIR)/pkgconfig/,$(PC_FILES))
	rm -f $(DESTDIR)$(INCLUDEDIR)/cim.h
	rm -rf $(DESTDIR)$(INCLUDEDIR)/cim-compiler
	rm -f $(DESTDIR)$(MANDIR)/man1/cimctl.1 $(DESTDIR)$(MANDIR)/man1/cim-compile.1
	rm -f $(DESTDIR)$(MANDIR)/man3/libcim.3
	rm -f $(DESTDIR)$(UDEVRULESDIR)/70-cim.rules
	rm -rf $(DESTDIR)$(FIRMWAREDIR)/cim $(DESTDIR)$(PYTHONDIR)/cim

# The sources only: a tree where `make modules` ran holds its outputs too.
install-dkms-src:
	$(INSTALL) -d $(DESTDIR)$(DKMSSRCDIR)/cim-$(VERSION)
	tar -C $(TOP) --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*' --exclude='*.a' \
		--exclude='modules.order' --exclude='Module.symvers' \
		-cf - $(DKMS_SRC) | tar -C $(DESTDIR)$(DKMSSRCDIR)/cim-$(VERSION) -xf -
	sed 's/#MODULE_VERSION#/$(VERSION)/' $(TOP)/dkms.conf > $(DESTDIR)$(DKMSSRCDIR)/cim-$(VERSION)/dkms.conf

uninstall-dkms-src:
	rm -rf $(DESTDIR)$(DKMSSRCDIR)/cim-$(VERSION)
