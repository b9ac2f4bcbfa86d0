// Package upload keeps the images users upload: checked by content, not by name, re-encoded so
// no location or other metadata survives (the picture turned upright first), stored under a
// random name, and served through short-lived signed URLs, since the mini-program's <image>
// cannot send a header.
package upload

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// Errors of this package.
var (
	ErrUnsupported = errors.New("upload: not a jpeg, png or webp image")
	ErrNotFound    = errors.New("upload: not found")
)

// MaxSize is the largest upload.
const MaxSize = 10 << 20

// URLTTL is how long a signed URL works.
const URLTTL = time.Hour

// maxPixels refuses images that would take too much memory to decode.
const maxPixels = 50_000_000

// Upload is a stored image.
type Upload struct {
	ID        int64
	UserID    int64
	Name      string
	Mime      string
	Size      int
	Width     int
	Height    int
	ReportID  int64
	CreatedAt time.Time
}

// Store keeps uploads on disk and their records in MySQL.
type Store struct {
	db        *sql.DB
	dir       string
	publicURL string
	key       []byte
	now       func() time.Time
}

// NewStore returns the store; key signs the URLs.
func NewStore(db *sql.DB, dir, publicURL string, key []byte, now func() time.Time) *Store {
	return &Store{db: db, dir: dir, publicURL: publicURL, key: key, now: now}
}

const (
	qInsert = `INSERT INTO uploads (user_id, name, mime, size, width, height, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`
	qGet    = `SELECT id, user_id, name, mime, size, width, height, report_id, created_at FROM uploads WHERE id = ?`
	qByName = `SELECT mime FROM uploads WHERE name = ?`
)

// Save checks, cleans and stores an image the user sent.
func (s *Store) Save(ctx context.Context, userID int64, data []byte) (Upload, error) {
	mime := http.DetectContentType(data)
	var (
		clean []byte
		w, h  int
		err   error
		ext   string
	)
	switch mime {
	case "image/jpeg":
		clean, w, h, err = cleanJPEG(data)
		ext = ".jpg"
	case "image/png":
		clean, w, h, err = cleanPNG(data)
		ext = ".png"
	case "image/webp":
		clean, w, h, err = cleanWebP(data)
		ext = ".webp"
	default:
		return Upload{}, ErrUnsupported
	}
	if err != nil {
		return Upload{}, ErrUnsupported
	}
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return Upload{}, err
	}
	now := s.now().UTC()
	name := now.Format("2006/01/") + hex.EncodeToString(random) + ext
	path := filepath.Join(s.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return Upload{}, fmt.Errorf("upload dir: %w", err)
	}
	if err := os.WriteFile(path, clean, 0o640); err != nil {
		return Upload{}, fmt.Errorf("write upload: %w", err)
	}
	res, err := s.db.ExecContext(ctx, qInsert, userID, name, mime, len(clean), w, h, now)
	if err != nil {
		_ = os.Remove(path)
		return Upload{}, fmt.Errorf("insert upload: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return Upload{}, err
	}
	return Upload{ID: id, UserID: userID, Name: name, Mime: mime, Size: len(clean), Width: w, Height: h, CreatedAt: now}, nil
}

// Get returns an upload's record.
func (s *Store) Get(ctx context.Context, id int64) (Upload, error) {
	var (
		u      Upload
		report sql.NullInt64
	)
	err := s.db.QueryRowContext(ctx, qGet, id).Scan(&u.ID, &u.UserID, &u.Name, &u.Mime, &u.Size, &u.Width, &u.Height, &report, &u.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Upload{}, ErrNotFound
	}
	u.ReportID = report.Int64
	return u, err
}

func (s *Store) sign(name string, exp int64) string {
	m := hmac.New(sha256.New, s.key)
	fmt.Fprintf(m, "%s\n%d", name, exp)
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// URL is an absolute URL on LINLI_PUBLIC_URL that serves the upload for an hour.
func (s *Store) URL(name string) string {
	exp := s.now().Add(URLTTL).Unix()
	return fmt.Sprintf("%s/files/%s?exp=%d&sig=%s", s.publicURL, name, exp, s.sign(name, exp))
}

var namePattern = regexp.MustCompile(`^[0-9]{4}/[0-9]{2}/[0-9a-f]{32}\.(jpg|png|webp)$`)

// Open checks a signed request for a file and answers its path and type.
func (s *Store) Open(ctx context.Context, name string, q url.Values) (string, string, error) {
	exp, err := strconv.ParseInt(q.Get("exp"), 10, 64)
	if err != nil || !namePattern.MatchString(name) || s.now().Unix() > exp ||
		!hmac.Equal([]byte(q.Get("sig")), []byte(s.sign(name, exp))) {
		return "", "", ErrNotFound
	}
	var mime string
	if err := s.db.QueryRowContext(ctx, qByName, name).Scan(&mime); err != nil {
		return "", "", ErrNotFound
	}
	return filepath.Join(s.dir, filepath.FromSlash(name)), mime, nil
}

func decodeBounded(data []byte, decode func([]byte) (image.Image, error), cfg func([]byte) (image.Config, error)) (image.Image, error) {
	c, err := cfg(data)
	if err != nil {
		return nil, err
	}
	if c.Width <= 0 || c.Height <= 0 || c.Width*c.Height > maxPixels {
		return nil, errors.New("image too large")
	}
	return decode(data)
}

// cleanJPEG decodes and re-encodes a JPEG, turned as its EXIF orientation says: the result
// carries no EXIF (no location), and looks the same way up.
func cleanJPEG(data []byte) ([]byte, int, int, error) {
	img, err := decodeBounded(data,
		func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) },
		func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) })
	if err != nil {
		return nil, 0, 0, err
	}
	img = orient(img, jpegOrientation(data))
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: 88}); err != nil {
		return nil, 0, 0, err
	}
	b := img.Bounds()
	return out.Bytes(), b.Dx(), b.Dy(), nil
}

// cleanPNG re-encodes a PNG, which drops every ancillary chunk (text, eXIf).
func cleanPNG(data []byte) ([]byte, int, int, error) {
	img, err := decodeBounded(data,
		func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) },
		func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) })
	if err != nil {
		return nil, 0, 0, err
	}
	var out bytes.Buffer
	if err := png.Encode(&out, img); err != nil {
		return nil, 0, 0, err
	}
	b := img.Bounds()
	return out.Bytes(), b.Dx(), b.Dy(), nil
}

// cleanWebP removes the EXIF and XMP chunks of a WebP file, keeping its pixels as they are.
func cleanWebP(data []byte) ([]byte, int, int, error) {
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return nil, 0, 0, errors.New("not webp")
	}
	out := []byte{}
	w, h := 0, 0
	for p := 12; p < len(data); {
		if p+8 > len(data) {
			return nil, 0, 0, errors.New("truncated webp")
		}
		id := string(data[p : p+4])
		n := int(binary.LittleEndian.Uint32(data[p+4 : p+8]))
		end := p + 8 + n + n%2
		if n < 0 || end > len(data) {
			return nil, 0, 0, errors.New("truncated webp")
		}
		chunk := data[p:end]
		switch id {
		case "EXIF", "XMP ":
			// dropped
		case "VP8X":
			if n >= 10 {
				c := append([]byte{}, chunk...)
				c[8] &^= 0x08 | 0x04 // no EXIF, no XMP
				w = 1 + int(uint32(c[12])|uint32(c[13])<<8|uint32(c[14])<<16)
				h = 1 + int(uint32(c[15])|uint32(c[16])<<8|uint32(c[17])<<16)
				chunk = c
			}
			out = append(out, chunk...)
		default:
			out = append(out, chunk...)
		}
		p = end
	}
	head := make([]byte, 12)
	copy(head, "RIFF")
	binary.LittleEndian.PutUint32(head[4:], uint32(4+len(out)))
	copy(head[8:], "WEBP")
	return append(head, out...), w, h, nil
}
