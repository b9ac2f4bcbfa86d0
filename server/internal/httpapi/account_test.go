package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/linli/linli/server/internal/wechat"
)

func TestLogin(t *testing.T) {
	e := newEnv(t)
	tok, uid := e.login("alice")
	if !strings.HasPrefix(tok, "lt_") {
		t.Errorf("token %q lacks its prefix", tok)
	}
	tok2, uid2 := e.login("alice")
	if uid2 != uid || tok2 == tok {
		t.Errorf("second login: user %d token equal %v; want user %d and a new token", uid2, tok2 == tok, uid)
	}
	r := e.do("POST", "/api/v1/auth/login", "", map[string]any{"code": "bob"})
	exp, err := time.Parse(time.RFC3339, r.Body["expires_at"].(string))
	if err != nil || !strings.HasSuffix(r.Body["expires_at"].(string), "+08:00") {
		t.Errorf("expires_at %v: %v, want RFC 3339 at +08:00", r.Body["expires_at"], err)
	}
	if d := time.Until(exp); d < 29*24*time.Hour || d > 31*24*time.Hour {
		t.Errorf("session lasts %v, want 30 days", d)
	}
	user := r.Body["user"].(map[string]any)
	if roles, ok := user["roles"].([]any); !ok || len(roles) != 0 {
		t.Errorf("new user roles = %v, want []", user["roles"])
	}

	tests := []struct {
		name       string
		body       any
		status     int
		code       string
		wantField  string
		wantNoBody bool
	}{
		{"invalid code", map[string]any{"code": "invalid"}, 400, "invalid_code", "", false},
		{"refused code", map[string]any{"code": "bad-123"}, 400, "invalid_code", "", false},
		{"code with a space", map[string]any{"code": "a b"}, 400, "invalid_code", "", false},
		{"code with a quote", map[string]any{"code": `a"b`}, 400, "invalid_code", "", false},
		{"code adding a parameter", map[string]any{"code": "x&grant_type=y"}, 400, "invalid_code", "", false},
		{"missing code", map[string]any{}, 400, "invalid_request", "code", false},
		{"blank code", map[string]any{"code": "  "}, 400, "invalid_request", "code", false},
		{"unknown field", map[string]any{"code": "x", "admin": true}, 400, "invalid_request", "admin", false},
		{"wrong type", map[string]any{"code": 12}, 400, "invalid_request", "code", false},
		{"bad json", `{"code":`, 400, "invalid_request", "", false},
		{"not json", `hello`, 400, "invalid_request", "", false},
		{"trailing data", `{"code":"x"} {}`, 400, "invalid_request", "", false},
		{"array", `[1,2]`, 400, "invalid_request", "", false},
		{"empty body", ``, 400, "invalid_request", "", false},
		{"huge body", `{"code":"` + strings.Repeat("a", 200<<10) + `"}`, 413, "too_large", "", false},
		{"long code", map[string]any{"code": strings.Repeat("a", 129)}, 400, "invalid_code", "", false},
		{"very long code", map[string]any{"code": strings.Repeat("a", 300)}, 400, "invalid_code", "", false},
		{"very long code with a quote", map[string]any{"code": strings.Repeat("a", 3000) + `'`}, 400, "invalid_code", "", false},
		{"code with a single quote", map[string]any{"code": "a'b"}, 400, "invalid_code", "", false},
		{"code with a slash", map[string]any{"code": "a/b"}, 400, "invalid_code", "", false},
		{"code in Chinese", map[string]any{"code": "登录"}, 400, "invalid_code", "", false},
		{"code with a newline", map[string]any{"code": "a\nb"}, 400, "invalid_code", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do("POST", "/api/v1/auth/login", "", tt.body)
			e.want(r, tt.status, tt.code)
			if tt.wantField != "" && r.field(tt.wantField) == "" {
				t.Errorf("fields = %s, want one for %q", r.Raw, tt.wantField)
			}
		})
	}
}

func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t, options{loginsPerMinute: 3})
	for i := range 3 {
		e.login(fmt.Sprintf("user-%d", i))
	}
	r := e.do("POST", "/api/v1/auth/login", "", map[string]any{"code": "user-9"})
	e.want(r, http.StatusTooManyRequests, "rate_limited")
}

func TestAuthentication(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.login("carol")
	tests := []struct {
		name   string
		header string
	}{
		{"no header", ""},
		{"forged token", "Bearer lt_forgedforgedforgedforgedforged"},
		{"not bearer", "Basic " + tok},
		{"wrong shape", "Bearer " + strings.Repeat("x", 500)},
	}
	for _, tt := range tests {
		r := e.do("GET", "/api/v1/me", "", nil, "Authorization", tt.header)
		if r.Status != 401 || r.errCode() != "unauthenticated" {
			t.Errorf("%s: got %d %s, want 401 unauthenticated", tt.name, r.Status, r.Raw)
		}
	}
	e.want(e.do("GET", "/api/v1/me", tok, nil), 200, "")

	// The session slides: each use extends it to 30 days again.
	keys, err := e.rdb.Keys(context.Background(), e.prefix+"sess:*").Result()
	if err != nil || len(keys) == 0 {
		t.Fatalf("session keys %v, %v", keys, err)
	}
	for _, k := range keys {
		if strings.Contains(k, tok) {
			t.Errorf("the token itself is a Redis key: %s", k)
		}
		e.rdb.Expire(context.Background(), k, time.Minute)
	}
	e.want(e.do("GET", "/api/v1/me", tok, nil), 200, "")
	var slid bool
	for _, k := range keys {
		if ttl := e.rdb.TTL(context.Background(), k).Val(); ttl > 29*24*time.Hour {
			slid = true
		}
	}
	if !slid {
		t.Error("using a session did not extend it")
	}

	// An expired session is gone from Redis.
	for _, k := range keys {
		e.rdb.Del(context.Background(), k)
	}
	e.want(e.do("GET", "/api/v1/me", tok, nil), 401, "unauthenticated")

	tok, _ = e.login("carol")
	e.want(e.do("POST", "/api/v1/auth/logout", tok, nil), 204, "")
	e.want(e.do("GET", "/api/v1/me", tok, nil), 401, "unauthenticated")
}

func TestProfile(t *testing.T) {
	e := newEnv(t)
	cid, b := e.community("中埂社区", "1幢", "2幢")
	other, ob := e.community("西街社区", "9幢")
	_ = other
	tok, uid := e.login("dave")
	good := map[string]any{"name": "王大爷", "community_id": cid, "building_id": b[0], "unit": "1单元", "room": "301", "gender": "male", "birth_date": "1950-03-04"}
	r := e.do("PUT", "/api/v1/me/profile", tok, good)
	e.want(r, 200, "")
	if r.Body["name"] != "王大爷" || r.Body["community_id"] != float64(cid) || r.Body["person_id"] == nil {
		t.Errorf("profile answer %s", r.Raw)
	}
	if !strings.Contains(string(r.Raw), `{"community_id":`+fmt.Sprint(cid)+`,"role":"resident"}`) {
		t.Errorf("no resident role in %s", r.Raw)
	}
	personID := r.Body["person_id"]
	good["building_id"] = b[1]
	r = e.do("PUT", "/api/v1/me/profile", tok, good)
	e.want(r, 200, "")
	if r.Body["person_id"] != personID {
		t.Errorf("updating the profile made another person: %v, was %v", r.Body["person_id"], personID)
	}
	var n int
	if err := e.db.QueryRow("SELECT COUNT(*) FROM persons WHERE owner_user_id = ?", uid).Scan(&n); err != nil || n != 1 {
		t.Errorf("own persons = %d, %v; want 1", n, err)
	}

	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for kk, vv := range good {
			m[kk] = vv
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name  string
		body  any
		field string
	}{
		{"no name", with("name", nil), "name"},
		{"huge name", with("name", strings.Repeat("王", 10000)), "name"},
		{"no community", with("community_id", nil), "community_id"},
		{"unknown community", with("community_id", 999999), "community_id"},
		{"building of another community", with("building_id", ob[0]), "building_id"},
		{"unknown building", with("building_id", 999999), "building_id"},
		{"future birth date", with("birth_date", time.Now().AddDate(1, 0, 0).Format(time.DateOnly)), "birth_date"},
		{"bad birth date", with("birth_date", "1950-13-40"), "birth_date"},
		{"bad gender", with("gender", "x"), "gender"},
		{"no room", with("room", ""), "room"},
		{"string id", with("community_id", "1"), "community_id"},
	}
	for _, tt := range tests {
		r := e.do("PUT", "/api/v1/me/profile", tok, tt.body)
		if r.Status != 400 || r.field(tt.field) == "" {
			t.Errorf("%s: got %d %s, want 400 naming %s", tt.name, r.Status, r.Raw, tt.field)
		}
	}
}

func TestPhone(t *testing.T) {
	e := newEnv(t)
	tok, uid := e.login("erin")
	r := e.do("GET", "/api/v1/me", tok, nil)
	if r.Body["phone"] != nil {
		t.Errorf("phone before binding = %v, want null", r.Body["phone"])
	}
	r = e.do("POST", "/api/v1/me/phone", tok, map[string]any{"code": "phone-erin"})
	e.want(r, 200, "")
	phone := wechat.FakePhone("phone-erin")
	if want := phone[:3] + "****" + phone[7:]; r.Body["phone"] != want {
		t.Errorf("phone = %v, want %s", r.Body["phone"], want)
	}
	var enc []byte
	if err := e.db.QueryRow("SELECT phone_enc FROM users WHERE id = ?", uid).Scan(&enc); err != nil {
		t.Fatal(err)
	}
	if len(enc) == 0 || bytes.Contains(enc, []byte(phone)) {
		t.Errorf("phone at rest is %q: not encrypted", enc)
	}
	if strings.Contains(string(e.do("GET", "/api/v1/me", tok, nil).Raw), phone) {
		t.Error("GET /me shows the phone unmasked")
	}
	e.want(e.do("POST", "/api/v1/me/phone", tok, map[string]any{"code": "invalid"}), 400, "invalid_code")
	e.want(e.do("POST", "/api/v1/me/phone", tok, map[string]any{"code": "p&x=1"}), 400, "invalid_code")
	e.want(e.do("POST", "/api/v1/me/phone", tok, map[string]any{"code": strings.Repeat("p", 300)}), 400, "invalid_code")
	e.want(e.do("POST", "/api/v1/me/phone", tok, map[string]any{}), 400, "invalid_request")
	e.want(e.do("POST", "/api/v1/me/phone", "", map[string]any{"code": "x"}), 401, "unauthenticated")
}

func TestDeleteMe(t *testing.T) {
	e := newEnv(t)
	cid, b := e.community("中埂社区", "1幢")
	tok, uid := e.login("frank")
	other, _ := e.login("frank") // a second device
	e.want(e.do("PUT", "/api/v1/me/profile", tok, map[string]any{"name": "张三", "community_id": cid, "building_id": b[0], "unit": "1", "room": "101"}), 200, "")
	e.want(e.do("POST", "/api/v1/me/phone", tok, map[string]any{"code": "p"}), 200, "")
	e.want(e.do("POST", "/api/v1/me/subscriptions", tok, map[string]any{"template_ids": []string{"meal_notice"}}), 200, "")

	e.want(e.do("DELETE", "/api/v1/me", tok, nil), 204, "")
	e.want(e.do("GET", "/api/v1/me", tok, nil), 401, "unauthenticated")
	e.want(e.do("GET", "/api/v1/me", other, nil), 401, "unauthenticated")

	var (
		openid, enc any
		name        string
	)
	if err := e.db.QueryRow("SELECT openid, phone_enc, name FROM users WHERE id = ?", uid).Scan(&openid, &enc, &name); err != nil {
		t.Fatal(err)
	}
	if openid != nil || enc != nil || name != "" {
		t.Errorf("deleted user keeps openid %v, phone %v, name %q", openid, enc, name)
	}
	var pname string
	if err := e.db.QueryRow("SELECT name FROM persons WHERE community_id = ?", cid).Scan(&pname); err != nil || pname == "张三" {
		t.Errorf("person of a deleted account keeps its name %q (%v)", pname, err)
	}
	var roles, consents int
	e.db.QueryRow("SELECT COUNT(*) FROM user_roles WHERE user_id = ?", uid).Scan(&roles)
	e.db.QueryRow("SELECT COUNT(*) FROM subscription_consents WHERE user_id = ?", uid).Scan(&consents)
	if roles != 0 || consents != 0 {
		t.Errorf("deleted user keeps %d roles and %d consents", roles, consents)
	}
	_, uid2 := e.login("frank")
	if uid2 == uid {
		t.Error("signing in again after deletion reused the deleted account")
	}
}

func TestSubscriptionsAndConfig(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/api/v1/app-config", "", nil)
	e.want(r, 200, "")
	tpl := r.Body["subscribe_templates"].(map[string]any)
	if tpl["report_assigned"] != "report_assigned" || len(tpl) != 4 {
		t.Errorf("subscribe_templates = %v", tpl)
	}
	tok, _ := e.login("gina")
	for want := 1; want <= 2; want++ {
		r = e.do("POST", "/api/v1/me/subscriptions", tok, map[string]any{"template_ids": []string{"report_updated", "meal_notice"}})
		e.want(r, 200, "")
		got := r.Body["consents"].([]any)[0].(map[string]any)
		if got["template_id"] != "report_updated" || got["remaining"] != float64(want) {
			t.Errorf("consent %d = %v", want, got)
		}
	}
	for name, body := range map[string]any{
		"unknown template": map[string]any{"template_ids": []string{"nope"}},
		"none":             map[string]any{"template_ids": []string{}},
		"too many":         map[string]any{"template_ids": []string{"report_updated", "meal_notice", "course_update", "report_assigned"}},
		"wrong type":       map[string]any{"template_ids": "meal_notice"},
	} {
		if r := e.do("POST", "/api/v1/me/subscriptions", tok, body); r.Status != 400 || r.field("template_ids") == "" {
			t.Errorf("%s: got %d %s, want 400 naming template_ids", name, r.Status, r.Raw)
		}
	}
}

func TestMessages(t *testing.T) {
	e := newEnv(t)
	tok, uid := e.login("hank")
	r := e.do("GET", "/api/v1/me/messages", tok, nil)
	e.want(r, 200, "")
	if string(r.Raw) != `{"items":[],"next_cursor":""}` {
		t.Errorf("empty inbox = %s", r.Raw)
	}
	_, other := e.login("ivy")
	base := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	for i, u := range []int64{uid, uid, uid, other} {
		_, err := e.db.Exec(`INSERT INTO messages (community_id, user_id, dedup_key, kind, title, body, created_at) VALUES (1, ?, ?, 'test', ?, 'b', ?)`,
			u, fmt.Sprint(i), fmt.Sprint("title ", i), base.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := strings.Join(e.walk("/api/v1/me/messages?limit=2", tok, "title"), ","); got != "title 2,title 1,title 0" {
		t.Errorf("inbox pages = %s, want newest first and only mine", got)
	}
	e.want(e.do("GET", "/api/v1/me/messages?limit=0", tok, nil), 400, "invalid_request")
	e.want(e.do("GET", "/api/v1/me/messages?cursor=zzz", tok, nil), 400, "invalid_request")

	// Unread: counted, marked by id (another's ids change nothing), then all at once.
	count := func() float64 {
		r := e.do("GET", "/api/v1/me/messages/unread-count", tok, nil)
		e.want(r, 200, "")
		return r.Body["count"].(float64)
	}
	if n := count(); n != 3 {
		t.Errorf("unread = %v, want 3", n)
	}
	var mine, theirs int64
	if err := e.db.QueryRow(`SELECT MIN(id) FROM messages WHERE user_id = ?`, uid).Scan(&mine); err != nil {
		t.Fatal(err)
	}
	if err := e.db.QueryRow(`SELECT id FROM messages WHERE user_id = ?`, other).Scan(&theirs); err != nil {
		t.Fatal(err)
	}
	r = e.do("POST", "/api/v1/me/messages/read", tok, map[string]any{"ids": []int64{mine, theirs}})
	e.want(r, 200, "")
	if r.Body["count"] != float64(2) {
		t.Errorf("after reading one: %s", r.Raw)
	}
	var theirsRead bool
	if err := e.db.QueryRow(`SELECT read_at IS NOT NULL FROM messages WHERE id = ?`, theirs).Scan(&theirsRead); err != nil || theirsRead {
		t.Errorf("another user's message marked read: %v %v", theirsRead, err)
	}
	var flags []any
	for _, it := range e.do("GET", "/api/v1/me/messages", tok, nil).Body["items"].([]any) {
		flags = append(flags, it.(map[string]any)["read"])
	}
	if fmt.Sprint(flags) != "[false false true]" {
		t.Errorf("read flags = %v", flags)
	}
	e.want(e.do("POST", "/api/v1/me/messages/read", tok, map[string]any{}), 400, "invalid_request")
	e.want(e.do("POST", "/api/v1/me/messages/read", tok, map[string]any{"ids": []int64{mine}, "all": true}), 400, "invalid_request")
	e.want(e.do("POST", "/api/v1/me/messages/read", tok, map[string]any{"ids": make([]int64, 101)}), 400, "invalid_request")
	r = e.do("POST", "/api/v1/me/messages/read", tok, map[string]any{"all": true})
	if r.Status != 200 || r.Body["count"] != float64(0) || count() != 0 {
		t.Errorf("after reading all: %s", r.Raw)
	}
}
