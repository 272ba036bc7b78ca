#!/usr/bin/env python3
"""Writes lint/src/data/taggable.txt: every resource type whose provider schema
says it is taggable, with the shape of its `Tags` property (`list` of
Key/Value pairs or `map`), one `TYPE FORMAT` a line, sorted.

Input: the us-east-1 provider schemas inside the pinned cfn-lint package
(scripts/setup-validators.sh installs it under .tools). Run from the repo
root: `python3 scripts/lint-taggable.py`; commit the result.
"""
import glob, json, os, sys

site = glob.glob(".tools/venv/lib/python3*/site-packages/cfnlint/data/schemas")
if not site:
    sys.exit("cfn-lint not found under .tools; run scripts/setup-validators.sh")
base = site[0]
providers = json.load(open(os.path.join(base, "providers", "us-east-1.json")))
rows = []
for typ, digest in providers.items():
    schema = json.load(open(os.path.join(base, "resources", digest + ".json")))
    tagging = schema.get("tagging") or {}
    if not tagging.get("taggable"):
        continue
    prop = (tagging.get("tagProperty") or "/properties/Tags").rsplit("/", 1)[-1]
    if prop != "Tags":
        continue
    tags = schema.get("properties", {}).get("Tags")
    if tags is None:
        continue
    if "$ref" in tags:
        tags = schema.get("definitions", {}).get(tags["$ref"].rsplit("/", 1)[-1], {})
    kind = "list" if tags.get("type") == "array" or "items" in tags else "map"
    rows.append(f"{typ} {kind}")
rows.sort()
with open("lint/src/data/taggable.txt", "w") as f:
    f.write("\n".join(rows) + "\n")
print(f"{len(rows)} taggable types")
