#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Check `cimctl COMMAND --json` output against docs/cimctl-json.schema.json.

    check_cimctl_json.py COMMAND [KEY=VALUE...] < output

Every line of the output must be one JSON document (monitor prints one
per sample) valid against the schema's definition for COMMAND, with the
invariants the schema cannot state (sorted percentiles, tile numbering,
counts).  KEY=VALUE pairs are expected top-level values (integers compare
as integers), e.g. tiles=8.  Exits 1 with the reason on the first error.
"""
import json
import os
import sys

import jsonschema

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                      "docs", "cimctl-json.schema.json")


def fail(msg):
    print("check_cimctl_json: %s" % msg)
    sys.exit(1)


def invariants(cmd, doc):
    if cmd == "tiles":
        nums = [t["tile"] for t in doc["tiles"]]
        if nums != list(range(len(nums))):
            fail("tiles not numbered 0..n-1: %s" % nums)
        pe = [t["pe_cycles"] for t in doc["tiles"]]
        if pe and (doc["pe"]["min"] != min(pe) or doc["pe"]["max"] != max(pe)):
            fail("pe min/max disagree with the tiles")
    elif cmd == "images":
        if doc["stats"]["images"] != len(doc["images"]):
            fail("stats.images %d, %d images listed" %
                 (doc["stats"]["images"], len(doc["images"])))
    elif cmd == "bench":
        lat = doc["latency_ms"]
        if not lat["p50"] <= lat["p90"] <= lat["p99"] <= lat["max"]:
            fail("latency percentiles not sorted: %s" % lat)
        if doc["items"] != doc["jobs"] * doc["batch"]:
            fail("items != jobs * batch")
    elif cmd == "info":
        if doc["free_tiles"] > doc["tiles"]:
            fail("free_tiles above tiles")


def main():
    cmd = sys.argv[1]
    want = dict(a.split("=", 1) for a in sys.argv[2:])
    with open(SCHEMA) as f:
        schema = json.load(f)
    sub = {"$ref": "#/$defs/%s" % cmd, "$defs": schema["$defs"]}
    lines = [l for l in sys.stdin.read().splitlines() if l.strip()]
    if not lines:
        fail("no output")
    if cmd != "monitor" and len(lines) != 1:
        fail("%d lines, want one JSON document" % len(lines))
    for i, line in enumerate(lines):
        try:
            doc = json.loads(line)
        except ValueError as e:
            fail("line %d is not JSON (%s): %s" % (i + 1, e, line[:80]))
        try:
            jsonschema.validate(doc, sub)
        except jsonschema.ValidationError as e:
            fail("line %d: %s" % (i + 1, e.message))
        if cmd == "monitor" and doc["sample"] != i:
            fail("sample %d on line %d" % (doc["sample"], i + 1))
        invariants(cmd, doc)
        for k, v in want.items():
            got = doc.get(k) if isinstance(doc, dict) else len(doc)
            if str(got) != v:
                fail("%s is %s, want %s" % (k, got, v))
    print("ok %s: %d document(s)" % (cmd, len(lines)))


main()
