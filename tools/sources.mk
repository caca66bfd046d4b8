# The tools' sources, the one list tools/Makefile and the tests that link
# cimctl against a fake driver (tests/libcim/Makefile) both read.
CIMCTL_SRCS := cimctl.c args.c models.c fileio.c cmd_list.c cmd_info.c \
	cmd_run.c cmd_build_image.c cmd_images.c cmd_start.c catalog_fmt.c \
	cmd_monitor.c cmd_reset.c cmd_program.c cmd_calibrate.c card_sysfs.c cmd_bench.c \
	json_out.c
CIM_COMPILE_SRCS := cim_compile.c compile_builtin.c compile_builtin_dw.c compile_predict.c args.c models.c fileio.c
