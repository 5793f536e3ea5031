# Sourced by run-api.sh and test.sh: the font receipts' PDFs are set in (IPAex Gothic, Debian's
# fonts-ipaexfont-gothic; its licence allows embedding). Installed with apt when missing and we are
# root; otherwise says what to install. The API finds it at Receipts:FontPath (this path by default).
ASSEMBLE_RECEIPT_FONT="${Receipts__FontPath:-/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf}"

assemble_receipt_font_ensure() {
  [ -r "$ASSEMBLE_RECEIPT_FONT" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "receipt-font: $ASSEMBLE_RECEIPT_FONT is missing; receipts' PDFs answer 503 without it." >&2
    echo "receipt-font: install it, e.g.  sudo apt-get install fonts-ipaexfont-gothic" >&2
    return 0
  fi
  echo "receipt-font: installing fonts-ipaexfont-gothic with apt-get..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-ipaexfont-gothic >/dev/null 2>&1 \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-ipaexfont-gothic >/dev/null; } \
    || echo "receipt-font: apt-get could not install fonts-ipaexfont-gothic; receipts' PDFs answer 503 without it." >&2
  return 0
}
