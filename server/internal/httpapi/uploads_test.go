package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/linli/linli/server/internal/httpapi"
	"github.com/linli/linli/server/internal/upload"
	"github.com/linli/linli/server/internal/upload/uploadtest"
)

// uploadFile posts a multipart body with one file field, and the headers given in pairs.
func (e *testEnv) uploadFile(token string, data []byte, header ...string) resp {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	// The same file makes the same body, as a client's retry does.
	if err := mw.SetBoundary("linli-test-boundary"); err != nil {
		e.t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("file", "photo.jpg")
	if err != nil {
		e.t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return e.do("POST", "/api/v1/uploads", token, body.Bytes(), append([]string{"Content-Type", mw.FormDataContentType()}, header...)...)
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 6, 4))
	img.Set(1, 1, color.RGBA{G: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestUploadsAndReportPhotos(t *testing.T) {
	w := newReportWorld(t)
	r := w.uploadFile(w.resident, pngBytes(t))
	w.want(r, 201, "")
	photo := int64(r.Body["id"].(float64))
	link := r.Body["url"].(string)
	if !strings.HasPrefix(link, "https://linli.test/files/") || r.Body["width"] != float64(6) {
		t.Fatalf("upload = %s", r.Raw)
	}
	// The signed URL serves the image, publicly (the <image> tag sends no header); a tampered one
	// does not.
	u, _ := url.Parse(link)
	got := w.do("GET", u.RequestURI(), "", nil)
	if got.Status != 200 || got.Header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(got.Raw, []byte("\x89PNG")) {
		t.Fatalf("file = %d %s", got.Status, got.Header)
	}
	// Shown, never run, whatever a file holds.
	if csp := got.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") ||
		got.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("file headers = %v", got.Header)
	}
	w.want(w.do("GET", strings.Replace(u.RequestURI(), "sig=", "sig=0", 1), "", nil), 404, "not_found")

	w.want(w.uploadFile(w.resident, []byte("这不是图片")), 415, "unsupported_type")
	w.want(w.uploadFile("", pngBytes(t)), 401, "unauthenticated")
	big := append(pngBytes(t), bytes.Repeat([]byte{0}, 10<<20)...)
	if r := w.uploadFile(w.resident, big); r.Status != 413 || r.errCode() != "too_large" {
		t.Errorf("11 MB upload: %d %s", r.Status, r.Raw)
	}

	// A report uses the reporter's own upload once; the worker adds the resolution's.
	other, _ := w.login("other")
	foreign := int64(w.uploadFile(other, pngBytes(t)).Body["id"].(float64))
	w.want(w.submit(w.resident, map[string]any{"photo_ids": []int64{foreign}}), 400, "invalid_request")
	r = w.submit(w.resident, map[string]any{"photo_ids": []int64{photo}})
	w.want(r, 201, "")
	id := w.id(r)
	if fmt.Sprint(r.Body["photo_ids"]) != fmt.Sprintf("[%d]", photo) || !strings.HasPrefix(r.Body["photos"].([]any)[0].(map[string]any)["url"].(string), "https://linli.test/files/") {
		t.Errorf("report photos = %s", r.Raw)
	}
	w.want(w.submit(w.resident, map[string]any{"photo_ids": []int64{photo}}), 400, "invalid_request")
	w.dispatch()
	after := int64(w.uploadFile(w.worker, pngBytes(t)).Body["id"].(float64))
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/accept", id), w.worker, nil), 200, "")
	r = w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/resolve", id), w.worker, map[string]any{"note": "修好了", "photo_ids": []int64{after}})
	w.want(r, 200, "")
	if photos := r.Body["photos"].([]any); len(photos) != 2 || photos[1].(map[string]any)["purpose"] != "resolution" {
		t.Errorf("resolved photos = %s", r.Raw)
	}
}

// TestHostileUploadsRefused sends the files an outside probe sent: each is refused from what its
// header says, before anything is decoded, and nothing is stored.
func TestHostileUploadsRefused(t *testing.T) {
	e := newEnv(t)
	token, _ := e.login("resident")
	tests := []struct {
		name   string
		give   []byte
		status int
		code   string
	}{
		{"png of 7000×7000 at 16 bits", uploadtest.PNGHeader(7000, 7000), 413, "too_large"},
		{"webp declaring 16384×16384 with a script in a chunk", uploadtest.WebPBomb(), 413, "too_large"},
		{"48 bytes of garbage labelled webp", uploadtest.WebPGarbage(), 415, "unsupported_type"},
		{"text", []byte("这不是图片"), 415, "unsupported_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.uploadFile(token, tt.give)
			if r.Status != tt.status || r.errCode() != tt.code {
				t.Errorf("got %d %q (%s), want %d %q", r.Status, r.errCode(), r.Raw, tt.status, tt.code)
			}
		})
	}
	var stored int
	if err := e.db.QueryRow("SELECT COUNT(*) FROM uploads").Scan(&stored); err != nil || stored != 0 {
		t.Errorf("uploads stored: got %d (%v), want 0", stored, err)
	}
}

// TestUploadsRateLimitedPerUser: each user's uploads are counted per minute and per day, before
// the body is read and before the idempotency key, so a 429 is not kept as the key's answer.
func TestUploadsRateLimitedPerUser(t *testing.T) {
	now := time.Now()
	e := newEnv(t, options{uploadsPerMinute: 2, uploadsPerDay: 3, now: func() time.Time { return now }})
	token, _ := e.login("resident")
	other, _ := e.login("neighbour")
	for range 2 {
		e.want(e.uploadFile(token, pngBytes(t)), 201, "")
	}
	e.want(e.uploadFile(token, pngBytes(t), "Idempotency-Key", "photo-3"), 429, "rate_limited")
	e.want(e.uploadFile(other, pngBytes(t)), 201, "")

	now = now.Add(time.Minute)
	e.want(e.uploadFile(token, pngBytes(t), "Idempotency-Key", "photo-3"), 201, "")
	now = now.Add(time.Minute)
	e.want(e.uploadFile(token, pngBytes(t)), 429, "rate_limited") // the fourth today
}

// TestUploadsWaitToBeAdmitted: with every decode turn taken, or the room for bodies held by
// another upload, an upload waits, then is answered 503 with Retry-After, which the idempotency
// key does not keep.
func TestUploadsWaitToBeAdmitted(t *testing.T) {
	tests := []struct {
		name string
		gate func(upload.Limits) *upload.Gate
		hold int64
	}{
		{"decode turns", func(l upload.Limits) *upload.Gate { return l.Decodes }, 1},
		{"bodies", func(l upload.Limits) *upload.Gate { return l.Bodies }, httpapi.MaxUploadBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			limits := upload.Limits{Decodes: upload.NewGate(1, 20*time.Millisecond), Bodies: upload.NewGate(httpapi.MaxUploadBody, 20*time.Millisecond)}
			e := newEnv(t, options{uploadLimits: limits})
			token, _ := e.login("resident")
			leave, err := tt.gate(limits).Enter(context.Background(), tt.hold)
			if err != nil {
				t.Fatal(err)
			}
			r := e.uploadFile(token, pngBytes(t), "Idempotency-Key", "photo-1")
			e.want(r, 503, "unavailable")
			if got := r.Header.Get("Retry-After"); got != "5" {
				t.Errorf("Retry-After %q, want 5", got)
			}
			leave()
			e.want(e.uploadFile(token, pngBytes(t), "Idempotency-Key", "photo-1"), 201, "")
		})
	}
}
