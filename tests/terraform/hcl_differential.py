#!/usr/bin/env python3
"""Differential test: atrest's HCL parser (through hcl_dump) against HashiCorp's own parser
(hclsyntax compiled to wasm, through @cdktf/hcl2json and hcl2json.mjs).

Every corpus/*.tf must parse without error on both sides to the same JSON; every
corpus/invalid/*.tf must be rejected by both. The comparison normalises two things only:
  - numbers compare as floats (node prints hcl2json's big integers through a double);
  - strings compare in Unicode NFC, because HashiCorp's parser NFC-normalises string literals
    (`"e\\u0301"` reads as `"\\u00e9"`) and ours keeps them as written (no Unicode tables).
Expression source text ("${...}"), templates, heredocs, strip markers and block nesting must
match exactly.

Exits 0 on full agreement, 1 on any mismatch, 77 when node or the npm package is missing
(run `npm ci` in tests/terraform).

usage: hcl_differential.py HCL_DUMP [--corpus DIR] [--node NODE] [--show K]
"""

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))


def normalise(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return {normalise(k): normalise(v) for k, v in value.items()}


def first_difference(ref, ours, path="$"):
    """A short description of where two JSON values first differ."""
    if type(ref) is not type(ours):
        return f"{path}: hcl2json {json.dumps(ref)[:200]} / atrest {json.dumps(ours)[:200]}"
    if isinstance(ref, dict):
        for key in sorted(set(ref) | set(ours)):
            if key not in ref or key not in ours:
                return f"{path}.{key}: only in {'atrest' if key in ours else 'hcl2json'}"
            if ref[key] != ours[key]:
                return first_difference(ref[key], ours[key], f"{path}.{key}")
    if isinstance(ref, list):
        if len(ref) != len(ours):
            return f"{path}: {len(ref)} items in hcl2json, {len(ours)} in atrest"
        for i, (a, b) in enumerate(zip(ref, ours)):
            if a != b:
                return first_difference(a, b, f"{path}[{i}]")
    return f"{path}: hcl2json {json.dumps(ref)[:200]} / atrest {json.dumps(ours)[:200]}"


def run_lines(cmd):
    out = subprocess.run(cmd, capture_output=True, check=True).stdout.decode("utf-8")
    # One JSON document a line; split on "\n" only (str.splitlines also splits on U+2028 etc.).
    return [json.loads(line) for line in out.split("\n") if line]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("hcl_dump")
    parser.add_argument("--corpus", default=os.path.join(HERE, "corpus"))
    parser.add_argument("--node", default=shutil.which("node"))
    parser.add_argument("--show", type=int, default=20, help="mismatches to describe")
    args = parser.parse_args()

    if not args.node:
        print("skipping: node is not installed")
        return 77
    if not os.path.isdir(os.path.join(HERE, "node_modules", "@cdktf", "hcl2json")):
        print("skipping: @cdktf/hcl2json is not installed (cd tests/terraform && npm ci)")
        return 77

    valid = sorted(glob.glob(os.path.join(args.corpus, "*.tf")))
    invalid = sorted(glob.glob(os.path.join(args.corpus, "invalid", "*.tf")))
    files = valid + invalid
    if not valid:
        print(f"no corpus in {args.corpus}")
        return 1

    ref = run_lines([args.node, os.path.join(HERE, "hcl2json.mjs"), *files])
    ours = run_lines([args.hcl_dump, *files])
    if len(ref) != len(files) or len(ours) != len(files):
        print(f"expected {len(files)} results, got {len(ref)} from hcl2json and {len(ours)} from hcl_dump")
        return 1

    passed, failures = 0, []
    for path, r, o in zip(files, ref, ours):
        name = os.path.relpath(path, args.corpus)
        if path in invalid:
            if "error" in r and "error" in o:
                passed += 1
            else:
                failures.append(f"{name}: should be rejected; hcl2json: {r.get('error', 'accepted')[:200]}; "
                                f"atrest: {o.get('error', 'accepted')[:200]}")
            continue
        if "error" in r or "error" in o:
            failures.append(f"{name}: hcl2json: {r.get('error', 'ok')[:300]}; atrest: {o.get('error', 'ok')[:300]}")
            continue
        a, b = normalise(r["json"]), normalise(o["json"])
        if a == b:
            passed += 1
        else:
            failures.append(f"{name}: {first_difference(a, b)}")

    for line in failures[: args.show]:
        print("MISMATCH", line)
    print(f"hcl_differential: {len(valid)} valid and {len(invalid)} invalid files")
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
