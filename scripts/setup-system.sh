#!/usr/bin/env bash
# Installs the Debian packages Cairn's tests and benchmarks use, when they are missing:
#   restic, borgbackup  — reference tools for `npm run bench`
#   util-linux (setpriv) — runs a test as an unprivileged user (unreadable-file tests)
#   time (GNU) — peak memory of each command in the bench
#   gnome-keyring, dbus, dbus-x11 — the real Secret Service for keychain tests (dbus-run-session)
#   chromium   — the browser the e2e tests drive (Playwright, web mode)
#   rclone     — real WebDAV, SFTP and REST (restic protocol) servers for the target tests
#   unzip      — unpacks the archives `cairn export` writes (export tests)
# Later issues add xvfb here.
# It needs root (or sudo) and apt-get; otherwise it says what to install and carries on.
set -u
PACKAGES=(restic borgbackup util-linux time gnome-keyring dbus dbus-x11 chromium rclone unzip)
[ -n "${CAIRN_EXTRA_PACKAGES:-}" ] && PACKAGES+=(${CAIRN_EXTRA_PACKAGES})

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: apt-get not found; install these yourself: ${missing[*]} (tests that need them will be skipped)" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "setup: not root and no sudo; install these yourself: ${missing[*]} (tests that need them will be skipped)" >&2
    exit 0
  fi
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null || echo "setup: apt-get update failed" >&2
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
  echo "setup: could not install ${missing[*]}; tests that need them will be skipped" >&2
exit 0
