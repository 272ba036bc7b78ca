#!/usr/bin/env bash
# The project's one test command (also what CI runs, via .ci/run).
#
#   fmt -> clippy -> rustdoc -> codegen --check -> l1 --features full -> validators -> cargo-insta -> tests
#
# Every step must pass; the script stops at the first failure with a non-zero
# exit. The test step runs all tests in the workspace (unit, integration and
# doc tests) with snapshot checking; template tests call cfn-lint, checkov and
# cdk through tests/support/validators.rs, which finds them through the
# CFNKIT_* variables exported below.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"

# Pinned tool versions (validators are pinned in scripts/setup-validators.sh).
CARGO_INSTA_VERSION="1.49.0"

if [ -d "$HOME/.cargo/bin" ]; then
    case ":$PATH:" in
        *":$HOME/.cargo/bin:"*) ;;
        *) export PATH="$HOME/.cargo/bin:$PATH" ;;
    esac
fi

STEP_START=0
step() {
    if [ "$STEP_START" -ne 0 ]; then
        printf '    (done in %ss)\n' "$((SECONDS - STEP_START))" >&2
    fi
    STEP_START=$SECONDS
    printf '\n==> %s\n' "$*" >&2
}
trap 'rc=$?; if [ $rc -ne 0 ]; then printf "\n==> FAILED (exit %s) after %ss\n" "$rc" "$SECONDS" >&2; fi' EXIT

step "cargo fmt --all --check"
cargo fmt --all --check

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo doc --workspace --no-deps (RUSTDOCFLAGS=-Dwarnings)"
RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps

# Generated L1 code must match what the generator produces from schemas/.
# `cfnkit-codegen --check` regenerates in memory and exits non-zero on any diff
# (the codegen crate is owned by the codegen work; this step relies on its
# `--check` flag). Fix a failure with `cargo run -p cfnkit-codegen` and commit.
step "cargo run -p cfnkit-codegen -- --check"
cargo run --quiet -p cfnkit-codegen -- --check

# Every CloudFormation service at L1 (the steps above build the default
# features only): the whole registry must type-check. `cargo check` of the
# l1 crate alone, the step that dominates: see the README's compile-time table.
step "cargo check -p cfnkit-l1 --features full"
cargo check --quiet -p cfnkit-l1 --features full

step "scripts/setup-validators.sh"
scripts/setup-validators.sh

step "cargo-insta $CARGO_INSTA_VERSION"
have_insta="$( (cargo insta --version 2>/dev/null || true) | sed -n 's/^cargo-insta \([0-9][^ ]*\).*/\1/p' | head -n 1)"
if [ "$have_insta" != "$CARGO_INSTA_VERSION" ]; then
    printf 'installing cargo-insta %s (have: %s)\n' "$CARGO_INSTA_VERSION" "${have_insta:-none}" >&2
    cargo install cargo-insta --locked --version "$CARGO_INSTA_VERSION"
else
    printf 'cargo-insta %s already installed\n' "$have_insta" >&2
fi

export CFNKIT_CFN_LINT="$ROOT/.tools/venv/bin/cfn-lint"
export CFNKIT_CHECKOV="$ROOT/.tools/venv/bin/checkov"
export CFNKIT_CDK="$ROOT/.tools/node/node_modules/.bin/cdk"
for tool in "$CFNKIT_CFN_LINT" "$CFNKIT_CHECKOV" "$CFNKIT_CDK"; do
    [ -x "$tool" ] || { printf 'missing validator %s; run scripts/setup-validators.sh\n' "$tool" >&2; exit 1; }
done

step "cargo insta test --workspace --check --unreferenced=reject"
# INSTA_UPDATE=no: never write .snap/.snap.new files; a mismatch is a failure.
unset INSTA_FORCE_PASS INSTA_FORCE_UPDATE
INSTA_UPDATE=no cargo insta test --workspace --check --unreferenced=reject

step "all checks passed"
printf '    total %ss\n' "$SECONDS" >&2
