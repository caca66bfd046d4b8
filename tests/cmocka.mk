# Shared by the cmocka test Makefiles (tests/libcim, tests/compiler):
# flags, the object rule and the `run` loop.  Set T (the test sources),
# OUT and TESTS before including it.
#   make run LIBA="<libcim-compiler.a> <libcim.a>" OUT=<dir> [EXTRA_CFLAGS=...]

include $(TOP)/mk/common.mk
VARIANT ?= plain
CFLAGS := $(CIM_CFLAGS) $(EXTRA_CFLAGS)

$(OUT)/%.o: $(T)/%.c
	@mkdir -p $(OUT)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# Linked into every test binary: CIM_TEST=<pattern> runs only the tests
# it names (make test T=..., docs/testing.md).
FILTER_O := $(OUT)/cmocka_filter.o
$(FILTER_O): $(TOP)/tests/cmocka_filter.c
	@mkdir -p $(OUT)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# Shell for a `run` recipe, in $(OUT): runs each of $(TESTS) under the
# sanitizers' options; t_run NAME LOG CMD... runs one more (a script
# printing cmocka's summary).  $$pass counts the passed tests, $$failed
# names what failed; CMOCKA_SUMMARY prints the line "<what> tests".
CMOCKA_RUN = pass=0; failed=""; \
	t_run() { \
		name=$$1; log=$$2; shift 2; \
		if "$$@" > $$log 2>&1; then \
			n=$$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' $$log); \
			pass=$$((pass + n)); \
			echo "  PASS $$name ($$n tests)"; \
		else \
			cat $$log; failed="$$failed $$name"; echo "  FAIL $$name"; \
		fi; \
	}; \
	for t in $(TESTS); do \
		t_run $$t $$t.log env ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
			UBSAN_OPTIONS=print_stacktrace=1 ./$$t; \
	done

CMOCKA_SUMMARY = echo "$(1) tests ($(VARIANT)): $$pass passed, failed:$${failed:- none}"; \
	test -z "$$failed"

-include $(wildcard $(OUT)/*.d)
