#!/usr/bin/env bash
# Sets up and runs Cairn from a checkout. Until the desktop app lands this does the CLI's main
# job: backs up the folder you name (or a small demo folder) into a repository under Cairn's
# folder (CAIRN_HOME), then lists the snapshots.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
[ -f dist/electron/cli/index.js ] && [ -z "$(find electron shared -newer dist/electron/cli/index.js -name '*.ts' -print -quit)" ] || npm run build >/dev/null
CAIRN="node dist/electron/cli/index.js"
home=$(node --input-type=module -e "import('./dist/electron/engine/util/paths.js').then(m => console.log(m.cairnHome()))")
repo="${CAIRN_REPOSITORY:-$home/repository}"
folder="${1:-}"
if [ -z "$folder" ]; then
  folder="$home/demo"
  mkdir -p "$folder/notes"
  [ -f "$folder/notes/welcome.md" ] || printf '# Welcome to Cairn\n\nThis demo folder was backed up by `npm start`.\n' >"$folder/notes/welcome.md"
  echo "No folder named; backing up the demo folder $folder (run: npm start -- ~/Documents)"
fi
if [ -z "${CAIRN_PASSWORD:-}${CAIRN_PASSWORD_FILE:-}" ] && [ -t 0 ]; then
  read -r -s -p "Repository password: " CAIRN_PASSWORD; echo
  export CAIRN_PASSWORD
fi
if [ ! -f "$repo/config" ]; then
  echo "Creating the repository $repo"
  $CAIRN init --repo "$repo"
fi
set +e
$CAIRN backup "$folder" --repo "$repo"
code=$?
set -e
$CAIRN snapshots --repo "$repo"
exit $code
