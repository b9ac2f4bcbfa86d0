package upload_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/linli/linli/server/internal/mysqltest"
	"github.com/linli/linli/server/internal/upload"
)

func newStore(t *testing.T, now func() time.Time) *upload.Store {
	t.Helper()
	return upload.NewStore(mysqltest.NewDB(t), t.TempDir(), "https://linli.example", bytes.Repeat([]byte{7}, 32), now)
}

// halves is a w×h picture, red on the left half and blue on the right.
func halves(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{R: 255, A: 255}
			if x >= w/2 {
				c = color.RGBA{B: 255, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// withExif puts an APP1 segment (orientation, and a stand-in for a GPS block) after SOI.
func withExif(jpg []byte, orientation uint16) []byte {
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08")
	ifd := make([]byte, 2+12+4)
	binary.BigEndian.PutUint16(ifd[0:], 1)
	binary.BigEndian.PutUint16(ifd[2:], 0x0112)
	binary.BigEndian.PutUint16(ifd[4:], 3)
	binary.BigEndian.PutUint32(ifd[6:], 1)
	binary.BigEndian.PutUint16(ifd[10:], orientation)
	payload := append(append([]byte("Exif\x00\x00"), append(tiff, ifd...)...), []byte("GPS-LAT-29.0795-LNG-119.6474")...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	return append(append(append([]byte{}, jpg[:2]...), seg...), jpg[2:]...)
}

func TestJPEGTurnedUprightWithoutMetadata(t *testing.T) {
	s := newStore(t, time.Now)
	var raw bytes.Buffer
	if err := jpeg.Encode(&raw, halves(32, 16), &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	u, err := s.Save(context.Background(), 1, withExif(raw.Bytes(), 6))
	if err != nil {
		t.Fatal(err)
	}
	if u.Mime != "image/jpeg" || u.Width != 16 || u.Height != 32 {
		t.Fatalf("upload = %+v", u)
	}
	path, mime, err := s.Open(context.Background(), u.Name, query(t, s.URL(u.Name)))
	if err != nil || mime != "image/jpeg" {
		t.Fatalf("open: %v", err)
	}
	stored, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(stored, []byte("Exif")) || bytes.Contains(stored, []byte("GPS-LAT")) {
		t.Error("metadata survived")
	}
	img, err := jpeg.Decode(bytes.NewReader(stored))
	if err != nil {
		t.Fatal(err)
	}
	// Orientation 6 is a quarter turn clockwise: the left (red) half is now on top.
	top, bottom := img.At(8, 4), img.At(8, 28)
	if r, _, b, _ := top.RGBA(); r < b {
		t.Errorf("top is not red: %v", top)
	}
	if r, _, b, _ := bottom.RGBA(); b < r {
		t.Errorf("bottom is not blue: %v", bottom)
	}
}

func query(t *testing.T, u string) url.Values {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil || !strings.HasPrefix(u, "https://linli.example/files/") {
		t.Fatalf("url %s: %v", u, err)
	}
	return p.Query()
}

func TestPNGAndWebPLoseTheirMetadata(t *testing.T) {
	s := newStore(t, time.Now)
	var raw bytes.Buffer
	if err := png.Encode(&raw, halves(8, 8)); err != nil {
		t.Fatal(err)
	}
	b := raw.Bytes()
	// A tEXt chunk, with its CRC, before IEND.
	kw := []byte("tEXtLocation\x00GPS")
	text := binary.BigEndian.AppendUint32(nil, uint32(len(kw)-4))
	text = append(text, kw...)
	text = binary.BigEndian.AppendUint32(text, crc32.ChecksumIEEE(kw))
	withText := append(append(append([]byte{}, b[:len(b)-12]...), text...), b[len(b)-12:]...)
	u, err := s.Save(context.Background(), 1, withText)
	if err != nil {
		t.Fatal(err)
	}
	path, _, _ := s.Open(context.Background(), u.Name, query(t, s.URL(u.Name)))
	if stored, _ := os.ReadFile(path); bytes.Contains(stored, []byte("Location")) || u.Width != 8 {
		t.Errorf("png kept its text chunk (%+v)", u)
	}

	chunk := func(id string, body []byte) []byte {
		c := append([]byte(id), 0, 0, 0, 0)
		binary.LittleEndian.PutUint32(c[4:], uint32(len(body)))
		c = append(c, body...)
		if len(body)%2 == 1 {
			c = append(c, 0)
		}
		return c
	}
	vp8x := []byte{0x08, 0, 0, 0, 9, 0, 0, 4, 0, 0} // EXIF flag, 10×5
	body := append(append(chunk("VP8X", vp8x), chunk("EXIF", []byte("GPS-LAT-29.07"))...), chunk("VP8L", []byte{0x2f, 1, 2, 3, 4})...)
	webp := append([]byte("RIFF\x00\x00\x00\x00WEBP"), body...)
	binary.LittleEndian.PutUint32(webp[4:], uint32(len(webp)-8))
	u, err = s.Save(context.Background(), 1, webp)
	if err != nil {
		t.Fatal(err)
	}
	path, _, _ = s.Open(context.Background(), u.Name, query(t, s.URL(u.Name)))
	stored, _ := os.ReadFile(path)
	if bytes.Contains(stored, []byte("GPS")) || stored[20]&0x08 != 0 || u.Width != 10 || u.Height != 5 {
		t.Errorf("webp = %q (%+v)", stored, u)
	}
	if binary.LittleEndian.Uint32(stored[4:]) != uint32(len(stored)-8) {
		t.Error("webp size field not updated")
	}
}

func TestOnlyImagesAndOnlySignedURLs(t *testing.T) {
	now := time.Now()
	s := newStore(t, func() time.Time { return now })
	for name, data := range map[string][]byte{
		"text":        []byte("hello, 这不是图片"),
		"html":        []byte("<html><body>x</body></html>"),
		"broken jpeg": {0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0},
		"gif":         []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
	} {
		if _, err := s.Save(context.Background(), 1, data); !errors.Is(err, upload.ErrUnsupported) {
			t.Errorf("%s: %v", name, err)
		}
	}
	var raw bytes.Buffer
	_ = png.Encode(&raw, halves(4, 4))
	u, err := s.Save(context.Background(), 1, raw.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	q := query(t, s.URL(u.Name))
	bad := url.Values{"exp": q["exp"], "sig": {strings.Repeat("0", 32)}}
	if _, _, err := s.Open(context.Background(), u.Name, bad); !errors.Is(err, upload.ErrNotFound) {
		t.Errorf("a forged signature opened: %v", err)
	}
	if _, _, err := s.Open(context.Background(), "../../etc/passwd", q); !errors.Is(err, upload.ErrNotFound) {
		t.Errorf("a path outside opened: %v", err)
	}
	now = now.Add(upload.URLTTL + time.Minute)
	if _, _, err := s.Open(context.Background(), u.Name, q); !errors.Is(err, upload.ErrNotFound) {
		t.Errorf("an expired URL opened: %v", err)
	}
}
