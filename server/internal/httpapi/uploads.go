package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/linli/linli/server/internal/ratelimit"
	"github.com/linli/linli/server/internal/upload"
	"github.com/linli/linli/server/internal/validation"
)

// MaxUploadBody is the largest multipart body: the image and the form around it.
const MaxUploadBody = upload.MaxSize + 64<<10

// uploadRetryAfter is how long a client is told to wait when an upload was not admitted in time
// (seconds).
const uploadRetryAfter = "5"

// limitUploads counts an upload against the caller's limits, per minute and per day, before its
// body is read: 429 over either. When Redis cannot count, the upload goes on (the decode turns
// still bound what uploads take), as sign-ins do.
func (s *Server) limitUploads(c *gin.Context) {
	for _, l := range []struct {
		name string
		lim  *ratelimit.Limiter
	}{{"minute", s.UploadLimit}, {"day", s.UploadDayLimit}} {
		if l.lim == nil {
			continue
		}
		ok, err := l.lim.Allow(c.Request.Context(), fmt.Sprintf("upload-%s:%d", l.name, userID(c)))
		if err != nil {
			logger(c).Warn("upload rate limit unavailable", slog.String("error", err.Error()))
			continue
		}
		if !ok {
			fail(c, errRateLimited)
			return
		}
	}
}

// admitUpload waits, before the body is read, until the bytes it declares (the most an upload may
// be, when it declares none) fit among the upload bodies held in memory at once: 503 with
// Retry-After when they did not in time. A body is held whole, and twice while its idempotency
// key is kept, so this bounds what uploads arriving together take before any decoding.
func (s *Server) admitUpload(c *gin.Context) {
	n := c.Request.ContentLength
	if n <= 0 || n > MaxUploadBody {
		n = MaxUploadBody
	}
	leave, err := s.Uploads.Admit(c.Request.Context(), n)
	if err != nil {
		c.Header("Retry-After", uploadRetryAfter)
		fail(c, err)
		return
	}
	defer leave()
	c.Next()
}

// postUpload takes one image (multipart field "file"): 413 over 10 MB or over what decoding may
// take, 415 for anything but jpeg, png or webp judged by content, 503 when no decode turn came in
// time.
func (s *Server) postUpload(c *gin.Context) {
	data, err := uploadedFile(c.Request)
	if err != nil {
		fail(c, err)
		return
	}
	u, err := s.Uploads.Save(c.Request.Context(), userID(c), data)
	if err != nil {
		if errors.Is(err, upload.ErrBusy) {
			c.Header("Retry-After", uploadRetryAfter)
		}
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": u.ID, "url": s.Uploads.URL(u.Name), "width": u.Width, "height": u.Height})
}

// uploadedFile reads the multipart file field "file" into one buffer sized by the request's
// length, rather than parsing the form into memory and copying the file out of it again.
func uploadedFile(r *http.Request) ([]byte, error) {
	required := validation.Field("file", validation.Required)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, required
	}
	for {
		part, err := mr.NextPart()
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return nil, errTooLarge
		case err != nil:
			return nil, required
		case part.FormName() != "file" || part.FileName() == "":
			continue
		}
		var buf bytes.Buffer
		if r.ContentLength > 0 {
			// Room for the whole body and ReadFrom's last read, so the buffer never doubles.
			buf.Grow(int(min(r.ContentLength, MaxUploadBody)) + bytes.MinRead)
		}
		if _, err := buf.ReadFrom(io.LimitReader(part, upload.MaxSize+1)); err != nil {
			if errors.As(err, &mbe) {
				return nil, errTooLarge
			}
			return nil, required // a body cut short or not multipart after all
		}
		if buf.Len() > upload.MaxSize {
			return nil, errTooLarge
		}
		return buf.Bytes(), nil
	}
}

// serveFile answers a signed URL made by upload.Store.URL.
func (s *Server) serveFile(c *gin.Context) {
	path, mime, err := s.Uploads.Open(c.Request.Context(), strings.TrimPrefix(c.Param("name"), "/"), c.Request.URL.Query())
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Type", mime)
	c.Header("Cache-Control", "private, max-age=3600")
	c.Header("X-Content-Type-Options", "nosniff")
	// An image is only ever shown, never run: should a stored file hold anything else (one kept
	// byte for byte before uploads were re-encoded), a browser opening it runs nothing.
	c.Header("Content-Security-Policy", "default-src 'none'; img-src 'self'; sandbox")
	c.File(path)
}
