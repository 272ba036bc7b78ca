#!/usr/bin/env bash
# Side-by-side synthesis speed of the order-monitoring stack (reference-stacks.md
# section 1): cfnkit vs aws-cdk-lib (Node.js) vs troposphere (Python).
#
# Usage: bench/compare.sh            (from anywhere; see bench/README.md)
#
# Environment knobs:
#   RUNS=20          process runs per tool (hyperfine --runs, or the bash loop)
#   WARMUP=2         unmeasured runs before them
#   ITERATIONS=50    in-process syntheses per tool (CDK and troposphere)
#   CARGO_BENCH=auto cfnkit's in-process figure: `auto` runs `cargo bench --bench synth`
#                    only when target/criterion has no estimate yet, `1` always runs it,
#                    `0` only reads what is there
#   NO_HYPERFINE=1   use the bash loop even when hyperfine is installed
#   BENCH_NODE_DIR, BENCH_VENV  where the two toolchains live (default .tools/bench-node
#                    and .tools/bench-venv)
#   SCALE_SIZES="100x14 1000x14"  the scale apps (STACKSxGROUPS; a group is 7 resources:
#                    9,800 and 98,000 resources), measured after order-monitoring;
#                    SCALE_SIZES= (empty) skips them
#   SCALE_ROUNDS=5   paired rounds per scale app (each round runs every tool once)
#   SCALE_CDK_MAX=100000  largest app (in resources) aws-cdk-lib is run on
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Pinned toolchains, installed under .tools/ (git-ignored) when missing.
CDK_LIB_VERSION=2.276.0
CONSTRUCTS_VERSION=10.8.1
TROPOSPHERE_VERSION=4.11.1
NODE_DIR="${BENCH_NODE_DIR:-$ROOT/.tools/bench-node}"
VENV="${BENCH_VENV:-$ROOT/.tools/bench-venv}"

RUNS="${RUNS:-20}"
WARMUP="${WARMUP:-2}"
ITERATIONS="${ITERATIONS:-50}"
CARGO_BENCH="${CARGO_BENCH:-auto}"
CRITERION_ESTIMATES="$ROOT/target/criterion/synth order-monitoring (build + synth)/new/estimates.json"

say() { printf '\n== %s\n' "$*" >&2; }

for tool in node npm python3 cargo; do
  command -v "$tool" >/dev/null || { echo "compare.sh: $tool is required" >&2; exit 1; }
done

# --- toolchains ----------------------------------------------------------------
installed_cdk() {
  node -p "require('$NODE_DIR/node_modules/aws-cdk-lib/package.json').version + ' ' +
           require('$NODE_DIR/node_modules/constructs/package.json').version" 2>/dev/null || true
}
if [[ "$(installed_cdk)" != "$CDK_LIB_VERSION $CONSTRUCTS_VERSION" ]]; then
  say "installing aws-cdk-lib@$CDK_LIB_VERSION constructs@$CONSTRUCTS_VERSION into $NODE_DIR"
  mkdir -p "$NODE_DIR"
  npm install --prefix "$NODE_DIR" --save-exact --no-audit --no-fund --loglevel=error \
    "aws-cdk-lib@$CDK_LIB_VERSION" "constructs@$CONSTRUCTS_VERSION" >&2
fi
export NODE_PATH="$NODE_DIR/node_modules"

installed_troposphere() {
  "$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("troposphere"))' 2>/dev/null || true
}
if [[ "$(installed_troposphere)" != "$TROPOSPHERE_VERSION" ]]; then
  say "installing troposphere==$TROPOSPHERE_VERSION into $VENV"
  [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "troposphere==$TROPOSPHERE_VERSION" >&2
fi
PYTHON="$VENV/bin/python"

say "building cfnkit (cargo build --release)"
cargo build --release -q -p cfnkit -p cfnkit-bench-scale
CFNKIT="$ROOT/target/release/cfnkit"

# --- what is timed -------------------------------------------------------------
TMP="$(mktemp -d "${TMPDIR:-/tmp}/cfnkit-compare.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
export CDK_OUTDIR="$TMP/cdk.out"

# Each tool synthesizes the whole stack from a cold process: cfnkit and CDK write a
# cloud assembly (template, manifest, tree), troposphere prints to_json().
# aws-cdk-lib >= 2.27x validates every template at synth time with a bundled
# CloudFormation rule engine (WebAssembly) unless CDK_VALIDATION=false; both are
# measured: the default is what `cdk synth` does, the other is synthesis alone.
NAMES=(cfnkit "aws-cdk-lib" "aws-cdk-lib (CDK_VALIDATION=false)" troposphere)
CMDS=(
  "$(printf '%q ' "$CFNKIT" synth order-monitoring --out "$TMP/cfnkit.out")"
  "$(printf '%q ' env CDK_VALIDATION=true node "$ROOT/bench/cdk/order_monitoring.js" --quiet)"
  "$(printf '%q ' env CDK_VALIDATION=false node "$ROOT/bench/cdk/order_monitoring.js" --quiet)"
  "$(printf '%q ' "$PYTHON" "$ROOT/bench/troposphere/order_monitoring.py" --quiet)"
)

say "checking that each program synthesizes the stack"
for i in "${!CMDS[@]}"; do
  if ! eval "${CMDS[$i]}" >/dev/null 2>"$TMP/check.err"; then
    echo "compare.sh: ${NAMES[$i]} failed:" >&2
    cat "$TMP/check.err" >&2
    exit 1
  fi
done
"$CFNKIT" synth order-monitoring 2>/dev/null >"$TMP/cfnkit.json"
"$PYTHON" "$ROOT/bench/troposphere/order_monitoring.py" >"$TMP/troposphere.json"
CDK_VALIDATION=false node "$ROOT/bench/cdk/order_monitoring.js" 2>/dev/null >"$TMP/cdk.json"
python3 - "$TMP" <<'EOF' >&2
import json, sys
for tool in ("cfnkit", "cdk", "troposphere"):
    t = json.load(open(f"{sys.argv[1]}/{tool}.json"))
    types = sorted(r["Type"] for r in t["Resources"].values())
    print(f"   {tool:12} {len(types)} resources, {len(t.get('Outputs', {}))} outputs")
EOF

median_ms() { # median of the numbers (ns) on stdin, in ms
  sort -n | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.2f", m / 1e6 }'
}

declare -A WALL RSS INPROC

# --- process wall time ---------------------------------------------------------
if command -v hyperfine >/dev/null && [[ -z "${NO_HYPERFINE:-}" ]]; then
  say "process wall time: hyperfine, $WARMUP warm-up + $RUNS runs each"
  args=()
  for i in "${!CMDS[@]}"; do args+=(-n "${NAMES[$i]}" "${CMDS[$i]}"); done
  hyperfine --shell=none --style basic --warmup "$WARMUP" --runs "$RUNS" \
    --export-json "$TMP/hyperfine.json" "${args[@]}" >&2
  python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("{}\t{:.2f}".format(r["command"], r["median"] * 1000))' "$TMP/hyperfine.json" >"$TMP/medians.tsv"
  while IFS=$'\t' read -r name ms; do WALL["$name"]="$ms"; done <"$TMP/medians.tsv"
  WALL_HOW="hyperfine $(hyperfine --version | awk '{print $2}'), --shell=none"
else
  say "process wall time: bash loop (no hyperfine, or NO_HYPERFINE set), $WARMUP warm-up + $RUNS runs each"
  for i in "${!CMDS[@]}"; do
    for ((k = 0; k < WARMUP; k++)); do eval "${CMDS[$i]}" >/dev/null 2>&1; done
    for ((k = 0; k < RUNS; k++)); do
      t0=$(date +%s%N)
      eval "${CMDS[$i]}" >/dev/null 2>&1
      echo $(($(date +%s%N) - t0))
    done >"$TMP/loop.$i"
    WALL["${NAMES[$i]}"]="$(median_ms <"$TMP/loop.$i")"
    echo "   ${NAMES[$i]}: ${WALL[${NAMES[$i]}]} ms" >&2
  done
  WALL_HOW="bash loop with date +%s%N"
fi

# --- peak memory ---------------------------------------------------------------
if [[ -x /usr/bin/time ]]; then
  say "peak RSS: /usr/bin/time -v, one run each"
  for i in "${!CMDS[@]}"; do
    eval "/usr/bin/time -v ${CMDS[$i]}" >/dev/null 2>"$TMP/time.$i"
    kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$TMP/time.$i")
    RSS["${NAMES[$i]}"]="$(awk -v kb="$kb" 'BEGIN { printf "%.1f", kb / 1024 }')"
  done
else
  echo "compare.sh: /usr/bin/time not found (apt-get install time); peak RSS not measured" >&2
  for n in "${NAMES[@]}"; do RSS["$n"]="n/a"; done
fi

# --- in-process synthesis time -------------------------------------------------
say "in-process synthesis: $ITERATIONS iterations each (after one warm-up)"
json_field() { python3 -c 'import json, sys; print(f"{json.load(sys.stdin)[sys.argv[1]]:.2f}")' "$1"; }
INPROC["aws-cdk-lib"]="$(CDK_VALIDATION=true node bench/cdk/order_monitoring.js --iterations "$ITERATIONS" 2>/dev/null | json_field median_ms)"
INPROC["aws-cdk-lib (CDK_VALIDATION=false)"]="$(CDK_VALIDATION=false node bench/cdk/order_monitoring.js --iterations "$ITERATIONS" 2>/dev/null | json_field median_ms)"
INPROC["troposphere"]="$("$PYTHON" bench/troposphere/order_monitoring.py --iterations "$ITERATIONS" | json_field median_ms)"

if [[ "$CARGO_BENCH" == 1 || ( "$CARGO_BENCH" == auto && ! -f "$CRITERION_ESTIMATES" ) ]]; then
  say "cfnkit in-process: cargo bench --bench synth -- order-monitoring (criterion)"
  cargo bench -q --bench synth -- order-monitoring >&2
fi
if [[ -f "$CRITERION_ESTIMATES" ]]; then
  INPROC["cfnkit"]="$(python3 -c '
import json, sys
print("{:.3f}".format(json.load(open(sys.argv[1]))["median"]["point_estimate"] / 1e6))' "$CRITERION_ESTIMATES")"
  CRITERION_DATE="$(date -r "$CRITERION_ESTIMATES" '+%Y-%m-%d %H:%M')"
else
  INPROC["cfnkit"]="n/a"
  CRITERION_DATE="none"
fi

# --- the table -----------------------------------------------------------------
{
  echo
  echo "order-monitoring synthesis, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(uname -m)"
  echo "process wall time: median of $RUNS runs ($WALL_HOW); peak RSS: one run; in-process: median per synthesis"
  echo
  printf '| %-34s | %18s | %13s | %22s |\n' tool "process wall (ms)" "peak RSS (MiB)" "in-process synth (ms)"
  printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..36})" "$(printf -- '-%.0s' {1..18})-:" \
    "$(printf -- '-%.0s' {1..13})-:" "$(printf -- '-%.0s' {1..22})-:"
  for n in "${NAMES[@]}"; do
    printf '| %-34s | %18s | %13s | %22s |\n' "$n" "${WALL[$n]}" "${RSS[$n]}" "${INPROC[$n]}"
  done
  echo
  echo "versions: cfnkit $("$CFNKIT" --version | awk '{print $2}') (rustc $(rustc --version | awk '{print $2}')),"\
    "aws-cdk-lib $CDK_LIB_VERSION + constructs $CONSTRUCTS_VERSION on node $(node --version),"\
    "troposphere $TROPOSPHERE_VERSION on $("$PYTHON" --version)"
  echo "cfnkit in-process: criterion median of 'synth order-monitoring (build + synth)', estimate of $CRITERION_DATE;"\
    "CDK: new App + stack + app.synth() into a temp dir; troposphere: new Template + to_json()"
}

# --- scale apps ------------------------------------------------------------------
# bench/scale/: the same app in each tool (STACKS stacks of GROUPS groups of a
# dead-letter queue, a queue redriving to it, a topic, a raw SQS subscription and
# the three policies), each written as one template per stack. measure.py runs the
# tools in paired rounds and reads each child's CPU time and peak RSS (wait4).
SCALE_SIZES="${SCALE_SIZES-100x14 1000x14}"
SCALE_ROUNDS="${SCALE_ROUNDS:-5}"
SCALE_CDK_MAX="${SCALE_CDK_MAX:-100000}"
if [[ -n "$SCALE_SIZES" ]]; then
  {
    echo
    echo "scale apps: median of $SCALE_ROUNDS paired rounds, whole process (CPU = user + system)"
    echo
    printf '| %-10s | %-12s | %10s | %10s | %14s | %13s | %12s |\n' resources tool "CPU (s)" "wall (s)" "peak RSS (MiB)" "CPU vs cfnkit" "RSS vs cfnkit"
    printf '|%s|%s|%s|%s|%s|%s|%s|\n' ------------ -------------- -----------: -----------: ---------------: --------------: -------------:
  }
  for size in $SCALE_SIZES; do
    stacks="${size%x*}"; groups="${size#*x}"
    n=$((stacks * groups * 7))
    args=(
      "cfnkit=$ROOT/target/release/cfnkit-scale --stacks $stacks --groups $groups --out $TMP/scale-cfnkit"
      "troposphere=$PYTHON $ROOT/bench/scale/troposphere_scale.py --stacks $stacks --groups $groups --out $TMP/scale-tropo"
    )
    if ((n <= SCALE_CDK_MAX)); then
      args+=("aws-cdk-lib=env CDK_VALIDATION=true node $ROOT/bench/scale/cdk_scale.js --stacks $stacks --groups $groups --out $TMP/scale-cdk")
    fi
    say "scale app $size ($n resources): $SCALE_ROUNDS paired rounds"
    python3 "$ROOT/bench/scale/measure.py" "$SCALE_ROUNDS" "${args[@]}" >"$TMP/scale-$size.json"
    python3 - "$TMP/scale-$size.json" "$n" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
base = d["cfnkit"]
for tool, m in d.items():
    print("| {:>10,} | {:<12} | {:>10.3f} | {:>10.3f} | {:>14.1f} | {:>13.1f}x | {:>12.2f}x |".format(
        int(sys.argv[2]), tool, m["cpu_s"], m["wall_s"], m["rss_mib"],
        m["cpu_s"] / base["cpu_s"], m["rss_mib"] / base["rss_mib"]))
print("|            | cfnkit per resource: {:.1f} us CPU, {:.2f} KiB peak RSS |".format(
    base["cpu_s"] / int(sys.argv[2]) * 1e6, base["rss_mib"] * 1024 / int(sys.argv[2])))
PY
  done
fi
