#!/usr/bin/env bash
# The whole test suite, as a new machine runs it: system packages, build, lint, types, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
bash scripts/setup-system.sh
npm run build
npm run lint
npm run typecheck
npx vitest run "$@"
# The UI end to end: Chromium against `cairn serve` (Electron too, where a binary is present).
npx playwright test
