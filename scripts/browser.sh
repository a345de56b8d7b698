#!/usr/bin/env bash
# Debian's Chromium (never a downloaded browser) and CJK fonts, so Chinese renders in screenshots.
set -eu
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto.*CJK"; then
  exit 0
fi
echo "Installing Debian's chromium and fonts-noto-cjk"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
