# The firmware core's sources, the one list firmware/Makefile and Kbuild
# (which compiles them into cim_vcard.ko) both read.  Paths relative to
# firmware/ and to uapi/.
FW_CORE := fw_host_if.c fw_job.c fw_dma.c fw_plan.c fw_program.c fw_run.c \
	   fw_time.c fw_array.c fw_exec.c fw_sched.c fw_tele.c fw_analog.c \
	   fw_calib.c fw_refresh.c fw_catalog.c fw_fault.c fw_log.c
# The code of the contracts the firmware runs (uapi/*.c): image
# validation, CRC, requantization.
FW_UAPI := cim_image_check.c cim_crc.c cim_requant.c
# The emulators' array model (firmware/model/): the virtual cards and the
# host tests, never the MCU image.  Paths relative to firmware/.
FW_MODEL := model/model_array.c model/model_cells.c model/model_convert.c \
	    model/model_presets.c model/model_sensors.c model/model_regs.c
# The HAL's lanes for the platforms that run one batch item at a time
# (the MCU, cim_vcard.ko, the host tests; not the userspace card).
FW_ONE_LANE := hal_one_lane.c
