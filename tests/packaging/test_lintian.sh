#!/bin/sh
# lintian over the packages `make deb` built: no error and no warning that
# is not overridden (each override in debian/*.lintian-overrides says why).
#   test_lintian.sh DEB_DIR
set -eu
out=$(lintian --tag-display-limit 0 \
	"$1"/*.changes 2>&1 | grep -v '^running with root privileges' || true)
echo "$out" | grep -E '^(E|W): ' && { echo "FAIL lintian"; exit 1; }
echo "$out" | grep -E '^(I|P|N): ' | sed 's/^/  /' || true
for d in "$1"/*.deb; do
	printf '  %-44s %8d bytes\n' "$(basename "$d")" "$(stat -c %s "$d")"
done
echo "PASS lintian: no errors, no warnings"
