#!/usr/bin/env bash
# End-to-end tests: builds, makes sure Debian's Chromium is there, then runs Playwright.
# Screenshots of every screen land in test-results/screenshots/<project>/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
if [ ! -x /usr/bin/chromium ] && [ -z "${CAIRN_CHROMIUM:-}" ]; then
  CAIRN_EXTRA_PACKAGES=chromium bash scripts/setup-system.sh
fi
npm run build
npx playwright test "$@"
