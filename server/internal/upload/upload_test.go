package upload_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/url"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/linli/linli/server/internal/mysqltest"
	"github.com/linli/linli/server/internal/upload"
	"github.com/linli/linli/server/internal/upload/uploadtest"
)

func newStore(t *testing.T, now func() time.Time) *upload.Store {
	t.Helper()
	return newStoreLimits(t, upload.Limits{}, now)
}

func newStoreLimits(t *testing.T, l upload.Limits, now func() time.Time) *upload.Store {
	t.Helper()
	return storeOn(t, mysqltest.NewDB(t), l, now)
}

// storeOn is a store of its own limits on a database shared by several.
func storeOn(t *testing.T, db *sql.DB, l upload.Limits, now func() time.Time) *upload.Store {
	t.Helper()
	return upload.NewStore(db, t.TempDir(), "https://linli.example", bytes.Repeat([]byte{7}, 32), l, now)
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

func TestJPEGTurnedUprightWithoutMetadata(t *testing.T) {
	s := newStore(t, time.Now)
	var raw bytes.Buffer
	if err := jpeg.Encode(&raw, halves(32, 16), &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	u, err := s.Save(context.Background(), 1, uploadtest.JPEGWithExif(raw.Bytes(), 6))
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
	if bytes.Contains(stored, []byte("Exif")) || bytes.Contains(stored, []byte(uploadtest.GPS)) {
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

	// A WebP with EXIF (its GPS) and a chunk holding a script comes back as a JPEG of its pixels.
	webp := uploadtest.WebPWithChunk(uploadtest.WebPWithExif(fixture(t, "lossy.webp"), 1), "XSCR", []byte(uploadtest.Script))
	u, err = s.Save(context.Background(), 1, webp)
	if err != nil {
		t.Fatal(err)
	}
	path, mime, _ := s.Open(context.Background(), u.Name, query(t, s.URL(u.Name)))
	stored, _ := os.ReadFile(path)
	if bytes.Contains(stored, []byte(uploadtest.GPS)) || bytes.Contains(stored, []byte("<script")) || u.Width != 512 || u.Height != 384 {
		t.Errorf("webp stored as %s kept metadata or its chunks (%+v)", mime, u)
	}
	if _, err := jpeg.Decode(bytes.NewReader(stored)); err != nil || mime != "image/jpeg" || !strings.HasSuffix(u.Name, ".jpg") {
		t.Errorf("webp stored as %s %s: %v", mime, u.Name, err)
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

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func pngOf(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestImagesTooLargeRefusedFromTheirHeader: what decoding would take is judged from the header,
// counting each thing that makes a picture take more than its pixels (16-bit samples, alpha
// added by tRNS, a progressive JPEG's coefficients, a turned copy, a WebP palette expanded), and
// an image over the limit is refused before any pixel is decoded: Save allocates next to
// nothing. Each file over its limit has a twin under it that is kept, so the limit is not
// merely low. Not parallel: it counts the process's allocations.
func TestImagesTooLargeRefusedFromTheirHeader(t *testing.T) {
	gray := image.NewGray(image.Rect(0, 0, 600, 600))
	var baseline bytes.Buffer
	if err := jpeg.Encode(&baseline, halves(512, 384), nil); err != nil {
		t.Fatal(err)
	}
	// An animated WebP: a canvas (VP8X with the animation bit), then frames inside ANMF chunks.
	frame := fixture(t, "lossy.webp")[12:]
	animated := []byte("RIFF\x00\x00\x00\x00WEBP")
	animated = uploadtest.WebPWithChunk(animated, "VP8X", []byte{0x02, 0, 0, 0, 0xff, 0x01, 0, 0x7f, 0x01, 0})
	animated = uploadtest.WebPWithChunk(animated, "ANIM", make([]byte, 6))
	animated = uploadtest.WebPWithChunk(animated, "ANMF", append(make([]byte, 16), frame...))
	tests := []struct {
		name      string
		give      []byte
		maxDecode int64 // 0: the default
		want      error
	}{
		{"png of 7000×7000 at 16 bits (392 MB)", uploadtest.PNGHeader(7000, 7000), 0, upload.ErrTooLarge},
		{"webp declaring 16384×16384", uploadtest.WebPBomb(), 0, upload.ErrTooLarge},
		{"webp of 48 bytes of garbage", uploadtest.WebPGarbage(), 0, upload.ErrUnsupported},
		{"animated webp", animated, 0, upload.ErrUnsupported},
		{"png at 16 bits counts 8 bytes a pixel", pngOf(t, image.NewNRGBA64(image.Rect(0, 0, 300, 300))), 600_000, upload.ErrTooLarge},
		{"... 4 at 8 bits", pngOf(t, image.NewNRGBA(image.Rect(0, 0, 300, 300))), 600_000, nil},
		{"grey png with tRNS decodes with alpha", uploadtest.PNGWithChunk(pngOf(t, gray), "tRNS", []byte{0, 0}), 1 << 20, upload.ErrTooLarge},
		{"... without, a byte a pixel", pngOf(t, gray), 1 << 20, nil},
		{"progressive jpeg keeps its coefficients", fixture(t, "420.progressive.jpg"), 1 << 20, upload.ErrTooLarge},
		{"... baseline does not", fixture(t, "422.jpg"), 1 << 20, nil},
		{"jpeg turned upright takes a copy", uploadtest.JPEGWithExif(baseline.Bytes(), 6), 400_000, upload.ErrTooLarge},
		{"... upright as it is", uploadtest.JPEGWithExif(baseline.Bytes(), 1), 400_000, nil},
		{"lossless webp expands its palette", fixture(t, "lossless-palette.webp"), 1 << 20, upload.ErrTooLarge},
		{"... lossy webp is 4:2:0", fixture(t, "lossy.webp"), 1 << 20, nil},
	}
	db := mysqltest.NewDB(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := storeOn(t, db, upload.Limits{MaxDecode: tt.maxDecode}, time.Now)
			var (
				before, after runtime.MemStats
				err           error
			)
			runtime.ReadMemStats(&before)
			_, err = s.Save(context.Background(), 1, tt.give)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if got := after.TotalAlloc - before.TotalAlloc; tt.want != nil && got > 256<<10 {
				t.Errorf("refusing it allocated %d bytes", got)
			}
		})
	}
}

// TestWebPStoredAsJPEGOrPNG: a WebP is decoded and stored as a picture of another format, its
// pixels and their transparency kept: lossy as JPEG, with alpha or lossless as PNG.
func TestWebPStoredAsJPEGOrPNG(t *testing.T) {
	s := newStore(t, time.Now)
	tests := []struct {
		name        string
		give        []byte
		mime        string
		transparent bool // the fixtures' top-left corner
	}{
		{"lossy", fixture(t, "lossy.webp"), "image/jpeg", false},
		{"lossy with alpha", fixture(t, "lossy-alpha.webp"), "image/png", true},
		{"lossless", fixture(t, "lossless.webp"), "image/png", false},
		{"lossless with a palette", fixture(t, "lossless-palette.webp"), "image/png", false},
		{"turned by its exif", uploadtest.WebPWithExif(fixture(t, "lossy.webp"), 6), "image/jpeg", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := s.Save(context.Background(), 1, tt.give)
			if err != nil {
				t.Fatal(err)
			}
			path, mime, err := s.Open(context.Background(), u.Name, query(t, s.URL(u.Name)))
			if err != nil || mime != tt.mime || u.Mime != tt.mime {
				t.Fatalf("stored as %s (%v), want %s", mime, err, tt.mime)
			}
			f, _ := os.Open(path)
			defer f.Close()
			img, format, err := image.Decode(f)
			if err != nil || "image/"+format != tt.mime {
				t.Fatalf("stored file is %s: %v", format, err)
			}
			w, h := 512, 384
			if strings.Contains(tt.name, "turned") {
				w, h = h, w
			}
			if got := img.Bounds().Size(); got != image.Pt(w, h) || u.Width != w || u.Height != h {
				t.Errorf("size %v, upload %d×%d, want %d×%d", got, u.Width, u.Height, w, h)
			}
			if _, _, _, a := img.At(3, 3).RGBA(); (a == 0) != tt.transparent {
				t.Errorf("corner alpha %d, want transparent %v", a, tt.transparent)
			}
		})
	}
}

// TestDecodesWaitForATurn: with every turn taken, Save waits at most the gate's wait, or until
// the request's context ends, and stores nothing; a turn given back is taken again.
func TestDecodesWaitForATurn(t *testing.T) {
	decodes := upload.NewGate(1, 50*time.Millisecond)
	s := newStoreLimits(t, upload.Limits{Decodes: decodes}, time.Now)
	leave, err := decodes.Enter(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	img := pngOf(t, halves(4, 4))
	start := time.Now()
	if _, err := s.Save(context.Background(), 1, img); !errors.Is(err, upload.ErrBusy) {
		t.Errorf("with no turn free: got %v, want ErrBusy", err)
	}
	if waited := time.Since(start); waited < 50*time.Millisecond {
		t.Errorf("gave up after %s, before the wait", waited)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Save(ctx, 1, img); !errors.Is(err, upload.ErrBusy) || !errors.Is(err, context.Canceled) {
		t.Errorf("a request gone: got %v", err)
	}
	leave()
	if _, err := s.Save(context.Background(), 1, img); err != nil {
		t.Errorf("with the turn back: %v", err)
	}
}

// TestGateWeighsWhatEnters: a gate admits pieces while their weights fit, a piece larger than
// the gate waits for all of it, and one that leaves lets the next in.
func TestGateWeighsWhatEnters(t *testing.T) {
	g := upload.NewGate(10, 20*time.Millisecond)
	ctx := context.Background()
	six, err := g.Enter(ctx, 6)
	if err != nil {
		t.Fatal(err)
	}
	four, err := g.Enter(ctx, 4)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Enter(ctx, 1); !errors.Is(err, upload.ErrBusy) {
		t.Errorf("a full gate: got %v, want ErrBusy", err)
	}
	six()
	if _, err := g.Enter(ctx, 100); !errors.Is(err, upload.ErrBusy) {
		t.Errorf("a piece larger than the gate, with 4 inside: got %v, want ErrBusy", err)
	}
	four()
	whole, err := g.Enter(ctx, 100)
	if err != nil {
		t.Fatalf("a piece larger than the gate, the gate empty: %v", err)
	}
	whole()
}
