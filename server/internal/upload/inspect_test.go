package upload

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"runtime"
	"testing"

	"github.com/linli/linli/server/internal/upload/uploadtest"
)

// gradient is a w×h picture of colour m, with a transparent top-left corner for models with
// alpha.
func gradient(w, h int, m color.Model) image.Image {
	var img interface {
		image.Image
		Set(x, y int, c color.Color)
	}
	r := image.Rect(0, 0, w, h)
	switch m {
	case color.GrayModel:
		img = image.NewGray(r)
	case color.Gray16Model:
		img = image.NewGray16(r)
	case color.RGBAModel:
		img = image.NewRGBA(r)
	case color.RGBA64Model:
		img = image.NewRGBA64(r)
	case color.NRGBA64Model:
		img = image.NewNRGBA64(r)
	case nil:
		img = image.NewPaletted(r, color.Palette{color.Black, color.White, color.RGBA{R: 255, A: 255}, color.RGBA{B: 255, A: 255}})
	default:
		img = image.NewNRGBA(r)
	}
	for y := range h {
		for x := range w {
			c := color.NRGBA{R: uint8(x), G: uint8(y), B: uint8(x + y), A: 255}
			if x < 16 && y < 16 {
				c.A = 0
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// interlacedGray is a w×h 8-bit grey PNG written in Adam7 passes (Go writes no interlaced PNG).
func interlacedGray(w, h int) []byte {
	passes := []struct{ x0, y0, dx, dy int }{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}
	var raw bytes.Buffer
	for _, p := range passes {
		for y := p.y0; y < h; y += p.dy {
			if p.x0 >= w {
				break
			}
			raw.WriteByte(0)
			for x := p.x0; x < w; x += p.dx {
				raw.WriteByte(uint8(x ^ y))
			}
		}
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw.Bytes())
	zw.Close()
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		out.Write(binary.BigEndian.AppendUint32(nil, uint32(len(data))))
		out.WriteString(kind)
		out.Write(data)
		out.Write(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(append([]byte(kind), data...))))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	chunk("IHDR", append(ihdr, 8, 0, 0, 0, 1))
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// allocated is how many bytes f allocates.
func allocated(f func()) int64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return int64(after.TotalAlloc - before.TotalAlloc)
}

// TestCostCoversWhatDecodingAllocates holds the estimate made from the header to what Go's
// decoders and orient really allocate, for every layout they decode differently: never less
// (else a cap on the estimate would not bound memory), nor much more (else ordinary pictures
// would be refused). A new Go or x/image whose decoder allocates more fails here.
// Not parallel: it counts the process's allocations.
func TestCostCoversWhatDecodingAllocates(t *testing.T) {
	const w, h = 512, 384
	gray := encodePNG(t, gradient(w, h, color.GrayModel))
	gray16 := encodePNG(t, gradient(w, h, color.Gray16Model))
	baseline := encodeJPEG(t, gradient(w, h, color.RGBAModel))
	tests := []struct {
		name string
		give []byte
	}{
		{"png grey", gray},
		{"png grey with tRNS", uploadtest.PNGWithChunk(gray, "tRNS", []byte{0, 7})},
		{"png grey 16-bit", gray16},
		{"png grey 16-bit with tRNS", uploadtest.PNGWithChunk(gray16, "tRNS", []byte{0, 7})},
		{"png rgb", encodePNG(t, gradient(w, h, color.RGBAModel))},
		{"png rgba", encodePNG(t, gradient(w, h, color.NRGBAModel))},
		{"png rgb 16-bit", encodePNG(t, gradient(w, h, color.RGBA64Model))},
		{"png rgba 16-bit", encodePNG(t, gradient(w, h, color.NRGBA64Model))},
		{"png paletted", encodePNG(t, gradient(w, h, nil))},
		{"png interlaced", interlacedGray(w, h)},
		{"jpeg 4:2:0", baseline},
		{"jpeg 4:2:0 turned a quarter", uploadtest.JPEGWithExif(baseline, 6)},
		{"jpeg 4:2:0 turned a half", uploadtest.JPEGWithExif(baseline, 3)},
		{"jpeg grey turned", uploadtest.JPEGWithExif(encodeJPEG(t, gradient(w, h, color.GrayModel)), 8)},
		{"jpeg 4:2:0 progressive", fixture(t, "420.progressive.jpg")},
		{"jpeg 4:4:4 progressive turned", uploadtest.JPEGWithExif(fixture(t, "444.progressive.jpg"), 5)},
		{"jpeg 4:4:4", fixture(t, "444.jpg")},
		{"jpeg 4:2:2 turned", uploadtest.JPEGWithExif(fixture(t, "422.jpg"), 6)},
		{"jpeg 4:4:0 turned", uploadtest.JPEGWithExif(fixture(t, "440.jpg"), 7)},
		{"jpeg 4:1:1 turned", uploadtest.JPEGWithExif(fixture(t, "411.jpg"), 6)},
		{"jpeg grey progressive", fixture(t, "gray.progressive.jpg")},
		{"jpeg rgb", fixture(t, "rgb.jpg")},
		{"jpeg rgb turned", uploadtest.JPEGWithExif(fixture(t, "rgb.jpg"), 6)},
		{"jpeg cmyk turned", uploadtest.JPEGWithExif(fixture(t, "cmyk.jpg"), 6)},
		{"webp lossy", fixture(t, "lossy.webp")},
		{"webp lossy turned", uploadtest.WebPWithExif(fixture(t, "lossy.webp"), 6)},
		{"webp lossy with alpha", fixture(t, "lossy-alpha.webp")},
		{"webp lossy with alpha turned", uploadtest.WebPWithExif(fixture(t, "lossy-alpha.webp"), 6)},
		{"webp lossless", fixture(t, "lossless.webp")},
		{"webp lossless with a palette", fixture(t, "lossless-palette.webp")},
	}
	// What every decode allocates whatever the size (decoder state, Huffman tables), which the
	// estimate leaves out.
	const fixed = 96 << 10
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pic, err := inspect(tt.give)
			if err != nil {
				t.Fatal(err)
			}
			var img image.Image
			got := allocated(func() { img, err = decode(pic, tt.give) })
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%T %v: estimated %d, allocated %d", img, img.Bounds().Size(), pic.cost, got)
			if got > pic.cost+fixed {
				t.Errorf("allocated %d, more than the estimate %d", got, pic.cost)
			}
			if pic.cost > 2*got+fixed {
				t.Errorf("estimated %d, over twice what was allocated (%d)", pic.cost, got)
			}
		})
	}
}

// TestOrientTurnsEveryPixel turns each kind of image a decoder gives by each orientation and
// finds every pixel where the orientation says (within one step of 8-bit rounding for the
// kinds converted as they turn).
func TestOrientTurnsEveryPixel(t *testing.T) {
	const w, h = 8, 4
	r := image.Rect(0, 0, w, h)
	fill := func(pix ...[]byte) {
		for i, p := range pix {
			for j := range p {
				p[j] = uint8(j*37 + i*101 + 13)
			}
		}
	}
	var images []image.Image
	for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410} {
		m := image.NewYCbCr(r, ratio)
		fill(m.Y, m.Cb, m.Cr)
		images = append(images, m)
	}
	nycc := image.NewNYCbCrA(r, image.YCbCrSubsampleRatio420)
	fill(nycc.Y, nycc.Cb, nycc.Cr, nycc.A)
	gray, rgba, nrgba, cmyk := image.NewGray(r), image.NewRGBA(r), image.NewNRGBA(r), image.NewCMYK(r)
	fill(gray.Pix, nrgba.Pix, cmyk.Pix)
	for i := range rgba.Pix { // premultiplied: no channel above alpha
		rgba.Pix[i] = uint8(i * 7 % 200)
		if i%4 == 3 {
			rgba.Pix[i] = 255
		}
	}
	images = append(images, nycc, gray, rgba, nrgba, cmyk)
	for _, img := range images {
		for o := 1; o <= 8; o++ {
			got := orient(img, o)
			want := image.Pt(w, h)
			if o >= 5 {
				want = image.Pt(h, w)
			}
			if got.Bounds() != (image.Rectangle{Max: want}) {
				t.Fatalf("%T turned by %d: bounds %v, want %v", img, o, got.Bounds(), want)
			}
			for y := range h {
				for x := range w {
					dx, dy := turnPoint(x, y, w, h, o)
					if !near(got.At(dx, dy), img.At(x, y)) {
						t.Fatalf("%T (%v) turned by %d: (%d,%d) at (%d,%d) is %v, want %v",
							img, ratioOf(img), o, x, y, dx, dy, got.At(dx, dy), img.At(x, y))
					}
				}
			}
		}
	}
}

func ratioOf(img image.Image) any {
	if m, ok := img.(*image.YCbCr); ok {
		return m.SubsampleRatio
	}
	return "-"
}

// near compares two colours in 8 bits, within one.
func near(a, b color.Color) bool {
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, ba := b.RGBA()
	for _, d := range []int{int(ar>>8) - int(br>>8), int(ag>>8) - int(bg>>8), int(ab>>8) - int(bb>>8), int(aa>>8) - int(ba>>8)} {
		if d < -1 || d > 1 {
			return false
		}
	}
	return true
}
