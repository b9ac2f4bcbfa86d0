#!/usr/bin/env bash
# Makes sure Debian's Chromium (for the console's browser tests) and a Chinese font (so the pages
# and their screenshots show Chinese) are installed. Browsers are never downloaded by the test
# tools: they come from the system's packages.
set -euo pipefail
say() { echo "browser: $*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi 'CJK' || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  say "cannot install ${need[*]} here (no apt-get): install Chromium and set CHROMIUM_PATH"
  exit 1
fi
say "installing ${need[*]}"
as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need[@]}" >/dev/null
