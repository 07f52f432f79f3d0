#!/usr/bin/env bash
# Runs the browser walk of the HTML pages (walk.mjs) for ctest:
#   run.sh TASKSTORE_BINARY ARTIFACTS_DIR
# Fails, never skips, when a prerequisite is missing, and names the setup
# step that provides it: a test that quietly skips hides a broken setup.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

missing() {
  echo "browser test: $1 is missing; run 'bash scripts/setup.sh'," \
       "which $2" >&2
  exit 1
}
[ -x /usr/bin/chromium ] ||
  missing /usr/bin/chromium "installs Debian's chromium package with apt"
command -v node >/dev/null ||
  missing node "installs Debian's nodejs package with apt"
[ -f "$here/node_modules/playwright-core/package.json" ] ||
  missing "$here/node_modules/playwright-core" \
    "runs 'npm ci' in tests/browser from its package-lock.json"

exec node "$here/walk.mjs" "$@"
