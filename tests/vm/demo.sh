#!/bin/sh
# cim.mode=demo: the default M1076-class virtual card, one inference.
insmod /modules/cim_vcard.ko && insmod /modules/cim.ko || exit 1
cimctl list
cimctl info
cimctl run --builtin mlp2 --random 1 --batch 4
rc=$?
echo "demo: result at $(cut -d' ' -f1 /proc/uptime) s after boot"
rmmod cim && rmmod cim_vcard
exit $rc
