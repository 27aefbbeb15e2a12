# Chromium for the cart example's browser test (examples/cart/test/browser.test.ts), driven by
# playwright-core: Debian's package, since `playwright install` cannot download browsers here.
# Sourced by .ci/run (set -euo pipefail in force); idempotent: installs only when missing.

if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
/usr/bin/chromium --version 2>/dev/null | head -1 || true

export CHROMIUM_PATH=/usr/bin/chromium
require_backend chromium
