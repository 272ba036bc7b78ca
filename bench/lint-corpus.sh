#!/usr/bin/env bash
# `cfnkit lint` over the whole template corpus in one run, side by side with
# cfn-lint and checkov on the same files (each also in one run).
#
# Usage: bench/lint-corpus.sh        (from anywhere; validators from .tools,
#                                      see scripts/setup-validators.sh)
#
# Environment knobs:
#   CORPUS=../shared/corpus/aws-cloudformation-templates   (relative to the repo root)
#   RUNS=5         cfnkit runs (the median is printed; cfn-lint and checkov run once)
#   SKIP_OTHERS=1  time cfnkit only
#
# What is timed, each as one process over the whole set:
#   cfnkit    `cfnkit lint CORPUS` (the folder: it finds the templates itself,
#             names and skips the Rain sources, and lints every other file)
#   cfn-lint  `cfn-lint --regions us-east-1 -- FILES`
#   checkov   `checkov --framework cloudformation -f FILE...`
# FILES are the templates cfnkit linted (from its JSON report), so all three
# read the same files. Each run goes through /usr/bin/time: wall time, CPU
# time (user + system: less sensitive to other load on a shared machine than
# wall time) and peak RSS.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CORPUS="${CORPUS:-../shared/corpus/aws-cloudformation-templates}"
RUNS="${RUNS:-5}"
CFN_LINT="${CFNKIT_CFN_LINT:-$ROOT/.tools/venv/bin/cfn-lint}"
CHECKOV="${CFNKIT_CHECKOV:-$ROOT/.tools/venv/bin/checkov}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

[ -d "$CORPUS" ] || { echo "no corpus at $CORPUS" >&2; exit 2; }
cargo build --release --quiet --bin cfnkit
BIN="$ROOT/target/release/cfnkit"

# The templates cfnkit lints in the folder (one JSON report).
"$BIN" lint --format json "$CORPUS" >"$TMP/cfnkit.json" 2>"$TMP/cfnkit.err" || true
mapfile -t FILES < <(python3 -c 'import json,sys
for t in json.load(open(sys.argv[1]))["templates"]: print(t["path"])' "$TMP/cfnkit.json")
all=$(find "$CORPUS" -type f \( -name '*.json' -o -name '*.yaml' -o -name '*.yml' -o -name '*.template' \) | wc -l)
skipped=$(grep -c '^note: skipped' "$TMP/cfnkit.err" || true)
printf 'corpus: %s (%s template files: %s linted, %s skipped as not templates)\n' \
    "$CORPUS" "$all" "${#FILES[@]}" "$skipped"
printf 'machine: %s, %s cores, %s GiB, %s; load average at start: %s\n\n' \
    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" "$(nproc)" \
    "$(awk '/MemTotal/ { printf "%d", $2 / 1048576 }' /proc/meminfo)" "$(uname -sr)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"

# measure OUT CMD...: runs CMD once under /usr/bin/time; appends "wall cpu rss_kib" to OUT.
measure() {
    local out="$1"
    shift
    /usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$@" >"$TMP/stdout" 2>"$TMP/stderr" || true
    awk '{ printf "%.3f %.3f %d\n", $1, $2 + $3, $4 }' "$TMP/time" >>"$out"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
row() { # name file findings
    local wall cpu rss
    wall=$(awk '{ print $1 }' "$2" | median)
    cpu=$(awk '{ print $2 }' "$2" | median)
    rss=$(awk '{ print $3 }' "$2" | sort -n | tail -n 1)
    printf '| %-26s | %9ss | %9ss | %7.1f MiB | %4s | %s |\n' "$1" "$wall" "$cpu" "$(echo "$rss" | awk '{ print $1 / 1024 }')" \
        "$(wc -l <"$2")" "$3"
    echo "$wall $cpu" >"$2.median"
}

printf '| %-26s | %10s | %10s | %11s | %4s | %s |\n' "tool (one process, all files)" "wall" "CPU" "peak RSS" "runs" "findings"
printf '| --- | ---: | ---: | ---: | ---: | --- |\n'

for _ in $(seq "$RUNS"); do
    measure "$TMP/cfnkit.times" "$BIN" lint "$CORPUS"
done
row "cfnkit lint (release)" "$TMP/cfnkit.times" "$(tail -n 1 "$TMP/stdout")"

if [ "${SKIP_OTHERS:-0}" = 1 ]; then exit 0; fi

measure "$TMP/cfn-lint.times" "$CFN_LINT" --regions us-east-1 --format parseable -- "${FILES[@]}"
row "cfn-lint $("$CFN_LINT" --version 2>&1 | awk '{ print $2 }')" "$TMP/cfn-lint.times" \
    "$(grep -c . "$TMP/stdout" || true) findings (schema and best-practice rules)"

args=()
for f in "${FILES[@]}"; do args+=(-f "$f"); done
measure "$TMP/checkov.times" "$CHECKOV" "${args[@]}" --framework cloudformation --quiet --compact --skip-download -o json
failed=$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
d=d if isinstance(d,list) else [d]
print(sum(x.get("summary",{}).get("failed",0) for x in d))' "$TMP/stdout" 2>/dev/null || echo "?")
row "checkov $("$CHECKOV" --version 2>/dev/null)" "$TMP/checkov.times" "$failed failed checks"

read -r cw cc <"$TMP/cfnkit.times.median"
for t in cfn-lint checkov; do
    read -r w c <"$TMP/$t.times.median"
    awk -v t="$t" -v w="$w" -v c="$c" -v cw="$cw" -v cc="$cc" \
        'BEGIN { printf "%s / cfnkit: %.0fx wall, %.0fx CPU\n", t, w / (cw > 0 ? cw : 0.001), c / (cc > 0 ? cc : 0.001) }'
done
