package httpapi_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/util"

	"github.com/linli/linli/server/internal/app"
	"github.com/linli/linli/server/internal/config"
	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/mysqltest"
	"github.com/linli/linli/server/internal/redistest"
	"github.com/linli/linli/server/internal/upload"
	"github.com/linli/linli/server/internal/wechat"
)

var fake *wechat.Fake

func TestMain(m *testing.M) {
	fake = wechat.NewFake(time.Now)
	u, stop, err := fake.Start()
	if err != nil {
		panic(err)
	}
	// The one global of the WeChat library, set once as run does.
	util.DefaultHTTPClient = wechat.NewHTTPClient(u)
	rec := database.NewRecorder()
	mysqltest.Record(rec)
	code := m.Run()
	stop()
	mysqltest.Record(nil)
	if code == 0 {
		bad, err := undocumentedStatuses()
		if err != nil || len(bad) > 0 {
			fmt.Fprintf(os.Stderr, "answers docs/openapi.yaml does not document for their operation (%v):\n  %s\n", err, strings.Join(bad, "\n  "))
			code = 1
		}
	}
	if code == 0 && guardWanted() {
		code = guard(rec.Statements())
	}
	os.Exit(code)
}

// testEnv is one test's server: its own database, Redis prefix and handler.
type testEnv struct {
	t      testing.TB
	app    *app.App
	h      http.Handler
	db     *sql.DB
	rdb    *redis.Client
	prefix string
	// tag makes this test's WeChat users its own: the fake WeChat, and what each user accepted in
	// it, is shared by the tests running in parallel.
	tag string
	// templates are the subscribe templates' ids by key (the key itself unless long-term).
	templates map[string]string
}

var envs atomic.Int64

type options struct {
	loginsPerMinute int64
	// uploadsPerMinute and uploadsPerDay limit each user's uploads (default 1000 each);
	// uploadLimits bound their memory (default upload's).
	uploadsPerMinute, uploadsPerDay int64
	uploadLimits                    upload.Limits
	// now is the clock (default time.Now); console the console's build (default none).
	now     func() time.Time
	console fs.FS
	// redisHook, when set, watches the commands of a Redis client of the test's own.
	redisHook redis.Hook
	// longTerm are the template keys configured long-term (LINLI_WECHAT_LONG_TERM). Their
	// template ids are the test's own (key_lt_tag), long-term in the shared fake WeChat, which
	// keeps this setting per template id.
	longTerm []string
}

func newEnv(t *testing.T, opts ...options) *testEnv {
	t.Helper()
	t.Parallel()
	return newEnvTB(t, opts...)
}

// newEnvTB is newEnv for benchmarks too.
func newEnvTB(t testing.TB, opts ...options) *testEnv {
	t.Helper()
	db := mysqltest.NewDB(t)
	rdb, prefix := redistest.New(t)
	var o options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.redisHook != nil {
		opt, err := redis.ParseURL(redistest.URL())
		if err != nil {
			t.Fatal(err)
		}
		rdb = redis.NewClient(opt)
		rdb.AddHook(o.redisHook)
		t.Cleanup(func() { _ = rdb.Close() })
	}
	if o.loginsPerMinute == 0 {
		o.loginsPerMinute = 1000
	}
	if o.uploadsPerMinute == 0 {
		o.uploadsPerMinute = 1000
	}
	if o.uploadsPerDay == 0 {
		o.uploadsPerDay = 1000
	}
	if o.now == nil {
		o.now = time.Now
	}
	tag := fmt.Sprintf("e%d", envs.Add(1))
	tpl := map[string]string{}
	for _, k := range config.TemplateKeys {
		tpl[k] = k
	}
	for _, k := range o.longTerm {
		tpl[k] = k + "_lt_" + tag
		fake.SetLongTerm(tpl[k])
	}
	a, err := app.New(app.Options{
		DB: db, Redis: rdb, KeyPrefix: prefix, Log: slog.New(slog.DiscardHandler), Now: o.now, Console: o.console,
		DataKey:   bytes.Repeat([]byte{42}, 32),
		WeChat:    wechat.New(wechat.Config{AppID: "wxtest", Secret: "test-secret"}, wechat.NewCache(rdb, prefix)),
		Templates: tpl, LongTerm: o.longTerm, TrustedProxies: []string{"127.0.0.1"}, Fake: fake, LoginsPerMinute: o.loginsPerMinute,
		UploadDir: t.TempDir(), PublicURL: "https://linli.test",
		UploadsPerMinute: o.uploadsPerMinute, UploadsPerDay: o.uploadsPerDay, UploadLimits: o.uploadLimits,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{t: t, app: a, h: a.Handler, db: db, rdb: rdb, prefix: prefix, tag: tag, templates: tpl}
}

// resp is an answer, with its body decoded loosely.
type resp struct {
	Status int
	Header http.Header
	Raw    []byte
	Body   map[string]any
}

// errCode is the envelope's error code ("" when the answer is no error).
func (r resp) errCode() string {
	e, _ := r.Body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func (r resp) field(name string) string {
	e, _ := r.Body["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	v, _ := f[name].(string)
	return v
}

// do sends a request; body is JSON-encoded unless it is a string or []byte, sent as is.
func (e *testEnv) do(method, path, token string, body any, header ...string) resp {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, r)
	req.RemoteAddr = "192.0.2.10:1234"
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, req)
	recordExchange(method, path, w.Code)
	out := resp{Status: w.Code, Header: w.Header(), Raw: w.Body.Bytes()}
	if len(out.Raw) > 0 && strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(out.Raw, &out.Body); err != nil {
			e.t.Fatalf("%s %s: answer is not a JSON object: %s", method, path, out.Raw)
		}
	}
	return out
}

// into decodes an answer's body into a typed value.
func into[T any](t testing.TB, r resp) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.Raw, &v); err != nil {
		t.Fatalf("decode %T from %s: %v", v, r.Raw, err)
	}
	return v
}

// want fails the test unless the answer has the status (and, for errors, the code).
func (e *testEnv) want(r resp, status int, code string) {
	e.t.Helper()
	if r.Status != status || r.errCode() != code {
		e.t.Fatalf("got %d %q (%s), want %d %q", r.Status, r.errCode(), r.Raw, status, code)
	}
	if status >= 400 {
		e.checkEnvelope(r)
	}
}

func (e *testEnv) checkEnvelope(r resp) {
	e.t.Helper()
	env, ok := r.Body["error"].(map[string]any)
	if !ok {
		e.t.Fatalf("error answer without envelope: %s", r.Raw)
	}
	if msg, _ := env["message"].(string); msg == "" {
		e.t.Errorf("envelope without message: %s", r.Raw)
	}
	// A replayed answer is the first one, with the first request's id.
	replayed := r.Header.Get("Idempotent-Replayed") == "true"
	if id, _ := env["request_id"].(string); id == "" || (!replayed && id != r.Header.Get("X-Request-Id")) {
		e.t.Errorf("envelope request_id %q, header %q", id, r.Header.Get("X-Request-Id"))
	}
}

// code is this test's own login code for a user named code.
func (e *testEnv) code(code string) string { return code + "-" + e.tag }

// openid is the WeChat openid of this test's user named code.
func (e *testEnv) openid(code string) string { return "fake-" + e.code(code) }

// accept is the user's tap on 允许 in wx.requestSubscribeMessage for each template key: WeChat
// (the fake) counts it, and the mini-program tells the server.
func (e *testEnv) accept(token, code string, keys ...string) {
	e.t.Helper()
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = e.templates[k]
		fake.Subscribe(e.openid(code), ids[i], true)
	}
	e.want(e.do("POST", "/api/v1/me/subscriptions", token, map[string]any{"template_ids": ids}), 200, "")
}

// login signs in this test's user named code through the fake WeChat and returns the token
// and user id.
func (e *testEnv) login(code string) (string, int64) {
	e.t.Helper()
	r := e.do("POST", "/api/v1/auth/login", "", map[string]any{"code": e.code(code)})
	e.want(r, http.StatusOK, "")
	user := r.Body["user"].(map[string]any)
	return r.Body["token"].(string), int64(user["id"].(float64))
}

// community creates a community with buildings and returns their ids.
func (e *testEnv) community(name string, buildings ...string) (int64, []int64) {
	e.t.Helper()
	ctx := context.Background()
	c, err := e.app.Communities.Create(ctx, name)
	if err != nil {
		e.t.Fatal(err)
	}
	var ids []int64
	for _, b := range buildings {
		bb, err := e.app.Communities.AddBuilding(ctx, c.ID, b)
		if err != nil {
			e.t.Fatal(err)
		}
		ids = append(ids, bb.ID)
	}
	return c.ID, ids
}

// staff signs in a new user who is staff of the community.
func (e *testEnv) staff(code string, communityID int64) (string, int64) {
	e.t.Helper()
	tok, uid := e.login(code)
	if _, err := e.app.Accounts.Grant(context.Background(), communityID, uid, "staff", 0); err != nil {
		e.t.Fatal(err)
	}
	return tok, uid
}

// walk follows next_cursor through a list from its first page, collecting one string field of
// every item; it fails the test after 20 pages.
func (e *testEnv) walk(path, token, field string) []string {
	e.t.Helper()
	var out []string
	cursor := ""
	for range 20 {
		r := e.do("GET", path+"&cursor="+cursor, token, nil)
		e.want(r, 200, "")
		for _, it := range r.Body["items"].([]any) {
			out = append(out, it.(map[string]any)[field].(string))
		}
		if cursor = r.Body["next_cursor"].(string); cursor == "" {
			return out
		}
	}
	e.t.Fatalf("%s: the list never ended", path)
	return nil
}
