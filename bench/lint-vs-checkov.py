#!/usr/bin/env python3
"""cfnkit lint's findings beside checkov's, resource by resource.

Usage: bench/lint-vs-checkov.py CFNKIT CHECKOV FILE...

Runs `CFNKIT lint --format sarif FILE...` and `CHECKOV --framework
cloudformation -f FILE... -o json`. Every cfnkit rule names the checkov ids
it corresponds to (the rule's `checkov` property in the SARIF log); a
resource counts as flagged by checkov for a rule when checkov fails any of
those ids on it. Prints, per rule with a checkov id that either side flags:

    both     resources both tools flag
    cfnkit   resources only cfnkit flags (a cfnkit false positive, or a
             check checkov makes more narrowly)
    checkov  resources only checkov flags (a cfnkit false negative, or a
             check checkov makes more widely)

then each disagreement as `file resource`. Checkov failures under ids no
cfnkit rule names are counted at the end (outside the rules' scope).
"""

import collections
import json
import subprocess
import sys


def cfnkit_findings(binary, files):
    """(rule, path, resource) of every finding, and each rule's checkov ids."""
    out = subprocess.run([binary, "lint", "--format", "sarif", *files], capture_output=True, text=True).stdout
    run = json.loads(out)["runs"][0]
    ids = {r["id"]: r.get("properties", {}).get("checkov", []) for r in run["tool"]["driver"]["rules"]}
    got = set()
    for res in run["results"]:
        loc = res["locations"][0]
        names = [l["name"] for l in loc.get("logicalLocations", [])]
        if names and ids.get(res["ruleId"]):
            got.add((res["ruleId"], loc["physicalLocation"]["artifactLocation"]["uri"], names[0]))
    return got, {k: v for k, v in ids.items() if v}


def checkov_findings(binary, files):
    args = [binary, "--framework", "cloudformation", "--quiet", "--compact", "--skip-download", "-o", "json"]
    for f in files:
        args += ["-f", f]
    out = subprocess.run(args, capture_output=True, text=True).stdout
    reports = json.loads(out) if out.strip() else []
    reports = reports if isinstance(reports, list) else [reports]
    got = set()
    for rep in reports:
        for c in rep.get("results", {}).get("failed_checks", []):
            resource = c["resource"].split(".", 1)[-1]
            path = c["file_abs_path"] if "file_abs_path" in c else c["file_path"]
            got.add((c["check_id"], path, resource))
    return got


def norm(path, files):
    """The command-line spelling of `path` (tools report absolute or relative paths)."""
    for f in files:
        if path.endswith(f.lstrip("./")) or f.endswith(path.lstrip("/")):
            return f
    return path


def main():
    cfnkit, checkov, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    ours, ids = cfnkit_findings(cfnkit, files)
    theirs = checkov_findings(checkov, files)
    ours = {(r, norm(p, files), res) for r, p, res in ours}
    theirs = {(c, norm(p, files), res) for c, p, res in theirs}
    rows = {}
    for rule, cids in sorted(ids.items()):
        a = {(p, res) for r, p, res in ours if r == rule}
        b = {(p, res) for c, p, res in theirs if c in cids}
        if a or b:
            rows[rule] = (a & b, a - b, b - a, cids)
    print(f"{'rule':<28} {'both':>5} {'cfnkit':>7} {'checkov':>8}  checkov ids")
    for rule, (both, only_a, only_b, cids) in rows.items():
        print(f"{rule:<28} {len(both):>5} {len(only_a):>7} {len(only_b):>8}  {', '.join(cids)}")
    for rule, (_, only_a, only_b, _) in rows.items():
        for side, items in (("cfnkit", only_a), ("checkov", only_b)):
            for path, res in sorted(items):
                print(f"  only {side:<7} {rule:<28} {path} {res}")
    mapped = {c for v in ids.values() for c in v}
    other = collections.Counter(t[0] for t in theirs if t[0] not in mapped)
    print(f"checkov failures under ids no cfnkit rule names: {sum(other.values())}: "
          + ", ".join(f"{k} {v}" for k, v in other.most_common()))


if __name__ == "__main__":
    main()
