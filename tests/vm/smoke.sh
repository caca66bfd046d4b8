insmod /modules/cim_vcard.ko preset=small && insmod /modules/cim.ko && ls -l /dev/accel/ && cat /sys/class/accel/accel0/device/uevent; dmesg | tail -5; rmmod cim && rmmod cim_vcard && echo smoke-ok
