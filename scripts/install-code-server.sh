#!/usr/bin/env bash
# Installs code-server (VS Code 1.100.3 in a browser) into a cache folder for the offline
# extension-host tests. Its own postinstall cannot run here (it downloads ripgrep and needs
# unsafe-perm as root), so we run the steps it would run ourselves; see ../shared/harness.md.
set -euo pipefail
VERSION="4.100.3"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${CODE_SERVER_CACHE:-$ROOT/.vscode-test/code-server-$VERSION}"
MARKER="$CACHE/.installed"
if [[ -f "$MARKER" ]]; then
  echo "code-server $VERSION already installed in $CACHE"
  exit 0
fi
for bin in rg chromium; do
  command -v "$bin" >/dev/null || { echo "missing $bin: run .ci/run or apt-get install ripgrep chromium libkrb5-dev" >&2; exit 1; }
done
rm -rf "$CACHE"
mkdir -p "$CACHE"
cd "$CACHE"
echo '{"name":"code-server-cache","private":true}' > package.json
npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION" >/dev/null
CS="$CACHE/node_modules/code-server"
cd "$CS/lib/vscode"
npm install --no-audit --no-fund --omit=dev --ignore-scripts >/dev/null
npm_config_yes=true npm rebuild kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid >/dev/null
ln -sfn node_modules node_modules.asar
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sfn "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
cd "$CS/lib/vscode/extensions"
npm install --no-audit --no-fund --omit=dev --ignore-scripts >/dev/null
cd "$CS"
npm rebuild argon2 >/dev/null
touch "$MARKER"
echo "code-server $VERSION installed in $CACHE"
