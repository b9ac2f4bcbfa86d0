package upload

import (
	"encoding/binary"
	"image"
	"image/color"
)

// jpegOrientation reads the EXIF orientation (1–8) of a JPEG; 1 when there is none.
func jpegOrientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1
	}
	for p := 2; p+4 <= len(data); {
		if data[p] != 0xFF {
			return 1
		}
		marker := data[p+1]
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[p+2 : p+4]))
		if n < 2 || p+2+n > len(data) {
			return 1
		}
		seg := data[p+4 : p+2+n]
		if marker == 0xE1 && len(seg) > 14 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		p += 2 + n
	}
	return 1
}

func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	ifd := int(bo.Uint32(t[4:8]))
	if ifd < 8 || ifd+2 > len(t) {
		return 1
	}
	entries := int(bo.Uint16(t[ifd : ifd+2]))
	for i := range entries {
		e := ifd + 2 + 12*i
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:e+2]) == 0x0112 {
			o := int(bo.Uint16(t[e+8 : e+10]))
			if o >= 1 && o <= 8 {
				return o
			}
			return 1
		}
	}
	return 1
}

// orient turns an image the way its EXIF orientation says, so it displays upright without it.
// The planes of a YCbCr image are turned as they are (a quarter turn swaps the subsampling:
// 4:2:2 becomes 4:4:0), so a phone's photo takes one more copy of its planes and nothing else;
// grey, RGBA, NRGBA and CMYK images are copied pixel by pixel; anything else is drawn into an
// NRGBA image as it turns. turnedSize says what each allocates.
func orient(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	r := image.Rect(0, 0, dw, dh)
	switch m := img.(type) {
	case *image.YCbCr:
		ratio, ok := turnedRatio(m.SubsampleRatio, o)
		if !ok || b.Min != (image.Point{}) {
			break
		}
		dst := image.NewYCbCr(r, ratio)
		turnPlane(dst.Y, dst.YStride, m.Y[m.YOffset(0, 0):], m.YStride, w, h, 1, o)
		cw, ch := chromaSize(m.SubsampleRatio, w, h)
		turnPlane(dst.Cb, dst.CStride, m.Cb[m.COffset(0, 0):], m.CStride, cw, ch, 1, o)
		turnPlane(dst.Cr, dst.CStride, m.Cr[m.COffset(0, 0):], m.CStride, cw, ch, 1, o)
		return dst
	case *image.Gray:
		dst := image.NewGray(r)
		turnPlane(dst.Pix, dst.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 1, o)
		return dst
	case *image.RGBA:
		dst := image.NewRGBA(r)
		turnPlane(dst.Pix, dst.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 4, o)
		return dst
	case *image.NRGBA:
		dst := image.NewNRGBA(r)
		turnPlane(dst.Pix, dst.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 4, o)
		return dst
	case *image.CMYK:
		dst := image.NewCMYK(r)
		turnPlane(dst.Pix, dst.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 4, o)
		return dst
	}
	// What remains: YCbCr whose subsampling has no turned form, NYCbCrA (a WebP with alpha),
	// and any other type, read without boxing a colour for every pixel where the type allows.
	at := func(x, y int) color.NRGBA { return color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA) }
	switch m := img.(type) {
	case *image.YCbCr:
		at = func(x, y int) color.NRGBA {
			c := m.YCbCrAt(x, y)
			r, g, b := color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
			return color.NRGBA{R: r, G: g, B: b, A: 0xff}
		}
	case *image.NYCbCrA:
		at = func(x, y int) color.NRGBA {
			c := m.NYCbCrAAt(x, y)
			r, g, b := color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
			return color.NRGBA{R: r, G: g, B: b, A: c.A}
		}
	}
	dst := image.NewNRGBA(r)
	for y := range h {
		for x := range w {
			dx, dy := turnPoint(x, y, w, h, o)
			c := at(b.Min.X+x, b.Min.Y+y)
			i := dst.PixOffset(dx, dy)
			dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = c.R, c.G, c.B, c.A
		}
	}
	return dst
}

// turnedRatio is the subsampling of YCbCr planes turned by o: a quarter turn swaps the
// horizontal and the vertical; 4:1:1 and 4:1:0 have no turned form among Go's ratios.
func turnedRatio(r image.YCbCrSubsampleRatio, o int) (image.YCbCrSubsampleRatio, bool) {
	if o < 5 {
		return r, true
	}
	switch r {
	case image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio420:
		return r, true
	case image.YCbCrSubsampleRatio422:
		return image.YCbCrSubsampleRatio440, true
	case image.YCbCrSubsampleRatio440:
		return image.YCbCrSubsampleRatio422, true
	}
	return r, false
}

// chromaSize is the size of the chroma planes of a w×h image at the origin (image.NewYCbCr's).
func chromaSize(r image.YCbCrSubsampleRatio, w, h int) (int, int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return (w + 1) / 2, h
	case image.YCbCrSubsampleRatio420:
		return (w + 1) / 2, (h + 1) / 2
	case image.YCbCrSubsampleRatio440:
		return w, (h + 1) / 2
	case image.YCbCrSubsampleRatio411:
		return (w + 3) / 4, h
	case image.YCbCrSubsampleRatio410:
		return (w + 3) / 4, (h + 1) / 2
	}
	return w, h
}

// turnPoint is where (x, y) of a w×h image goes when turned by o.
func turnPoint(x, y, w, h, o int) (int, int) {
	switch o {
	case 2:
		return w - 1 - x, y
	case 3:
		return w - 1 - x, h - 1 - y
	case 4:
		return x, h - 1 - y
	case 5:
		return y, x
	case 6:
		return h - 1 - y, x
	case 7:
		return h - 1 - y, w - 1 - x
	case 8:
		return y, w - 1 - x
	}
	return x, y
}

// turnPlane copies a w×h plane of size-byte pixels into dst, turned by o. Along a source row
// the destination moves by a fixed step, so the turn is a copy with a stride.
func turnPlane(dst []byte, dstStride int, src []byte, srcStride, w, h, size, o int) {
	var step int
	switch o {
	case 2, 3:
		step = -size
	case 4:
		step = size
	case 5, 6:
		step = dstStride
	case 7, 8:
		step = -dstStride
	}
	for y := range h {
		dx, dy := turnPoint(0, y, w, h, o)
		di, si := dy*dstStride+dx*size, y*srcStride
		if size == 1 {
			for x := range w {
				dst[di] = src[si+x]
				di += step
			}
			continue
		}
		for range w {
			copy(dst[di:di+size], src[si:si+size])
			si += size
			di += step
		}
	}
}
