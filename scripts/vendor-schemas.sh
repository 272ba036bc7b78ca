#!/usr/bin/env bash
# Refresh schemas/resources/*.json, the CloudFormation resource provider
# schemas cfnkit-codegen generates l1/ from (see schemas/SOURCE.md).
#
#   scripts/vendor-schemas.sh                 # download the pinned cfn-lint wheel from PyPI
#   CFN_LINT_WHEEL=path/to.whl scripts/vendor-schemas.sh   # use a wheel you already have
#
# The schemas come from the cfn-lint wheel (PyPI, MIT-0): the us-east-1
# provider map cfnlint/data/schemas/providers/us-east-1.json names, for
# each type, the file cfnlint/data/schemas/resources/<hash>.json holding
# its schema. Every type of the map (the whole registry: 1,854 types in
# 1.58.0) is copied byte for byte to
# schemas/resources/<Org>_<Service>_<Name>.json; files of types no longer
# in the map are removed; the licence is copied to schemas/LICENSE-cfn-lint.
#
# Afterwards: `cargo run -p cfnkit-codegen` to regenerate l1/, then review
# the diff (and the fix-ups in codegen/src/fixups.rs, which fail loudly
# when a refreshed schema no longer has the defect they patch). Update the
# version and schema date in schemas/SOURCE.md.
set -euo pipefail

cd "$(dirname "$0")/.."

CFN_LINT_VERSION="1.58.0"
REGION="us-east-1"

log() { printf 'vendor-schemas: %s\n' "$*" >&2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

wheel="${CFN_LINT_WHEEL:-}"
if [ -z "$wheel" ]; then
    log "downloading cfn-lint $CFN_LINT_VERSION from PyPI"
    python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp" "cfn-lint==$CFN_LINT_VERSION"
    wheel="$tmp/cfn_lint-$CFN_LINT_VERSION-py3-none-any.whl"
fi
[ -f "$wheel" ] || { log "no wheel at $wheel"; exit 1; }

python3 - "$wheel" "$CFN_LINT_VERSION" "$REGION" <<'PY'
import json
import os
import sys
import zipfile

wheel, version, region = sys.argv[1:4]
base = "cfnlint/data/schemas"
out_dir = "schemas/resources"

with zipfile.ZipFile(wheel) as z:
    providers = json.loads(z.read(f"{base}/providers/{region}.json"))
    date = json.loads(z.read(f"{base}/version.json")).get("schema_date", "?")
    selected = sorted(providers)
    os.makedirs(out_dir, exist_ok=True)
    wanted = set()
    for t in selected:
        name = t.replace("::", "_") + ".json"
        wanted.add(name)
        data = z.read(f"{base}/resources/{providers[t]}.json")
        if json.loads(data).get("typeName") != t:
            sys.exit(f"vendor-schemas: {providers[t]}.json is not the schema of {t}")
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)
    for name in sorted(os.listdir(out_dir)):
        if name.endswith(".json") and name not in wanted:
            os.remove(os.path.join(out_dir, name))
            print(f"vendor-schemas: removed {name}", file=sys.stderr)
    lic = [n for n in z.namelist() if n.startswith(f"cfn_lint-{version}.dist-info/") and n.endswith("/LICENSE")]
    if lic:
        with open("schemas/LICENSE-cfn-lint", "wb") as f:
            f.write(z.read(lic[0]))
    print(f"vendor-schemas: {len(selected)} schemas from cfn-lint {version} ({region}, schema_date {date})", file=sys.stderr)
PY
