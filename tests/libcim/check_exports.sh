#!/bin/sh
# Usage: check_exports.sh LIB.so HEADER...
# Fails unless the shared library exports exactly the functions the
# public headers declare (and no internal helper leaks out).
set -eu
lib=$1
shift
want=$(cat "$@" | grep -E '^[a-z].*[ *]cim_[a-z0-9_]+\(' |
	sed -E 's/.*[ *](cim_[a-z0-9_]+)\(.*/\1/' | sort -u)
have=$(nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' |
	sed 's/@.*//' | sort -u)
if [ "$want" != "$have" ]; then
	echo "check_exports: $lib exports differ from the headers:" >&2
	printf '%s\n' "$want" > /tmp/cim_exports_want.$$
	printf '%s\n' "$have" > /tmp/cim_exports_have.$$
	diff -u /tmp/cim_exports_want.$$ /tmp/cim_exports_have.$$ >&2 || true
	rm -f /tmp/cim_exports_want.$$ /tmp/cim_exports_have.$$
	exit 1
fi
echo "check_exports: $(printf '%s\n' "$have" | wc -l) symbols, all declared"
