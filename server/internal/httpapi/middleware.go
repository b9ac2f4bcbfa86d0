package httpapi

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/idempotency"
)

// Keys of values a request carries through the chain.
const (
	keyRequestID   = "linli.request_id"
	keyLogger      = "linli.logger"
	keyUserID      = "linli.user_id"
	keyCommunityID = "linli.community_id"
	// keyRoles holds the roles a console session's check already read.
	keyRoles = "linli.roles"
)

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

func requestID(c *gin.Context) string { return c.GetString(keyRequestID) }

// logger is the server's logger with the request id; most requests log one line, so it is made
// only when asked for.
func logger(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(keyLogger); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}

// userID is the signed-in caller; only routes behind authenticate use it.
func userID(c *gin.Context) int64 { return c.GetInt64(keyUserID) }

// communityID is the community a role-gated route acts in.
func communityID(c *gin.Context) int64 { return c.GetInt64(keyCommunityID) }

// begin gives the request its id (the client's X-Request-Id when it looks sane) and a logger
// that carries it.
func (s *Server) begin(c *gin.Context) {
	id := c.GetHeader("X-Request-Id")
	if !requestIDPattern.MatchString(id) {
		// Unique, not secret: no call into the kernel's randomness per request.
		id = fmt.Sprintf("%016x%08x", rand.Uint64(), rand.Uint32())
	}
	c.Set(keyRequestID, id)
	c.Set(keyLogger, s.log.With(slog.String("request_id", id)))
	c.Header("X-Request-Id", id)
	c.Next()
}

// observe writes the access log line and the request metrics.
func (s *Server) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	took := time.Since(start)
	status := c.Writer.Status()
	s.metrics.requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(status)).Inc()
	s.metrics.latency.WithLabelValues(c.Request.Method, route).Observe(took.Seconds())
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	attrs := []slog.Attr{
		slog.String("method", c.Request.Method),
		slog.String("route", route),
		slog.String("path", c.Request.URL.Path),
		slog.Int("status", status),
		slog.Int("bytes", c.Writer.Size()),
		slog.Float64("latency_ms", float64(took.Microseconds())/1000),
		slog.String("client_ip", c.ClientIP()),
	}
	if uid := userID(c); uid != 0 {
		attrs = append(attrs, slog.Int64("user_id", uid))
	}
	logger(c).LogAttrs(c.Request.Context(), level, "http request", attrs...)
}

// recoverPanic turns a panic into a logged 500 with the envelope.
func (s *Server) recoverPanic(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			logger(c).Error("panic", slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
			if !c.Writer.Written() {
				writeError(c, internalError, nil)
			} else {
				c.Abort()
			}
		}
	}()
	c.Next()
}

// limitBody caps request bodies; reading past the cap fails with *http.MaxBytesError (413).
func limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			fail(c, errTooLarge)
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}

// authenticate admits requests with a live session token.
func (s *Server) authenticate(c *gin.Context) {
	h := c.GetHeader("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		fail(c, account.ErrUnauthenticated)
		return
	}
	id, held, err := s.accounts.Authenticate(c.Request.Context(), strings.TrimSpace(token))
	if err != nil {
		fail(c, err)
		return
	}
	c.Set(keyUserID, id)
	if held != nil {
		c.Set(keyRoles, held)
	}
	c.Next()
}

// roles are the caller's roles, read afresh for this request (once).
func (s *Server) roles(c *gin.Context) ([]account.Membership, error) {
	if v, ok := c.Get(keyRoles); ok {
		return v.([]account.Membership), nil
	}
	held, err := s.accounts.Roles(c.Request.Context(), userID(c))
	if err == nil {
		c.Set(keyRoles, held)
	}
	return held, err
}

// requireRole admits callers holding one of roles, and picks the community the request acts in:
// ?community_id= when given, else the caller's own community, else the first where they hold
// the role. Roles are read afresh on every request, so a revoke acts at once.
func (s *Server) requireRole(roles ...account.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		held, err := s.roles(c)
		if err != nil {
			fail(c, err)
			return
		}
		var in []int64
		for _, m := range held {
			if slices.Contains(roles, m.Role) && !slices.Contains(in, m.CommunityID) {
				in = append(in, m.CommunityID)
			}
		}
		if len(in) == 0 {
			fail(c, errForbidden)
			return
		}
		chosen := in[0]
		if raw := c.Query("community_id"); raw != "" {
			id, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || !slices.Contains(in, id) {
				fail(c, errForbidden)
				return
			}
			chosen = id
		} else if home, err := s.accounts.HomeCommunity(c.Request.Context(), userID(c)); err == nil && slices.Contains(in, home) {
			chosen = home
		}
		c.Set(keyCommunityID, chosen)
		c.Next()
	}
}

// idempotent replays the kept answer to a POST repeated with the same Idempotency-Key, scoped
// to the user and the route. Redis being down only costs the convenience: the request runs.
func (s *Server) idempotent(c *gin.Context) {
	clientKey := c.GetHeader("Idempotency-Key")
	if c.Request.Method != http.MethodPost || clientKey == "" {
		c.Next()
		return
	}
	if len(clientKey) > 128 {
		fail(c, errBadIdemKey)
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		fail(c, err)
		return
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	ctx := c.Request.Context()
	key := s.idem.Key(userID(c), c.FullPath(), clientKey)
	hash := idempotency.BodyHash(body)
	outcome, kept, err := s.idem.Begin(ctx, key, hash)
	if err != nil {
		logger(c).Warn("idempotency unavailable", slog.String("error", err.Error()))
		c.Next()
		return
	}
	switch outcome {
	case idempotency.Mismatch:
		fail(c, errIdemReused)
		return
	case idempotency.InProgress:
		fail(c, errIdemInProgress)
		return
	case idempotency.Replay:
		c.Header("Idempotent-Replayed", "true")
		c.Data(kept.Status, kept.ContentType, kept.Body)
		c.Abort()
		return
	}
	rec := &recorder{ResponseWriter: c.Writer}
	c.Writer = rec
	c.Next()
	status := rec.Status()
	if status >= 500 || !rec.Written() {
		_ = s.idem.Abort(ctx, key)
		return
	}
	resp := idempotency.Response{Status: status, ContentType: rec.Header().Get("Content-Type"), Body: rec.buf.Bytes()}
	if err := s.idem.Finish(ctx, key, hash, resp); err != nil {
		logger(c).Warn("idempotency not kept", slog.String("error", err.Error()))
	}
}

// recorder keeps a copy of the response body for the idempotency store.
type recorder struct {
	gin.ResponseWriter
	buf bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.buf.Write(b)
	return r.ResponseWriter.Write(b)
}

func (r *recorder) WriteString(s string) (int, error) {
	r.buf.WriteString(s)
	return r.ResponseWriter.WriteString(s)
}
