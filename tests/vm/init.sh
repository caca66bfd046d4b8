#!/bin/sh
# /init of the VM bench.  Loads the DRM modules, runs /tests/<mode>.sh
# (mode from cim.mode= on the kernel command line), prints the kernel log
# between markers for the host to check, and powers off.
export PATH=/bin:/tests
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null

mode=$(sed -n 's/.*cim\.mode=\([a-z0-9_]*\).*/\1/p' /proc/cmdline)
# cim.test=NAME (make test T=NAME): check.sh runs that test alone.
export CIM_TEST=$(sed -n 's/.*cim\.test=\([A-Za-z0-9_]*\).*/\1/p' /proc/cmdline)
for m in $(cat /modules/order); do
	insmod "/modules/$m.ko" || echo "VM: insmod $m failed"
done

echo "VM-BEGIN $mode"
cd /tests
sh "/tests/$mode.sh"
echo "VM-STATUS $?"
echo "VM-DMESG-BEGIN"
dmesg
echo "VM-DMESG-END"
poweroff -f
