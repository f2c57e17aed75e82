#!/usr/bin/env bash
# Installs code-server (VS Code 1.100.3 served to a browser) into a cache folder for the offline
# extension-host tests. Its own postinstall cannot run here (it downloads ripgrep and needs
# unsafe-perm as root), so we run the steps it would run ourselves; see shared/harness.md.
# Idempotent: a marker file is written only after the installed server answered --version, so an
# interrupted or broken install is redone on the next call. Output of each step goes to a log that
# is printed when the step fails.
set -euo pipefail
VERSION="4.100.3"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${CODE_SERVER_CACHE:-$ROOT/.vscode-test/code-server-$VERSION}"
MARKER="$CACHE/.installed"
ENTRY="$CACHE/node_modules/code-server/out/node/entry.js"
if [[ -f "$MARKER" ]] && node "$ENTRY" --version >/dev/null 2>&1; then
  echo "code-server $VERSION already installed in $CACHE"
  exit 0
fi
for bin in rg chromium; do
  command -v "$bin" >/dev/null || { echo "missing $bin: run .ci/run or apt-get install ripgrep chromium libkrb5-dev" >&2; exit 1; }
done
[[ -e /usr/include/krb5.h || -e /usr/include/gssapi/gssapi.h ]] || { echo "missing libkrb5-dev (kerberos addon headers): apt-get install libkrb5-dev" >&2; exit 1; }

STARTED=$SECONDS
LOG="$(mktemp -t code-server-install.XXXXXX.log)"
step() {
  # step DESCRIPTION COMMAND...: runs COMMAND with output in $LOG; on failure prints the log's tail.
  local what="$1"; shift
  echo "  $what"
  if ! "$@" >>"$LOG" 2>&1; then
    echo "code-server install failed at: $what (log: $LOG)" >&2
    tail -n 40 "$LOG" >&2
    exit 1
  fi
}

echo "installing code-server $VERSION into $CACHE"
rm -rf "$CACHE"
mkdir -p "$CACHE"
cd "$CACHE"
echo '{"name":"code-server-cache","private":true}' > package.json
step "npm install code-server@$VERSION (no scripts)" npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION"
# argon2 (password hashing; loaded even with --auth none) is hoisted to the cache's node_modules,
# so it is rebuilt from the cache root, not from inside code-server.
step "build argon2" npm rebuild argon2
CS="$CACHE/node_modules/code-server"
cd "$CS/lib/vscode"
step "npm install VS Code server modules" npm install --no-audit --no-fund --omit=dev --ignore-scripts
step "build native modules" env npm_config_yes=true npm rebuild kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid
ln -sfn node_modules node_modules.asar
# @vscode/ripgrep's postinstall downloads rg; use Debian's instead.
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sfn "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
cd "$CS/lib/vscode/extensions"
step "npm install built-in extensions' modules" npm install --no-audit --no-fund --omit=dev --ignore-scripts
step "check: code-server --version" node "$ENTRY" --version
touch "$MARKER"
rm -f "$LOG"
echo "code-server $VERSION installed in $CACHE in $((SECONDS - STARTED)) s"
