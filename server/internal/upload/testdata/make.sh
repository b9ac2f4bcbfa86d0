#!/usr/bin/env bash
# Remakes the fixtures the upload tests decode: JPEG layouts Go's encoder cannot write
# (progressive, 4:4:4, 4:2:2, 4:4:0, 4:1:1, RGB, grey) and WebP files (Go has no WebP encoder).
# Needs python3, cjpeg (libjpeg-turbo-progs) and cwebp (webp). The picture is a 512×384 gradient,
# with a transparent corner in the RGBA source, so each file is small. cmyk.jpg is not made here:
# it is Go's src/image/testdata/video-001.cmyk.jpeg (BSD licence), as cjpeg writes no CMYK.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp" <<'PY'
import sys
w, h = 512, 384
d = sys.argv[1]
rgb = bytearray()
rgba = bytearray()
few = bytearray()
for y in range(h):
    for x in range(w):
        r, g, b = x * 255 // w, y * 255 // h, (x + y) * 255 // (w + h)
        a = 0 if x < 64 and y < 64 else 255
        rgb += bytes((r, g, b))
        rgba += bytes((r, g, b, a))
        few += bytes((r & 0xC0, g & 0xC0, 0x80))
open(d + "/rgb.ppm", "wb").write(b"P6\n%d %d\n255\n" % (w, h) + rgb)
open(d + "/few.ppm", "wb").write(b"P6\n%d %d\n255\n" % (w, h) + few)
open(d + "/rgba.pam", "wb").write(b"P7\nWIDTH %d\nHEIGHT %d\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n" % (w, h) + rgba)
PY
cjpeg -quality 60 -sample 2x2 -progressive "$tmp/rgb.ppm" >420.progressive.jpg
cjpeg -quality 60 -sample 1x1 -progressive "$tmp/rgb.ppm" >444.progressive.jpg
cjpeg -quality 60 -sample 1x1 "$tmp/rgb.ppm" >444.jpg
cjpeg -quality 60 -sample 2x1 "$tmp/rgb.ppm" >422.jpg
cjpeg -quality 60 -sample 1x2 "$tmp/rgb.ppm" >440.jpg
cjpeg -quality 60 -sample 4x1 "$tmp/rgb.ppm" >411.jpg
cjpeg -quality 60 -grayscale -progressive "$tmp/rgb.ppm" >gray.progressive.jpg
cjpeg -quality 60 -rgb "$tmp/rgb.ppm" >rgb.jpg
cwebp -quiet -q 60 "$tmp/rgb.ppm" -o lossy.webp
cwebp -quiet -q 60 "$tmp/rgba.pam" -o lossy-alpha.webp
cwebp -quiet -lossless "$tmp/rgb.ppm" -o lossless.webp
cwebp -quiet -lossless "$tmp/few.ppm" -o lossless-palette.webp
