#!/bin/sh
# Usage: check_needed.sh LIB.so ALLOWED...
# Fails unless every shared library LIB.so needs (DT_NEEDED) starts with
# one of the ALLOWED prefixes: the runtime must not pull in the
# compiler's dependencies (protobuf-c) or the test references (XNNPACK).
set -eu
lib=$1
shift
needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
bad=""
for n in $needed; do
	ok=0
	for a in "$@"; do
		case "$n" in "$a"*) ok=1 ;; esac
	done
	[ $ok = 1 ] || bad="$bad $n"
done
if [ -n "$bad" ]; then
	echo "check_needed: $lib needs$bad (allowed: $*)" >&2
	exit 1
fi
echo "check_needed: $lib needs only:" $needed
