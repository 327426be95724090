#!/usr/bin/env bash
# End-to-end tests: builds, makes sure Debian's Chromium is there, then runs Playwright.
# Screenshots of every screen land in test-results/screenshots/<project>/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
# setup-system.sh installs Debian's chromium when it is missing (CAIRN_CHROMIUM names another).
[ -n "${CAIRN_CHROMIUM:-}" ] || bash scripts/setup-system.sh
npm run build
npx playwright test "$@"
