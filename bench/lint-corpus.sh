#!/usr/bin/env bash
# `cfnkit lint` over the whole template corpus in one run, side by side with
# cfn-lint and checkov on the same files (each also in one run).
#
# Usage: bench/lint-corpus.sh        (from anywhere; validators from .tools,
#                                      see scripts/setup-validators.sh)
#
# Environment knobs:
#   CORPUS=../shared/corpus/aws-cloudformation-templates   (relative to the repo root)
#   RUNS=5         cfnkit runs (the best and the median are printed)
#   SKIP_OTHERS=1  time cfnkit only
#
# The files: every template cfnkit reads (it says which it cannot read on
# stderr; YAML needs cfnkit-core's YAML reader). The same list goes to the
# other two tools so the comparison is like for like.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CORPUS="${CORPUS:-../shared/corpus/aws-cloudformation-templates}"
RUNS="${RUNS:-5}"
CFN_LINT="$ROOT/.tools/venv/bin/cfn-lint"
CHECKOV="$ROOT/.tools/venv/bin/checkov"

cargo build --release --quiet --bin cfnkit
BIN="$ROOT/target/release/cfnkit"

# The files cfnkit reads: those it does not report as unreadable.
mapfile -t ALL < <(find "$CORPUS" -type f \( -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) | sort)
mapfile -t FILES < <(for f in "${ALL[@]}"; do "$BIN" lint "$f" >/dev/null 2>&1; rc=$?; [ "$rc" -le 1 ] && echo "$f"; done || true)
printf 'corpus: %s files, %s of them read by cfnkit (the rest: YAML)\n' "${#ALL[@]}" "${#FILES[@]}"
printf 'machine: %s cores, %s\n\n' "$(nproc)" "$(uname -sr)"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

times=()
for _ in $(seq "$RUNS"); do
    t0=$(now)
    "$BIN" lint "${FILES[@]}" >/dev/null 2>&1 || true
    times+=("$(elapsed "$t0" "$(now)")")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
best=$(echo "$sorted" | head -n 1)
median=$(echo "$sorted" | sed -n "$(( (RUNS + 1) / 2 ))p")
findings=$("$BIN" lint "${FILES[@]}" 2>/dev/null | tail -n 1 || true)
printf '%-34s best %8ss  median %8ss  (%s runs)  %s\n' "cfnkit lint (release)" "$best" "$median" "$RUNS" "$findings"

if [ "${SKIP_OTHERS:-0}" = 1 ]; then exit 0; fi

t0=$(now)
"$CFN_LINT" --regions us-east-1 --format parseable -- "${FILES[@]}" >/tmp/cfnkit-bench-cfn-lint.txt 2>&1 || true
t=$(elapsed "$t0" "$(now)")
printf '%-34s %8ss  (1 run)  %s findings\n' "cfn-lint $("$CFN_LINT" --version 2>&1 | awk '{print $2}')" "$t" "$(wc -l </tmp/cfnkit-bench-cfn-lint.txt)"

args=()
for f in "${FILES[@]}"; do args+=(-f "$f"); done
t0=$(now)
"$CHECKOV" "${args[@]}" --framework cloudformation --quiet --compact --skip-download -o json >/tmp/cfnkit-bench-checkov.json 2>/dev/null || true
t=$(elapsed "$t0" "$(now)")
failed=$(python3 -c 'import json,sys
d=json.load(open("/tmp/cfnkit-bench-checkov.json"))
d=d if isinstance(d,list) else [d]
print(sum(x.get("summary",{}).get("failed",0) for x in d))' 2>/dev/null || echo "?")
printf '%-34s %8ss  (1 run)  %s failed checks\n' "checkov $("$CHECKOV" --version 2>/dev/null)" "$t" "$failed"
