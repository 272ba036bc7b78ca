#!/usr/bin/env bash
# Install the external template validators used by the test suite, pinned:
#   .tools/venv                      cfn-lint + checkov (Python venv)
#   .tools/node/node_modules/.bin    cdk (AWS CDK CLI, for `cdk ls` on cloud assemblies)
#                                    cdk-assets (reads the asset manifests of Lambda code assets)
#
# Idempotent: each tool is checked by version and only (re)installed when it is
# missing or at the wrong version. Only package registries are used (PyPI, npm).
# Progress goes to stderr.
set -euo pipefail

cd "$(dirname "$0")/.."

CFN_LINT_VERSION="1.58.0"
CHECKOV_VERSION="3.3.30"
CDK_VERSION="2.1148.1"
CDK_ASSETS_VERSION="4.7.3"

TOOLS_DIR=".tools"
VENV_DIR="$TOOLS_DIR/venv"
NODE_DIR="$TOOLS_DIR/node"

log() { printf 'setup-validators: %s\n' "$*" >&2; }
die() { printf 'setup-validators: ERROR: %s\n' "$*" >&2; exit 1; }

# Installed version of a Python distribution inside the venv, or empty.
# Reads package metadata instead of running the tool (checkov takes seconds to start).
venv_pkg_version() {
    [ -x "$VENV_DIR/bin/python" ] || return 0
    "$VENV_DIR/bin/python" - "$1" <<'PY' 2>/dev/null || true
import sys
from importlib.metadata import version, PackageNotFoundError
try:
    print(version(sys.argv[1]))
except PackageNotFoundError:
    pass
PY
}

# Installed version of an npm package under .tools/node, or empty.
node_pkg_version() {
    local pj="$NODE_DIR/node_modules/$1/package.json"
    [ -f "$pj" ] || return 0
    node -e 'process.stdout.write(require(process.argv[1]).version || "")' "$PWD/$pj" 2>/dev/null || true
}

# ---------------------------------------------------------------- Python tools
setup_python() {
    local have_lint have_checkov
    have_lint="$(venv_pkg_version cfn-lint)"
    have_checkov="$(venv_pkg_version checkov)"
    if [ "$have_lint" = "$CFN_LINT_VERSION" ] && [ "$have_checkov" = "$CHECKOV_VERSION" ] \
        && [ -x "$VENV_DIR/bin/cfn-lint" ] && [ -x "$VENV_DIR/bin/checkov" ]; then
        log "cfn-lint $have_lint and checkov $have_checkov already installed in $VENV_DIR"
        return 0
    fi

    command -v python3 >/dev/null 2>&1 \
        || die "python3 not found on PATH; install Python 3 (3.9+) with the venv module"

    if [ ! -x "$VENV_DIR/bin/python" ] || ! "$VENV_DIR/bin/python" -c 'import sys' >/dev/null 2>&1; then
        log "creating Python venv at $VENV_DIR"
        rm -rf "$VENV_DIR"
        mkdir -p "$TOOLS_DIR"
        python3 -m venv "$VENV_DIR" \
            || die "python3 -m venv failed; install the venv module (Debian: apt-get install python3-venv)"
    fi

    log "installing cfn-lint==$CFN_LINT_VERSION checkov==$CHECKOV_VERSION" \
        "(have: cfn-lint '${have_lint:-none}', checkov '${have_checkov:-none}'; this can take a minute)"
    "$VENV_DIR/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
        "cfn-lint==$CFN_LINT_VERSION" "checkov==$CHECKOV_VERSION" >&2 \
        || die "pip install of cfn-lint/checkov failed"

    have_lint="$(venv_pkg_version cfn-lint)"
    have_checkov="$(venv_pkg_version checkov)"
    [ "$have_lint" = "$CFN_LINT_VERSION" ] || die "cfn-lint is '$have_lint' after install, wanted $CFN_LINT_VERSION"
    [ "$have_checkov" = "$CHECKOV_VERSION" ] || die "checkov is '$have_checkov' after install, wanted $CHECKOV_VERSION"
    log "installed cfn-lint $have_lint, checkov $have_checkov"
}

# ---------------------------------------------------------------- AWS CDK CLI
setup_cdk() {
    local have
    if command -v node >/dev/null 2>&1; then
        have="$(node_pkg_version aws-cdk)"
    else
        have=""
    fi
    if [ "$have" = "$CDK_VERSION" ] && [ -x "$NODE_DIR/node_modules/.bin/cdk" ]; then
        log "aws-cdk $have already installed in $NODE_DIR"
        return 0
    fi

    command -v npm >/dev/null 2>&1 || die "npm not found on PATH; install Node.js (18+) with npm"
    command -v node >/dev/null 2>&1 || die "node not found on PATH; install Node.js (18+)"

    log "installing aws-cdk@$CDK_VERSION into $NODE_DIR (have: '${have:-none}')"
    mkdir -p "$NODE_DIR"
    npm install --prefix "$NODE_DIR" --no-audit --no-fund --no-update-notifier --loglevel=error \
        "aws-cdk@$CDK_VERSION" >&2 \
        || die "npm install aws-cdk@$CDK_VERSION failed"

    have="$(node_pkg_version aws-cdk)"
    [ "$have" = "$CDK_VERSION" ] || die "aws-cdk is '$have' after install, wanted $CDK_VERSION"
    [ -x "$NODE_DIR/node_modules/.bin/cdk" ] || die "$NODE_DIR/node_modules/.bin/cdk missing after install"
    log "installed aws-cdk $have"
}

# ---------------------------------------------------------------- cdk-assets
setup_cdk_assets() {
    local have
    have="$(node_pkg_version cdk-assets)"
    if [ "$have" = "$CDK_ASSETS_VERSION" ] && [ -x "$NODE_DIR/node_modules/.bin/cdk-assets" ]; then
        log "cdk-assets $have already installed in $NODE_DIR"
        return 0
    fi
    log "installing cdk-assets@$CDK_ASSETS_VERSION into $NODE_DIR (have: '${have:-none}')"
    npm install --prefix "$NODE_DIR" --no-audit --no-fund --no-update-notifier --loglevel=error \
        "aws-cdk@$CDK_VERSION" "cdk-assets@$CDK_ASSETS_VERSION" >&2 \
        || die "npm install cdk-assets@$CDK_ASSETS_VERSION failed"
    have="$(node_pkg_version cdk-assets)"
    [ "$have" = "$CDK_ASSETS_VERSION" ] || die "cdk-assets is '$have' after install, wanted $CDK_ASSETS_VERSION"
    log "installed cdk-assets $have"
}

setup_python
setup_cdk
setup_cdk_assets
log "validators ready: $VENV_DIR/bin/cfn-lint, $VENV_DIR/bin/checkov, $NODE_DIR/node_modules/.bin/cdk"
