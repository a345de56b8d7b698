#!/usr/bin/env bash
# LibreOffice Writer without a GUI (renders the annual summary's Word file to PDF), poppler's
# pdftotext/pdftoppm (the tests read that PDF) and the CJK fonts the 公文 fonts fall back to.
set -eu
if command -v soffice >/dev/null && command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null \
  && fc-list 2>/dev/null | grep -qi "Noto Serif CJK SC" && fc-list 2>/dev/null | grep -qi "AR PL UKai CN"; then
  exit 0
fi
echo "Installing Debian's libreoffice-writer-nogui, poppler-utils and CJK fonts"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui poppler-utils fonts-noto-cjk fonts-arphic-ukai >/dev/null
