#!/usr/bin/env bash
# Runs every cargo-fuzz target for a set time (not part of CI).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Defaults: 600 seconds (the definition of done of issue 8) for each of
# synth_ops (apps built from arbitrary operations) and cli_args (arbitrary
# command lines). Needs the nightly toolchain and cargo-fuzz
# (`cargo install cargo-fuzz`). Corpora and crash artifacts stay under
# fuzz/corpus and fuzz/artifacts (ignored by git); a crash makes the script
# exit non-zero and prints how to reproduce it. Each target runs on one
# core with a 2 GiB memory limit and a 10-second timeout per input.
set -euo pipefail

cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-600}"
shift || true
TARGETS=("$@")
if [ "${#TARGETS[@]}" -eq 0 ]; then
    TARGETS=(synth_ops cli_args)
fi

if [ -d "$HOME/.cargo/bin" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz missing: cargo install cargo-fuzz" >&2; exit 2; }

status=0
for t in "${TARGETS[@]}"; do
    printf '\n==> fuzzing %s for %ss\n' "$t" "$SECONDS_PER_TARGET" >&2
    # Absolute paths: cli_args runs the CLI in a scratch folder it changes
    # into, so a relative corpus or artifact path would point nowhere.
    mkdir -p "$PWD/fuzz/corpus/$t" "$PWD/fuzz/artifacts/$t"
    if ! cargo +nightly fuzz run --fuzz-dir fuzz "$t" "$PWD/fuzz/corpus/$t" -- \
        -artifact_prefix="$PWD/fuzz/artifacts/$t/" \
        -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1; then
        printf '==> %s CRASHED: reproduce with cargo +nightly fuzz run --fuzz-dir fuzz %s fuzz/artifacts/%s/<file>\n' \
            "$t" "$t" "$t" >&2
        status=1
    fi
done
exit "$status"
