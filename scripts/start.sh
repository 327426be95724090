#!/usr/bin/env bash
# Sets up and runs Cairn from a checkout: the desktop app where Electron can start; otherwise
# one line saying why, and the same UI in web mode (`cairn serve`), whose address it prints.
# Arguments go to `cairn serve` (e.g. --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
stale=$(find electron shared renderer -newer dist/cli/cairn.js \( -name '*.ts' -o -name '*.tsx' -o -name '*.css' \) -print -quit 2>/dev/null || true)
if [ ! -f dist/cli/cairn.js ] || [ ! -f dist/renderer/index.html ] || [ -n "$stale" ]; then
  echo "Building Cairn…"
  npm run build >/dev/null
fi

# Where the Electron binary is, without triggering its download (requiring the package would).
electron_binary() {
  if [ -n "${ELECTRON_OVERRIDE_DIST_PATH:-}" ]; then
    echo "$ELECTRON_OVERRIDE_DIST_PATH/electron"
  elif [ -f node_modules/electron/path.txt ]; then
    echo "node_modules/electron/dist/$(cat node_modules/electron/path.txt)"
  else
    return 1
  fi
}

why=""
if [ "$(uname -s)" = Linux ] && [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  why="there is no display (DISPLAY and WAYLAND_DISPLAY are unset)"
elif ! electron_bin=$(electron_binary) || [ ! -x "$electron_bin" ]; then
  why="the Electron binary is not installed (it is downloaded on first use, which failed or was not possible here)"
fi
if [ -z "$why" ]; then
  exec "$electron_bin" .
fi
echo "Cairn: cannot open the desktop app because $why; serving the same UI in your browser instead."
exec node dist/cli/cairn.js serve "$@"
