#!/usr/bin/env bash
# Regenerates the installer icons from assets/vigil-icon.svg:
#   linux/Vigil.png (512 px, jpackage --icon on Linux), windows/Vigil.ico (16–256 px),
#   macos/Vigil.icns (16–1024 px, PNG entries). Needs rsvg-convert, ImageMagick (convert), python3.
# The outputs are committed, so building an installer does not need these tools.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
svg="$here/../assets/vigil-icon.svg"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

for size in 16 32 48 64 128 256 512 1024; do
  rsvg-convert -w "$size" -h "$size" -o "$tmp/$size.png" "$svg"
done

cp "$tmp/512.png" "$here/linux/Vigil.png"
convert "$tmp/16.png" "$tmp/32.png" "$tmp/48.png" "$tmp/64.png" "$tmp/128.png" "$tmp/256.png" "$here/windows/Vigil.ico"

# ICNS: 'icns' + big-endian total length, then entries of (OSType, length incl. 8-byte header, PNG data).
# Modern macOS reads PNG payloads for these types; png2icns is not needed.
python3 - "$tmp" "$here/macos/Vigil.icns" <<'PY'
import struct, sys
src, out = sys.argv[1], sys.argv[2]
types = [("icp4", 16), ("icp5", 32), ("icp6", 64), ("ic07", 128), ("ic08", 256), ("ic09", 512), ("ic10", 1024)]
body = b""
for ostype, size in types:
    data = open(f"{src}/{size}.png", "rb").read()
    body += ostype.encode("ascii") + struct.pack(">I", len(data) + 8) + data
open(out, "wb").write(b"icns" + struct.pack(">I", len(body) + 8) + body)
PY
echo "icons written under $here"
