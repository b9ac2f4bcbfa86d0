package httpapi

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/linli/linli/server/internal/upload"
	"github.com/linli/linli/server/internal/validation"
)

// MaxUploadBody is the largest multipart body: the image and the form around it.
const MaxUploadBody = upload.MaxSize + 64<<10

// postUpload takes one image (multipart field "file"): 413 over 10 MB, 415 for anything but
// jpeg, png or webp judged by content.
func (s *Server) postUpload(c *gin.Context) {
	f, _, err := c.Request.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			fail(c, errTooLarge)
			return
		}
		fail(c, validation.Field("file", validation.Required))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, upload.MaxSize+1))
	if err != nil {
		fail(c, err)
		return
	}
	if len(data) > upload.MaxSize {
		fail(c, errTooLarge)
		return
	}
	u, err := s.Uploads.Save(c.Request.Context(), userID(c), data)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": u.ID, "url": s.Uploads.URL(u.Name), "width": u.Width, "height": u.Height})
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
	c.File(path)
}
