#!/bin/sh
# cimctl --json on the userspace card: every command's output parsed and
# checked against docs/cimctl-json.schema.json (check_cimctl_json.py),
# with values that must agree with the card's (8 tiles of 256x256 on
# sim:small) and with what was done (a programmed image, a bench).
#   test_cimctl_json.sh CIMCTL MODEL.cimx
set -u
C=$1
M=$2
J=$(dirname "$0")/../tools/check_cimctl_json.py
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export CIM_SIM_FLASH="$T/flash"
pass=0
fail=0
check() {	# check NAME COMMAND [KEY=VALUE...] -- CMD...
	name=$1; jcmd=$2; shift 2
	keys=""
	while [ "$1" != "--" ]; do keys="$keys $1"; shift; done
	shift
	"$@" > "$T/out" 2> "$T/err"
	rc=$?
	# shellcheck disable=SC2086
	if [ "$rc" = 0 ] && /usr/bin/python3 "$J" "$jcmd" $keys < "$T/out" > "$T/res" 2>&1; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name (exit $rc): $(cat "$T/res" "$T/err" 2>/dev/null)"
	fi
}
check list list -- "$C" list --json
check info info tiles=8 tile_rows=256 tile_cols=256 -- "$C" info --json sim:small
check images-empty images -- "$C" images --json sim:small
"$C" program "$M" sim:small > /dev/null 2>&1
check images-one images -- "$C" images --json sim:small
/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if len(d["images"]) == 1 and d["stats"]["programmed"] + d["stats"]["found_on_card"] >= 1 and d["images"][0]["users"] == 0 else 1)' \
	< "$T/out" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL images-one content: $(cat "$T/out")"; }
check tiles tiles -- "$C" tiles --json sim:small
check monitor monitor -- "$C" monitor --json --count 3 --interval 10 sim:small
check bench bench batch=4 -- "$C" bench "$M" --dev sim:small --batch 4 --seconds 0.2 --json
/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d["device_ms_per_job"] > 0 and d["fps"] > 0 else 1)' \
	< "$T/out" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL bench figures: $(cat "$T/out")"; }
"$C" bench "$M" --dev sim:small --batch 0 > /dev/null 2>&1
[ $? = 2 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL bench --batch 0 not a usage error"; }
"$C" bench /nonexistent.cimx --dev sim:small > /dev/null 2>&1
[ $? = 1 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL bench of a missing file not exit 1"; }
echo "cimctl --json: $pass passed, $fail failed"
[ "$fail" = 0 ]
