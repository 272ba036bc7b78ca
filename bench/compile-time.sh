#!/usr/bin/env bash
# Compile-time budget (issue 9): what users pay on every build.
#
#   bench/compile-time.sh [REV]     # measure the working tree, or REV (a git
#                                   # revision, exported with `git archive` to a temporary directory)
#
# Measures, each with a fresh target directory (nothing shared with the
# workspace's target/ or another measurement):
#   1. user3-cold:   `cargo build` (debug) of a user crate that depends on cfnkit
#                    with three services (dynamodb, s3, lambda: a table, a bucket,
#                    a function and a grant), from nothing, dependencies included;
#   2. user3-edit:   after changing one line of that crate's main.rs, `cargo run`
#                    (rebuild + synthesize);
#   3. l1-full-cold: `cargo build -p cfnkit-l1 --features full` from nothing.
# For a revision without per-service features (before issue 9), the user crate
# depends on cfnkit with its defaults (then every service it had), and
# `--features full` does not exist: l1 is built with its default features.
#
# Prints one line per measurement (wall seconds, from `date`), and the
# user/sys CPU seconds of the cargo process tree (from bash's `times`), so a
# loaded machine shows up as wall >> CPU. Runs serially; takes many minutes.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO="$PWD"
REV="${1:-}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ -n "$REV" ]; then
    mkdir -p "$work/src"
    git -C "$REPO" archive "$REV" | tar -x -C "$work/src"
    SRC="$work/src"
    label="$REV ($(git -C "$REPO" rev-parse --short "$REV"))"
else
    SRC="$REPO"
    label="working tree ($(git -C "$REPO" rev-parse --short HEAD))"
fi

measure() { # name, dir, command...
    local name="$1" dir="$2"
    shift 2
    local t0 c0 c1
    c0="$(cpu)"
    t0="$(date +%s.%N)"
    (cd "$dir" && "$@") >"$work/$name.log" 2>&1 || { echo "$name: failed, see log:"; tail -20 "$work/$name.log"; exit 1; }
    c1="$(cpu)"
    printf '%-14s wall %7.1f s   cpu %7.1f s\n' "$name" "$(echo "$(date +%s.%N) - $t0" | bc)" "$(echo "$c1 - $c0" | bc)"
}

# Children's user+sys CPU seconds so far (bash `times`, second line).
cpu() {
    times | sed -n 2p | awk '{
        split($1, u, "m"); split($2, s, "m");
        sub("s", "", u[2]); sub("s", "", s[2]);
        printf "%.2f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }'
}

# The user crate: three services.
user="$work/user3"
mkdir -p "$user/src"
if grep -q '^catalogue = ' "$SRC/Cargo.toml"; then
    dep="cfnkit = { path = \"$SRC\", default-features = false, features = [\"dynamodb\", \"s3\", \"lambda\"] }"
    full="--features full"
else
    dep="cfnkit = { path = \"$SRC\" }"
    full=""
fi
cat >"$user/Cargo.toml" <<TOML
[package]
name = "user3"
version = "0.1.0"
edition = "2021"

[dependencies]
$dep

[workspace]
TOML
cat >"$user/src/main.rs" <<'RS'
use cfnkit::prelude::*;

fn main() {
    let mut app = App::new();
    let stack = app.stack("orders");
    let table = Table::new("Orders", Key::string("orderId")).add_to(stack);
    let bucket = Bucket::new("Archive").add_to(stack);
    let handler = Function::new("Archiver", Runtime::Nodejs20x, Code::inline("exports.handler = async () => {};"))
        .env("TABLE", table.name())
        .env("BUCKET", bucket.name())
        .add_to(stack);
    table.grant_read_data(stack, &handler);
    let out = app.synth().expect("synthesizes");
    println!("{} resources (edit 0)", out.stacks[0].template["Resources"].as_object().map_or(0, |r| r.len()));
}
RS

echo "compile-time.sh: $label, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
export CARGO_TARGET_DIR="$work/target-user"
measure user3-cold "$user" cargo build --quiet
sed -i 's/(edit 0)/(edit 1)/' "$user/src/main.rs"
measure user3-edit "$user" cargo run --quiet
export CARGO_TARGET_DIR="$work/target-l1"
# shellcheck disable=SC2086
measure l1-full-cold "$SRC" cargo build --quiet -p cfnkit-l1 $full
