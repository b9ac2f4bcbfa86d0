package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

// clock is a test's clock, moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type ticketJSON struct {
	ID        string `json:"id"`
	Secret    string `json:"secret"`
	QR        string `json:"qr"`
	Status    string `json:"status"`
	ExpiresAt string `json:"expires_at"`
}

type ticketStateJSON struct {
	Status  string `json:"status"`
	Session *struct {
		Token     string `json:"token"`
		ExpiresAt string `json:"expires_at"`
		User      struct {
			ID int64 `json:"id"`
		} `json:"user"`
	} `json:"session"`
}

type ticketInfoJSON struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	ClientIP  string `json:"client_ip"`
	UserAgent string `json:"user_agent"`
}

func (e *testEnv) newTicket() ticketJSON {
	e.t.Helper()
	r := e.do("POST", "/api/v1/console/tickets", "", nil, "User-Agent", "Mozilla/5.0 (Windows NT 10.0) Chrome/120")
	e.want(r, http.StatusCreated, "")
	return into[ticketJSON](e.t, r)
}

func (e *testEnv) poll(t ticketJSON, secret string) resp {
	e.t.Helper()
	return e.do("GET", "/api/v1/console/tickets/"+t.ID, "", nil, "X-Ticket-Secret", secret)
}

func TestConsoleSignInByTicket(t *testing.T) {
	e := newEnv(t)
	cid, _ := e.community("中埂社区", "1幢")
	staff, staffID := e.staff("staff", cid)
	resident, _ := e.login("resident")

	tk := e.newTicket()
	if tk.Status != "pending" || tk.QR != "linli-console:"+tk.ID || tk.Secret == "" || strings.Contains(tk.QR, tk.Secret) {
		t.Fatalf("ticket = %+v", tk)
	}
	// Only the secret's holder learns anything about the ticket.
	e.want(e.poll(tk, "wrong"), 404, "not_found")
	e.want(e.poll(tk, ""), 404, "not_found")
	e.want(e.do("GET", "/api/v1/console/tickets/nope", "", nil, "X-Ticket-Secret", tk.Secret), 404, "not_found")
	if got := into[ticketStateJSON](t, e.poll(tk, tk.Secret)); got.Status != "pending" || got.Session != nil {
		t.Fatalf("poll = %+v", got)
	}

	// A resident cannot scan or approve; nobody can without signing in.
	for _, step := range []string{"scan", "approve", "decline"} {
		e.want(e.do("POST", "/api/v1/console/tickets/"+tk.ID+"/"+step, resident, nil), 403, "forbidden")
		e.want(e.do("POST", "/api/v1/console/tickets/"+tk.ID+"/"+step, "", nil), 401, "unauthenticated")
	}
	e.want(e.do("POST", "/api/v1/console/tickets/nope/approve", staff, nil), 404, "not_found")

	r := e.do("POST", "/api/v1/console/tickets/"+tk.ID+"/scan", staff, nil)
	e.want(r, 200, "")
	if info := into[ticketInfoJSON](t, r); info.Status != "scanned" || info.ClientIP != "192.0.2.10" || !strings.Contains(info.UserAgent, "Chrome") {
		t.Errorf("scan = %s", r.Raw)
	}
	if got := into[ticketStateJSON](t, e.poll(tk, tk.Secret)); got.Status != "scanned" {
		t.Errorf("poll after scan = %+v", got)
	}
	e.want(e.do("POST", "/api/v1/console/tickets/"+tk.ID+"/approve", staff, nil), 200, "")
	e.want(e.do("POST", "/api/v1/console/tickets/"+tk.ID+"/decline", staff, nil), 409, "already_decided")

	got := into[ticketStateJSON](t, e.poll(tk, tk.Secret))
	if got.Status != "approved" || got.Session == nil || !strings.HasPrefix(got.Session.Token, "lc_") || got.Session.User.ID != staffID {
		t.Fatalf("collect = %+v", got)
	}
	// Collected once: the ticket is gone.
	e.want(e.poll(tk, tk.Secret), 404, "not_found")

	console := got.Session.Token
	e.want(e.do("GET", "/api/v1/admin/guardian-requests", console, nil), 200, "")
	e.want(e.do("GET", "/api/v1/me", console, nil), 200, "")
	e.want(e.do("POST", "/api/v1/auth/logout", console, nil), 204, "")
	e.want(e.do("GET", "/api/v1/me", console, nil), 401, "unauthenticated")
	// The mini-program's own session is not touched by the console's logout.
	e.want(e.do("GET", "/api/v1/me", staff, nil), 200, "")

	// A declined ticket gives nothing.
	tk = e.newTicket()
	e.want(e.do("POST", "/api/v1/console/tickets/"+tk.ID+"/decline", staff, nil), 200, "")
	if got := into[ticketStateJSON](t, e.poll(tk, tk.Secret)); got.Status != "declined" || got.Session != nil {
		t.Errorf("declined poll = %+v", got)
	}
	e.want(e.do("POST", "/api/v1/console/tickets/"+tk.ID+"/approve", staff, nil), 409, "already_decided")
}

func TestConsoleTicketExpiresAndSessionLastsTwelveHours(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Now()}
	e := newEnvTB(t, options{now: clk.Now})
	cid, _ := e.community("中埂社区", "1幢")
	staff, _ := e.staff("staff", cid)

	tk := e.newTicket()
	clk.Add(2*time.Minute + time.Second)
	if got := into[ticketStateJSON](t, e.poll(tk, tk.Secret)); got.Status != "expired" {
		t.Errorf("poll after 2 minutes = %+v", got)
	}
	e.want(e.do("POST", "/api/v1/console/tickets/"+tk.ID+"/scan", staff, nil), 409, "ticket_expired")
	e.want(e.do("POST", "/api/v1/console/tickets/"+tk.ID+"/approve", staff, nil), 409, "ticket_expired")

	tk = e.newTicket()
	e.want(e.do("POST", "/api/v1/console/tickets/"+tk.ID+"/approve", staff, nil), 200, "")
	got := into[ticketStateJSON](t, e.poll(tk, tk.Secret))
	if got.Session == nil {
		t.Fatalf("collect = %+v", got)
	}
	exp, err := time.Parse(time.RFC3339, got.Session.ExpiresAt)
	if err != nil || exp.Sub(clk.Now()) < 12*time.Hour-time.Minute || exp.Sub(clk.Now()) > 12*time.Hour {
		t.Errorf("expires_at = %s, now %s", got.Session.ExpiresAt, clk.Now())
	}
	// Use does not extend a console session: it ends 12 hours after sign-in, whatever happens.
	ctx := context.Background()
	keys, err := e.rdb.Keys(ctx, e.prefix+"csess:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	var ttlBefore time.Duration
	for _, k := range keys {
		if !strings.Contains(k, ":user:") {
			ttlBefore = e.rdb.TTL(ctx, k).Val()
		}
	}
	time.Sleep(1100 * time.Millisecond)
	e.want(e.do("GET", "/api/v1/me", got.Session.Token, nil), 200, "")
	for _, k := range keys {
		if ttl := e.rdb.TTL(ctx, k).Val(); !strings.Contains(k, ":user:") && (ttl <= 0 || ttl >= ttlBefore || ttlBefore > 12*time.Hour) {
			t.Errorf("console session TTL went from %s to %s", ttlBefore, ttl)
		}
	}
}

func TestConsoleSessionEndsWhenTheRoleGoes(t *testing.T) {
	e := newEnv(t)
	cid, _ := e.community("中埂社区", "1幢")
	staff, _ := e.staff("staff", cid)
	kitchen, kitchenID := e.login("kitchen")
	e.want(e.do("POST", "/api/v1/admin/members", staff, map[string]any{"user_id": kitchenID, "role": "canteen_staff"}), 201, "")

	tk := e.newTicket()
	e.want(e.do("POST", "/api/v1/console/tickets/"+tk.ID+"/approve", kitchen, nil), 200, "")
	console := into[ticketStateJSON](t, e.poll(tk, tk.Secret)).Session.Token
	e.want(e.do("GET", "/api/v1/me", console, nil), 200, "")
	// Canteen staff reach the kitchen, not staff's pages.
	e.want(e.do("GET", "/api/v1/admin/guardian-requests", console, nil), 403, "forbidden")

	e.want(e.do("DELETE", fmt.Sprintf("/api/v1/admin/members/%d/canteen_staff", kitchenID), staff, nil), 204, "")
	e.want(e.do("GET", "/api/v1/me", console, nil), 401, "unauthenticated")
	// Granted again, the ended session stays ended; the mini-program's session was never the console's.
	e.want(e.do("POST", "/api/v1/admin/members", staff, map[string]any{"user_id": kitchenID, "role": "canteen_staff"}), 201, "")
	e.want(e.do("GET", "/api/v1/me", console, nil), 401, "unauthenticated")
	e.want(e.do("GET", "/api/v1/me", kitchen, nil), 200, "")

	// Deleting the account ends its console sessions too.
	tk = e.newTicket()
	e.want(e.do("POST", "/api/v1/console/tickets/"+tk.ID+"/approve", kitchen, nil), 200, "")
	console = into[ticketStateJSON](t, e.poll(tk, tk.Secret)).Session.Token
	e.want(e.do("DELETE", "/api/v1/me", kitchen, nil), 204, "")
	e.want(e.do("GET", "/api/v1/me", console, nil), 401, "unauthenticated")
}

func TestConsoleLoginCode(t *testing.T) {
	e := newEnv(t)
	cid, _ := e.community("中埂社区", "1幢")
	e.staff("staff", cid)
	e.login("resident")

	r := e.do("POST", "/api/v1/console/sessions", "", map[string]any{"code": e.code("staff")})
	e.want(r, 200, "")
	tok := r.Body["token"].(string)
	if !strings.HasPrefix(tok, "lc_") {
		t.Errorf("token = %s", tok)
	}
	e.want(e.do("GET", "/api/v1/admin/guardian-requests", tok, nil), 200, "")
	e.want(e.do("POST", "/api/v1/console/sessions", "", map[string]any{"code": e.code("resident")}), 403, "forbidden")
	e.want(e.do("POST", "/api/v1/console/sessions", "", map[string]any{"code": "bad-code"}), 400, "invalid_code")
	e.want(e.do("POST", "/api/v1/console/sessions", "", map[string]any{"code": strings.Repeat("c", 257)}), 400, "invalid_code")
	e.want(e.do("POST", "/api/v1/console/sessions", "", map[string]any{"code": "c&d=e"}), 400, "invalid_code")
	e.want(e.do("POST", "/api/v1/console/sessions", "", map[string]any{}), 400, "invalid_request")

	cfg := e.do("GET", "/api/v1/app-config", "", nil)
	if cfg.Body["dev_login"] != true {
		t.Errorf("app-config = %s", cfg.Raw)
	}
}

func TestConsoleFiles(t *testing.T) {
	t.Parallel()
	build := fstest.MapFS{
		"index.html":             {Data: []byte(`<!doctype html><div id="app"></div><script type="module" src="/console/assets/index-abc123.js"></script>`)},
		"assets/index-abc123.js": {Data: []byte(`console.log("linli")`)},
		"favicon.ico":            {Data: []byte{0, 0, 1, 0}},
	}
	e := newEnvTB(t, options{console: build})
	tests := []struct {
		path, wantType, wantCache, wantBody string
		wantStatus                          int
	}{
		{"/console/", "text/html", "no-cache", `<div id="app">`, 200},
		{"/console/index.html", "text/html", "no-cache", `<div id="app">`, 200},
		{"/console/persons/12", "text/html", "no-cache", `<div id="app">`, 200},
		{"/console/canteen/week", "text/html", "no-cache", `<div id="app">`, 200},
		{"/console/assets/index-abc123.js", "javascript", "immutable", "linli", 200},
		{"/console/favicon.ico", "", "no-cache", "", 200},
		{"/console/assets/missing.js", "application/json", "", "not_found", 404},
		{"/console/missing.css", "application/json", "", "not_found", 404},
		{"/console/../docs/openapi.yaml", "", "", "", 0},
	}
	for _, tt := range tests {
		r := e.do("GET", tt.path, "", nil)
		if tt.wantStatus == 0 {
			if strings.Contains(string(r.Raw), "openapi") {
				t.Errorf("%s escaped the build: %s", tt.path, r.Raw)
			}
			continue
		}
		if r.Status != tt.wantStatus || !strings.Contains(r.Header.Get("Content-Type"), tt.wantType) ||
			!strings.Contains(r.Header.Get("Cache-Control"), tt.wantCache) || !strings.Contains(string(r.Raw), tt.wantBody) {
			t.Errorf("GET %s = %d %q %q %.80s", tt.path, r.Status, r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"), r.Raw)
		}
		csp := r.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline' 'self'; script") ||
			strings.Contains(csp, "script-src 'self' 'unsafe") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("GET %s CSP = %q", tt.path, csp)
		}
		if r.Header.Get("X-Frame-Options") != "DENY" || r.Header.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("GET %s headers = %v", tt.path, r.Header)
		}
	}
	r := e.do("GET", "/console", "", nil)
	if r.Status != http.StatusMovedPermanently || r.Header.Get("Location") != "/console/" {
		t.Errorf("GET /console = %d %s", r.Status, r.Header.Get("Location"))
	}
	// A binary built before the console says so.
	bare := newEnvTB(t)
	if r := bare.do("GET", "/console/", "", nil); r.Status != http.StatusServiceUnavailable || !strings.Contains(string(r.Raw), "make console") {
		t.Errorf("unbuilt console = %d %s", r.Status, r.Raw)
	}
}
