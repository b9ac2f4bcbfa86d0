package httpapi

import (
	"bytes"
	"errors"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/linli/linli/server/internal/account"
)

// The console's sign-in (扫码登录): a ticket shown as a QR code, approved in the mini-program,
// collected by the browser that holds its secret.

type ticketJSON struct {
	ID        string `json:"id"`
	Secret    string `json:"secret"`
	QR        string `json:"qr"`
	Status    string `json:"status"`
	ExpiresAt string `json:"expires_at"`
}

type ticketInfoJSON struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	ClientIP  string `json:"client_ip"`
	UserAgent string `json:"user_agent"`
	CreatedAt string `json:"created_at"`
	ExpiresAt string `json:"expires_at"`
}

type consoleSessionJSON struct {
	Token     string `json:"token"`
	ExpiresAt string `json:"expires_at"`
	User      meJSON `json:"user"`
}

type ticketStateJSON struct {
	Status    string              `json:"status"`
	ExpiresAt string              `json:"expires_at"`
	Session   *consoleSessionJSON `json:"session,omitempty"`
}

// ticketQRPrefix starts what the console's QR code carries; the mini-program's scanner knows it.
const ticketQRPrefix = "linli-console:"

// allowSignIn counts a sign-in attempt from the caller's address against the login limit.
func (s *Server) allowSignIn(c *gin.Context, what string) bool {
	ok, err := s.LoginLimit.Allow(c.Request.Context(), what+":"+c.ClientIP())
	if err != nil {
		logger(c).Warn("sign-in rate limit unavailable", "error", err.Error())
		return true
	}
	if !ok {
		fail(c, errRateLimited)
	}
	return ok
}

func (s *Server) createTicket(c *gin.Context) {
	if !s.allowSignIn(c, "ticket") {
		return
	}
	t, err := s.accounts.Tickets().Create(c.Request.Context(), c.ClientIP(), c.GetHeader("User-Agent"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, ticketJSON{ID: t.ID, Secret: t.Secret, QR: ticketQRPrefix + t.ID, Status: t.Status, ExpiresAt: stamp(t.ExpiresAt)})
}

func (s *Server) pollTicket(c *gin.Context) {
	ctx := c.Request.Context()
	status, expires, uid, err := s.accounts.Tickets().Poll(ctx, c.Param("ticket"), c.GetHeader("X-Ticket-Secret"))
	if err != nil {
		fail(c, err)
		return
	}
	out := ticketStateJSON{Status: status, ExpiresAt: stamp(expires)}
	if status == account.TicketApproved {
		token, exp, u, err := s.accounts.StartConsole(ctx, uid)
		if errors.Is(err, account.ErrNoConsoleRole) {
			// The role was revoked between the approval and this poll.
			out.Status = account.TicketDeclined
			c.JSON(http.StatusOK, out)
			return
		}
		if err != nil {
			fail(c, err)
			return
		}
		c.Set(keyUserID, u.ID)
		out.Session = &consoleSessionJSON{Token: token, ExpiresAt: stamp(exp), User: meOf(u)}
	}
	c.JSON(http.StatusOK, out)
}

// decideTicket is the mini-program's scan, approval or decline of a ticket.
func (s *Server) decideTicket(status string) gin.HandlerFunc {
	return func(c *gin.Context) {
		t, err := s.accounts.Tickets().Decide(c.Request.Context(), c.Param("ticket"), userID(c), status)
		if err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, ticketInfoJSON{ID: t.ID, Status: t.Status, ClientIP: t.ClientIP, UserAgent: t.UserAgent,
			CreatedAt: stamp(t.CreatedAt), ExpiresAt: stamp(t.ExpiresAt)})
	}
}

// consoleCodeLogin signs in to the console with a login code; the route exists in fake mode only.
func (s *Server) consoleCodeLogin(c *gin.Context) {
	code, ok := s.readLoginCode(c)
	if !ok {
		return
	}
	token, exp, u, err := s.accounts.ConsoleLogin(c.Request.Context(), code)
	if err != nil {
		fail(c, err)
		return
	}
	c.Set(keyUserID, u.ID)
	c.JSON(http.StatusOK, consoleSessionJSON{Token: token, ExpiresAt: stamp(exp), User: meOf(u)})
}

// The console's files: the Vue build embedded in the binary, served at /console/.

// consoleCSP allows the console's own scripts only (no inline script, no eval); TDesign sets
// inline styles, QR codes are data: images, and report photos come from the public URL.
func consoleCSP(publicOrigin string) string {
	img := "'self' data: blob:"
	if publicOrigin != "" {
		img += " " + publicOrigin
	}
	return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src " + img +
		"; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
}

// consoleHeaders are set on every answer under /console/.
func (s *Server) consoleHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", s.consoleCSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Content-Type-Options", "nosniff")
	c.Next()
}

// notBuilt answers while the binary carries no console build.
const notBuilt = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>社区工作台</title>
<p>社区工作台尚未构建。The console is not built into this binary: run <code>make console</code>, then build again.</p></html>`

// serveConsole serves a file of the build, or index.html for the app's own routes (history
// mode). Hashed assets are cached for a year; index.html is never cached, so a new build is seen
// at once.
func (s *Server) serveConsole(c *gin.Context) {
	name := strings.TrimPrefix(path.Clean("/"+c.Param("path")), "/")
	if name != "" && name != "index.html" {
		if b, err := fs.ReadFile(s.ConsoleFiles, name); err == nil {
			if strings.HasPrefix(name, "assets/") {
				c.Header("Cache-Control", "public, max-age=31536000, immutable")
			} else {
				c.Header("Cache-Control", "no-cache")
			}
			http.ServeContent(c.Writer, c.Request, name, time.Time{}, bytes.NewReader(b))
			return
		}
		// A missing asset is a 404, never the page: a browser must not run HTML as a script.
		if strings.HasPrefix(name, "assets/") || path.Ext(name) != "" {
			fail(c, errNotFound)
			return
		}
	}
	c.Header("Cache-Control", "no-cache")
	index, err := fs.ReadFile(s.ConsoleFiles, "index.html")
	if err != nil {
		c.Data(http.StatusServiceUnavailable, "text/html; charset=utf-8", []byte(notBuilt))
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", index)
}
