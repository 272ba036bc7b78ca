#!/usr/bin/env python3
"""Paired whole-process measurements for bench/compare.sh.

    measure.py ROUNDS NAME=COMMAND [NAME=COMMAND ...]

Runs every command once per round, in the same order each round (so each
run of a tool is paired with a run of the others under the same machine
conditions), after one unmeasured warm-up round. For each run it reads the
child's own resource usage with os.wait4: CPU time (user + system), peak RSS
(ru_maxrss) and wall time. Prints one JSON object: per tool the median CPU
seconds, median wall seconds and median peak RSS in MiB, and the runs.
A command that fails stops the measurement (exit 1) with its stderr.
"""

import json
import os
import shlex
import statistics
import subprocess
import sys
import time


def run_once(cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(shlex.split(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"measure.py: {cmd!r} exited {proc.returncode}:\n{err}")
    return {"cpu_s": usage.ru_utime + usage.ru_stime, "wall_s": wall, "rss_mib": usage.ru_maxrss / 1024}


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    rounds = int(argv[0])
    tools = [a.split("=", 1) for a in argv[1:]]
    runs = {name: [] for name, _ in tools}
    for r in range(rounds + 1):
        for name, cmd in tools:
            m = run_once(cmd)
            if r > 0:
                runs[name].append(m)
    out = {}
    for name, ms in runs.items():
        out[name] = {
            "cpu_s": statistics.median(m["cpu_s"] for m in ms),
            "wall_s": statistics.median(m["wall_s"] for m in ms),
            "rss_mib": statistics.median(m["rss_mib"] for m in ms),
            "runs": ms,
        }
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main(sys.argv[1:])
