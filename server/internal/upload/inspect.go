package upload

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"net/http"

	"golang.org/x/image/webp"
)

// picture is what an upload's header says, read before any pixel is decoded.
type picture struct {
	format        string // "jpeg", "png" or "webp"
	width, height int
	// orientation is the EXIF orientation the picture is turned by (1: none).
	orientation int
	// cost is the memory, in bytes, that decoding the picture and turning it upright allocate:
	// the decoded pixels as the decoder lays them out (16-bit samples take two bytes, a progressive
	// JPEG keeps its coefficients beside its planes), what it converts them to, and the turned copy.
	cost int64
	// mime is what the picture is stored as: image/jpeg or image/png.
	mime string
}

// hugePixels is beyond any limit: a header declaring more pixels is refused before any product
// that could overflow.
const hugePixels = 1 << 32

// inspect reads the picture's header: its format judged by content, its size, and its cost. An
// unreadable header is ErrUnsupported; nothing here allocates in proportion to what it declares.
func inspect(data []byte) (picture, error) {
	var (
		p   picture
		err error
	)
	switch http.DetectContentType(data) {
	case "image/jpeg":
		p, err = inspectJPEG(data)
	case "image/png":
		p, err = inspectPNG(data)
	case "image/webp":
		p, err = inspectWebP(data)
	default:
		return picture{}, ErrUnsupported
	}
	if err != nil || p.width <= 0 || p.height <= 0 {
		return picture{}, ErrUnsupported
	}
	if int64(p.width)*int64(p.height) > hugePixels {
		p.cost = math.MaxInt64
	}
	return p, nil
}

// PNG colour types.
const (
	pngGray      = 0
	pngRGB       = 2
	pngPalette   = 3
	pngGrayAlpha = 4
	pngRGBA      = 6
)

// inspectPNG counts the bytes a pixel takes once Go's decoder has it: 1 for grey or a palette,
// 2 for 16-bit grey, 4 for 8-bit colour or grey with alpha, 8 for 16-bit colour or grey with
// alpha. A tRNS chunk makes grey and colour images decode with alpha. An interlaced image is
// decoded pass by pass beside the whole, which may hold twice its size until collected.
func inspectPNG(data []byte) (picture, error) {
	c, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return picture{}, err
	}
	p := picture{format: "png", width: c.Width, height: c.Height, orientation: 1, mime: "image/png"}
	if int64(c.Width)*int64(c.Height) > hugePixels {
		return p, nil
	}
	// DecodeConfig has checked the signature and the IHDR chunk, which comes first.
	depth, colorType, interlaced := int64(data[24]), data[25], data[28] == 1
	trns := false
	for q := 8; q+8 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[q:]))
		kind := string(data[q+4 : q+8])
		if kind == "IDAT" || n < 0 || q+12+n > len(data) {
			break
		}
		trns = trns || kind == "tRNS"
		q += 12 + n
	}
	var perPixel, channels int64
	switch colorType {
	case pngGray:
		perPixel, channels = 1, 1
		if trns {
			perPixel = 4
		}
	case pngPalette:
		perPixel, channels = 1, 1
	case pngRGB:
		perPixel, channels = 4, 3
	case pngGrayAlpha:
		perPixel, channels = 4, 2
	case pngRGBA:
		perPixel, channels = 4, 4
	}
	if depth == 16 {
		perPixel *= 2
		if colorType == pngGray && !trns {
			perPixel = 2
		}
	}
	w, h := int64(c.Width), int64(c.Height)
	p.cost = w * h * perPixel
	if interlaced {
		p.cost *= 2
	}
	p.cost += 2 * (1 + (w*channels*depth+7)/8) // the current and previous rows, filtered
	return p, nil
}

// jpegLayout is what a JPEG's markers say about how Go's decoder lays it out.
type jpegLayout struct {
	progressive bool
	// h and v are each component's sampling factors.
	h, v []int
	ids  []byte
	jfif bool
	// adobe is set when an Adobe APP14 marker gives a colour transform.
	adobe          bool
	adobeTransform byte
}

// readJPEGLayout walks the markers up to the first scan.
func readJPEGLayout(data []byte) (jpegLayout, bool) {
	var l jpegLayout
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return l, false
	}
	for p := 2; p+4 <= len(data); {
		if data[p] != 0xFF {
			return l, false
		}
		marker := data[p+1]
		switch {
		case marker == 0xFF: // fill byte
			p++
			continue
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD8: // no length
			p += 2
			continue
		case marker == 0xD9 || marker == 0xDA: // end of image, start of scan
			return l, len(l.h) > 0
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			return l, false
		}
		seg := data[p+4 : p+2+n]
		switch {
		case marker == 0xE0 && bytes.HasPrefix(seg, []byte("JFIF\x00")):
			l.jfif = true
		case marker == 0xEE && len(seg) >= 12 && bytes.HasPrefix(seg, []byte("Adobe")):
			l.adobe, l.adobeTransform = true, seg[11]
		case (marker == 0xC0 || marker == 0xC1 || marker == 0xC2) && len(l.h) == 0:
			if len(seg) < 6 || len(seg) < 6+3*int(seg[5]) {
				return l, false
			}
			l.progressive = marker == 0xC2
			for i := range int(seg[5]) {
				c := seg[6+3*i:]
				h, v := int(c[1]>>4), int(c[1]&0x0f)
				if h < 1 || h > 4 || v < 1 || v > 4 {
					return l, false
				}
				l.ids, l.h, l.v = append(l.ids, c[0]), append(l.h, h), append(l.v, v)
			}
		}
		p += 2 + n
	}
	return l, false
}

// inspectJPEG mirrors Go's decoder: its planes are whole MCUs; a progressive image keeps 64
// int32 coefficients for each 8×8 block until the end; four components (CMYK) or RGB are
// converted into a new 4-byte-a-pixel image; and turning upright makes one more copy.
func inspectJPEG(data []byte) (picture, error) {
	c, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return picture{}, err
	}
	p := picture{format: "jpeg", width: c.Width, height: c.Height, orientation: jpegOrientation(data), mime: "image/jpeg"}
	l, ok := readJPEGLayout(data)
	if !ok || (len(l.h) != 1 && len(l.h) != 3 && len(l.h) != 4) {
		return picture{}, ErrUnsupported
	}
	if int64(c.Width)*int64(c.Height) > hugePixels {
		return p, nil
	}
	w, h := int64(c.Width), int64(c.Height)
	if len(l.h) == 1 {
		l.h[0], l.v[0] = 1, 1 // one component is never interleaved
	}
	h0, v0 := int64(l.h[0]), int64(l.v[0])
	mcuX, mcuY := (w+8*h0-1)/(8*h0), (h+8*v0-1)/(8*v0)
	var blocks int64
	for i := range l.h {
		blocks += mcuX * mcuY * int64(l.h[i]*l.v[i])
	}
	p.cost = 64 * blocks
	if l.progressive {
		p.cost += 64 * 4 * blocks
	}
	kind := decodedGray
	ratio := image.YCbCrSubsampleRatio444
	switch {
	case len(l.h) == 4, len(l.h) == 3 && !l.jfif &&
		(l.adobe && l.adobeTransform == 0 || string(l.ids) == "RGB"):
		p.cost += 4 * w * h
		kind = decodedOther
	case len(l.h) == 3:
		kind = decodedYCbCr
		var known bool
		if ratio, known = jpegRatio(l.h[0]/l.h[1], l.v[0]/l.v[1]); !known {
			return picture{}, ErrUnsupported
		}
	}
	p.cost += turnedSize(kind, ratio, c.Width, c.Height, p.orientation)
	return p, nil
}

func jpegRatio(h, v int) (image.YCbCrSubsampleRatio, bool) {
	switch h<<4 | v {
	case 0x11:
		return image.YCbCrSubsampleRatio444, true
	case 0x12:
		return image.YCbCrSubsampleRatio440, true
	case 0x21:
		return image.YCbCrSubsampleRatio422, true
	case 0x22:
		return image.YCbCrSubsampleRatio420, true
	case 0x41:
		return image.YCbCrSubsampleRatio411, true
	case 0x42:
		return image.YCbCrSubsampleRatio410, true
	}
	return 0, false
}

// webpLayout is what a WebP file's chunks say: its frame's kind and its alpha.
type webpLayout struct {
	frame           string // "VP8 " (lossy) or "VP8L" (lossless)
	alpha           bool   // an ALPH chunk
	alphaCompressed bool   // ... compressed losslessly, which decodes as a VP8L image
	exif            []byte
}

func readWebPLayout(data []byte) (webpLayout, bool) {
	var l webpLayout
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return l, false
	}
	for p := 12; p+8 <= len(data); {
		id := string(data[p : p+4])
		n := int64(binary.LittleEndian.Uint32(data[p+4:]))
		end := int64(p) + 8 + n
		if end > int64(len(data)) {
			end = int64(len(data)) // the decoder reads what is there, and fails if it needs more
		}
		body := data[p+8 : end]
		switch {
		case id == "ALPH" && l.frame == "" && len(body) > 0:
			l.alpha, l.alphaCompressed = true, body[0]&0x03 == 1
		case (id == "VP8 " || id == "VP8L") && l.frame == "":
			l.frame = id
		case id == "EXIF" && l.exif == nil:
			l.exif = body
		}
		p = int(end + n%2)
	}
	return l, l.frame != ""
}

// inspectWebP mirrors golang.org/x/image/webp: a lossy frame decodes into 4:2:0 planes of whole
// 16×16 macroblocks, and the decoder copies the frame's partitions; alpha is a plane of its own,
// decoded through a lossless image of 4 bytes a pixel when compressed; a lossless image is 4
// bytes a pixel, and 4 more when its palette is expanded. A picture with alpha, or lossless, is
// stored as PNG; a lossy one as JPEG (Go has no WebP encoder).
func inspectWebP(data []byte) (picture, error) {
	c, err := webp.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return picture{}, err
	}
	l, ok := readWebPLayout(data)
	if !ok {
		return picture{}, ErrUnsupported
	}
	p := picture{format: "webp", width: c.Width, height: c.Height, orientation: 1, mime: "image/png"}
	if l.exif != nil {
		p.orientation = tiffOrientation(bytes.TrimPrefix(l.exif, []byte("Exif\x00\x00")))
	}
	if int64(c.Width)*int64(c.Height) > hugePixels {
		return p, nil
	}
	w, h := int64(c.Width), int64(c.Height)
	kind := decodedOther
	if l.frame == "VP8L" {
		p.cost = 8 * w * h
	} else {
		mbw, mbh := (w+15)/16, (h+15)/16
		p.cost = 384*mbw*mbh + 8*mbw*mbh + int64(len(data))
		switch {
		case l.alpha && l.alphaCompressed:
			p.cost += w*h + 8*w*h
		case l.alpha:
			p.cost += w * h
		default:
			kind, p.mime = decodedYCbCr, "image/jpeg"
		}
	}
	p.cost += turnedSize(kind, image.YCbCrSubsampleRatio420, c.Width, c.Height, p.orientation)
	return p, nil
}

// Kinds of decoded image, by what orient makes of them.
const (
	decodedGray  = iota // *image.Gray: one byte a pixel
	decodedYCbCr        // *image.YCbCr: its planes, turned as planes
	decodedOther        // anything else: four bytes a pixel
)

// turnedSize is what orient allocates to turn a decoded w×h image by orientation o.
func turnedSize(kind int, ratio image.YCbCrSubsampleRatio, w, h, o int) int64 {
	if o <= 1 || o > 8 {
		return 0
	}
	if o >= 5 {
		w, h = h, w
	}
	switch kind {
	case decodedGray:
		return int64(w) * int64(h)
	case decodedYCbCr:
		if r, ok := turnedRatio(ratio, o); ok {
			return ycbcrSize(w, h, r)
		}
	}
	return 4 * int64(w) * int64(h)
}

// ycbcrSize is what image.NewYCbCr allocates for a w×h image at the origin.
func ycbcrSize(w, h int, r image.YCbCrSubsampleRatio) int64 {
	cw, ch := w, h
	switch r {
	case image.YCbCrSubsampleRatio422:
		cw = (w + 1) / 2
	case image.YCbCrSubsampleRatio420:
		cw, ch = (w+1)/2, (h+1)/2
	case image.YCbCrSubsampleRatio440:
		ch = (h + 1) / 2
	case image.YCbCrSubsampleRatio411:
		cw = (w + 3) / 4
	case image.YCbCrSubsampleRatio410:
		cw, ch = (w+3)/4, (h+1)/2
	}
	return int64(w)*int64(h) + 2*int64(cw)*int64(ch)
}
