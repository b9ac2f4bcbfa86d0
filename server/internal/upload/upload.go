// Package upload keeps the images users upload: checked by content, not by name, sized from
// their header before any pixel is decoded, decoded a few at a time, re-encoded so no location,
// other metadata or any other byte sent survives (the picture turned upright first), stored
// under a random name, and served through short-lived signed URLs, since the mini-program's
// <image> cannot send a header.
package upload

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"golang.org/x/image/webp"
)

// Errors of this package.
var (
	ErrUnsupported = errors.New("upload: not a jpeg, png or webp image")
	// ErrTooLarge is an image whose header declares more than decoding it may take
	// (Limits.MaxDecode).
	ErrTooLarge = errors.New("upload: image too large to decode")
	// ErrBusy is an upload that was not admitted in time (Limits.Decodes, Limits.Bodies).
	ErrBusy     = errors.New("upload: too many images being decoded")
	ErrNotFound = errors.New("upload: not found")
)

// MaxSize is the largest upload.
const MaxSize = 10 << 20

// URLTTL is how long a signed URL works.
const URLTTL = time.Hour

// DefaultMaxDecode is the most memory one image may take to decode and turn upright: a phone's
// 12-megapixel JPEG takes 18 MB (37 MB turned upright, 92 MB if progressive), a 7000×7000 PNG of
// 16-bit colour 392 MB. With DefaultDecodes at once, images being decoded hold at most 128 MiB.
const DefaultMaxDecode = 64 << 20

// The defaults of Limits, for a server of two cores: two images decoded at once keep both busy;
// 32 MiB of bodies held at once is three uploads of the largest size or dozens of phone photos.
// An upload waits up to 10 s for either (the mini-program gives an upload 60 s), then is
// answered 503 to try again.
const (
	DefaultDecodes = 2
	DefaultBodies  = 32 << 20
	DefaultWait    = 10 * time.Second
)

// Limits bound what uploads may take in memory; zero values take the defaults.
type Limits struct {
	// MaxDecode refuses (ErrTooLarge) an image whose decoding would allocate more, judged from its
	// header before any pixel is decoded.
	MaxDecode int64
	// Decodes admits the images decoded at once in this process, one each.
	Decodes *Gate
	// Bodies admits the bytes of uploads held in memory at once, weighed before they are read
	// (Store.Admit).
	Bodies *Gate
}

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
	limits    Limits
	now       func() time.Time
}

// NewStore returns the store; key signs the URLs.
func NewStore(db *sql.DB, dir, publicURL string, key []byte, limits Limits, now func() time.Time) *Store {
	if limits.MaxDecode == 0 {
		limits.MaxDecode = DefaultMaxDecode
	}
	if limits.Decodes == nil {
		limits.Decodes = NewGate(DefaultDecodes, DefaultWait)
	}
	if limits.Bodies == nil {
		limits.Bodies = NewGate(DefaultBodies, DefaultWait)
	}
	return &Store{db: db, dir: dir, publicURL: publicURL, key: key, limits: limits, now: now}
}

const (
	qInsert = `INSERT INTO uploads (user_id, name, mime, size, width, height, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`
	qGet    = `SELECT id, user_id, name, mime, size, width, height, report_id, created_at FROM uploads WHERE id = ?`
	qByName = `SELECT mime FROM uploads WHERE name = ?`
)

// Save checks, cleans and stores an image the user sent. Its header is read first: an image that
// is not a jpeg, png or webp is ErrUnsupported, one whose decoding would take more than
// Limits.MaxDecode is ErrTooLarge, both before any pixel is decoded. It then waits for a decode
// turn (ErrBusy when none comes in time), decodes, turns it upright and encodes it again straight
// into its file, so that none of the bytes sent are kept: a WebP is stored as JPEG, or as PNG when
// it has alpha or is lossless.
func (s *Store) Save(ctx context.Context, userID int64, data []byte) (Upload, error) {
	pic, err := inspect(data)
	if err != nil {
		return Upload{}, err
	}
	if pic.cost > s.limits.MaxDecode {
		return Upload{}, fmt.Errorf("%w: %d×%d %s takes %d bytes to decode", ErrTooLarge, pic.width, pic.height, pic.format, pic.cost)
	}
	leave, err := s.limits.Decodes.Enter(ctx, 1)
	if err != nil {
		return Upload{}, err
	}
	name, path, size, w, h, err := s.write(pic, data)
	leave()
	if err != nil {
		return Upload{}, err
	}
	now := s.now().UTC()
	res, err := s.db.ExecContext(ctx, qInsert, userID, name, pic.mime, size, w, h, now)
	if err != nil {
		_ = os.Remove(path)
		return Upload{}, fmt.Errorf("insert upload: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return Upload{}, err
	}
	return Upload{ID: id, UserID: userID, Name: name, Mime: pic.mime, Size: size, Width: w, Height: h, CreatedAt: now}, nil
}

// write decodes the picture and encodes it into a new file under a random name.
func (s *Store) write(pic picture, data []byte) (name, path string, size, w, h int, err error) {
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return "", "", 0, 0, 0, err
	}
	ext := ".png"
	if pic.mime == "image/jpeg" {
		ext = ".jpg"
	}
	name = s.now().UTC().Format("2006/01/") + hex.EncodeToString(random) + ext
	path = filepath.Join(s.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return "", "", 0, 0, 0, fmt.Errorf("upload dir: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return "", "", 0, 0, 0, fmt.Errorf("create upload: %w", err)
	}
	out := &countingWriter{w: bufio.NewWriterSize(f, 64<<10)}
	w, h, err = clean(pic, data, out)
	if err == nil {
		err = out.w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return "", "", 0, 0, 0, err
	}
	return name, path, out.n, w, h, nil
}

// clean decodes the picture, turns it upright and encodes it into out.
func clean(pic picture, data []byte, out io.Writer) (int, int, error) {
	img, err := decode(pic, data)
	if err != nil {
		return 0, 0, err
	}
	if pic.mime == "image/jpeg" {
		err = jpeg.Encode(out, img, &jpeg.Options{Quality: 88})
	} else {
		err = png.Encode(out, img)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("encode upload: %w", err)
	}
	b := img.Bounds()
	return b.Dx(), b.Dy(), nil
}

// decode decodes the picture and turns it upright: what picture.cost counts. A picture its
// decoder refuses, or whose pixels are not the size its header said, is ErrUnsupported.
func decode(pic picture, data []byte) (image.Image, error) {
	var (
		img image.Image
		err error
	)
	switch pic.format {
	case "jpeg":
		img, err = jpeg.Decode(bytes.NewReader(data))
	case "png":
		img, err = png.Decode(bytes.NewReader(data))
	case "webp":
		img, err = webp.Decode(bytes.NewReader(data))
	default:
		err = errors.New("unknown format")
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	if b := img.Bounds(); b.Dx() != pic.width || b.Dy() != pic.height {
		return nil, fmt.Errorf("%w: decoded %v, header said %d×%d", ErrUnsupported, b, pic.width, pic.height)
	}
	return orient(img, pic.orientation), nil
}

// countingWriter counts what passes through it.
type countingWriter struct {
	w *bufio.Writer
	n int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += n
	return n, err
}

// Admit waits until an upload of size bytes may be read into memory (Limits.Bodies): ErrBusy
// when it could not in time. leave must be called once the upload is done with.
func (s *Store) Admit(ctx context.Context, size int64) (leave func(), err error) {
	return s.limits.Bodies.Enter(ctx, size)
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
