package httpapi_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/linli/linli/server/internal/idempotency"
)

func TestCommunitiesPublic(t *testing.T) {
	e := newEnv(t)
	for i := range 3 {
		e.community(fmt.Sprintf("社区%d", i), "1幢", "2幢", "3幢")
	}
	if got := strings.Join(e.walk("/api/v1/communities?limit=2", "", "name"), ","); got != "社区0,社区1,社区2" {
		t.Errorf("communities = %s", got)
	}
	// A community placed on the map carries its point, the others null (a visitor finds the nearest).
	lat, lng := 29.4519, 119.8923
	if _, err := e.app.Communities.Locate(context.Background(), 2, &lat, &lng); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Communities.Locate(context.Background(), 2, &lng, &lat); err == nil {
		t.Error("a point with lat and lng swapped was taken")
	}
	got := e.do("GET", "/api/v1/communities", "", nil)
	if want := `"id":1,"name":"社区0","lat":null,"lng":null},{"id":2,"name":"社区1","lat":29.4519,"lng":119.8923}`; !strings.Contains(string(got.Raw), want) {
		t.Errorf("communities = %s, want %s", got.Raw, want)
	}
	r := e.do("GET", "/api/v1/communities/1/buildings?limit=2", "", nil)
	e.want(r, 200, "")
	if len(r.Body["items"].([]any)) != 2 || r.Body["next_cursor"] == "" {
		t.Errorf("buildings page = %s", r.Raw)
	}
	for _, path := range []string{"/api/v1/communities/999999/buildings", "/api/v1/communities/abc/buildings",
		"/api/v1/communities/-1/buildings", "/api/v1/communities/99999999999999999999/buildings"} {
		e.want(e.do("GET", path, "", nil), 404, "not_found")
	}
}

func TestAdminBuildingsAndMembers(t *testing.T) {
	e := newEnv(t)
	cid, _ := e.community("中埂社区", "1幢")
	cid2, _ := e.community("西街社区", "1幢")
	staff, staffID := e.staff("staff-a", cid)
	resident, residentID := e.login("resident-a")

	e.want(e.do("POST", "/api/v1/admin/buildings", resident, map[string]any{"name": "2幢"}), 403, "forbidden")
	e.want(e.do("POST", "/api/v1/admin/buildings", "", map[string]any{"name": "2幢"}), 401, "unauthenticated")
	r := e.do("POST", "/api/v1/admin/buildings", staff, map[string]any{"name": "2幢"})
	e.want(r, 201, "")
	if r.Body["community_id"] != float64(cid) || r.Body["name"] != "2幢" {
		t.Errorf("building = %s", r.Raw)
	}
	e.want(e.do("POST", "/api/v1/admin/buildings", staff, map[string]any{"name": "2幢"}), 409, "name_taken")
	e.want(e.do("POST", "/api/v1/admin/buildings", staff, map[string]any{"name": ""}), 400, "invalid_request")
	e.want(e.do("POST", "/api/v1/admin/buildings?community_id="+fmt.Sprint(cid2), staff, map[string]any{"name": "3幢"}), 403, "forbidden")

	// A grant acts at once in a session already open.
	e.want(e.do("POST", "/api/v1/admin/buildings", resident, map[string]any{"name": "3幢"}), 403, "forbidden")
	r = e.do("POST", "/api/v1/admin/members", staff, map[string]any{"user_id": residentID, "role": "staff"})
	e.want(r, 201, "")
	if r.Body["role"] != "staff" || r.Body["community_id"] != float64(cid) {
		t.Errorf("member = %s", r.Raw)
	}
	e.want(e.do("POST", "/api/v1/admin/buildings", resident, map[string]any{"name": "3幢"}), 201, "")
	me := e.do("GET", "/api/v1/me", resident, nil)
	if !strings.Contains(string(me.Raw), `"role":"staff"`) {
		t.Errorf("me after grant = %s", me.Raw)
	}
	// And a revoke too.
	e.want(e.do("DELETE", fmt.Sprintf("/api/v1/admin/members/%d/staff", residentID), staff, nil), 204, "")
	e.want(e.do("POST", "/api/v1/admin/buildings", resident, map[string]any{"name": "4幢"}), 403, "forbidden")

	e.want(e.do("DELETE", fmt.Sprintf("/api/v1/admin/members/%d/staff", residentID), staff, nil), 404, "not_found")
	e.want(e.do("DELETE", fmt.Sprintf("/api/v1/admin/members/%d/staff", staffID), staff, nil), 409, "last_staff")
	e.want(e.do("DELETE", fmt.Sprintf("/api/v1/admin/members/%d/mayor", staffID), staff, nil), 404, "not_found")
	e.want(e.do("DELETE", "/api/v1/admin/members/abc/staff", staff, nil), 404, "not_found")

	for name, body := range map[string]any{
		"unknown role":     map[string]any{"user_id": residentID, "role": "mayor"},
		"resident role":    map[string]any{"user_id": residentID, "role": "resident"},
		"city admin role":  map[string]any{"user_id": residentID, "role": "city_admin"},
		"missing user":     map[string]any{"role": "volunteer"},
		"zero user":        map[string]any{"user_id": 0, "role": "volunteer"},
		"bool user":        map[string]any{"user_id": true, "role": "volunteer"},
		"unknown property": map[string]any{"user_id": residentID, "role": "volunteer", "x": 1},
	} {
		if r := e.do("POST", "/api/v1/admin/members", staff, body); r.Status != 400 {
			t.Errorf("%s: got %d %s, want 400", name, r.Status, r.Raw)
		}
	}
	e.want(e.do("POST", "/api/v1/admin/members", staff, map[string]any{"user_id": 999999, "role": "volunteer"}), 404, "not_found")
	r = e.do("POST", "/api/v1/admin/members", staff, map[string]any{"user_id": residentID, "role": "grid_worker"})
	e.want(r, 201, "")

	var events int
	if err := e.db.QueryRow("SELECT COUNT(*) FROM role_events WHERE community_id = ? AND user_id = ? AND actor_user_id = ?", cid, residentID, staffID).Scan(&events); err != nil || events != 3 {
		t.Errorf("role events = %d (%v), want grant, revoke, grant", events, err)
	}
}

func TestIdempotency(t *testing.T) {
	e := newEnv(t)
	cid, _ := e.community("中埂社区")
	staff, staffID := e.staff("staff-i", cid)
	key := "3f7a9c1e-0000-4000-8000-000000000001"
	first := e.do("POST", "/api/v1/admin/buildings", staff, map[string]any{"name": "8幢"}, "Idempotency-Key", key)
	e.want(first, 201, "")
	again := e.do("POST", "/api/v1/admin/buildings", staff, map[string]any{"name": "8幢"}, "Idempotency-Key", key)
	e.want(again, 201, "")
	if string(again.Raw) != string(first.Raw) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay = %s, want %s", again.Raw, first.Raw)
	}
	var n int
	e.db.QueryRow("SELECT COUNT(*) FROM buildings WHERE community_id = ?", cid).Scan(&n)
	if n != 1 {
		t.Errorf("buildings = %d after a retried POST, want 1", n)
	}
	e.want(e.do("POST", "/api/v1/admin/buildings", staff, map[string]any{"name": "9幢"}, "Idempotency-Key", key), 422, "idempotency_key_reused")

	// Scoped per user: another staff member's same key is a new request.
	other, _ := e.staff("staff-j", cid)
	e.want(e.do("POST", "/api/v1/admin/buildings", other, map[string]any{"name": "9幢"}, "Idempotency-Key", key), 201, "")

	// Errors below 500 are kept too.
	k2 := "3f7a9c1e-0000-4000-8000-000000000002"
	e.want(e.do("POST", "/api/v1/admin/buildings", staff, map[string]any{"name": "8幢"}, "Idempotency-Key", k2), 409, "name_taken")
	e.want(e.do("POST", "/api/v1/admin/buildings", staff, map[string]any{"name": "8幢"}, "Idempotency-Key", k2), 409, "name_taken")

	// A repeat while the first is still running.
	store := idempotency.NewStore(e.rdb, e.prefix)
	k3 := "3f7a9c1e-0000-4000-8000-000000000003"
	body := `{"name":"10幢"}`
	if out, _, err := store.Begin(context.Background(), store.Key(staffID, "/api/v1/admin/buildings", k3), idempotency.BodyHash([]byte(body))); err != nil || out != idempotency.Proceed {
		t.Fatalf("Begin = %v, %v", out, err)
	}
	e.want(e.do("POST", "/api/v1/admin/buildings", staff, body, "Idempotency-Key", k3), 409, "request_in_progress")
	e.want(e.do("POST", "/api/v1/admin/buildings", staff, body, "Idempotency-Key", strings.Repeat("k", 200)), 400, "invalid_request")
}

func TestRoutingErrorsAndHealth(t *testing.T) {
	e := newEnv(t)
	e.want(e.do("GET", "/api/v1/nothing-here", "", nil), 404, "not_found")
	e.want(e.do("GET", "/nothing", "", nil), 404, "not_found")
	e.want(e.do("DELETE", "/api/v1/communities", "", nil), 405, "method_not_allowed")
	r := e.do("GET", "/healthz", "", nil)
	e.want(r, 200, "")
	r = e.do("GET", "/readyz", "", nil)
	e.want(r, 200, "")
	if r.Body["status"] != "ok" {
		t.Errorf("readyz = %s", r.Raw)
	}
	r = e.do("GET", "/api/v1/communities", "", nil, "X-Request-Id", "client-chosen-id-1")
	if r.Header.Get("X-Request-Id") != "client-chosen-id-1" {
		t.Errorf("request id = %q, want the client's", r.Header.Get("X-Request-Id"))
	}
	r = e.do("GET", "/metrics", "", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("metrics: %d", r.Status)
	}
	for _, want := range []string{`linli_http_requests_total{method="GET",route="/api/v1/communities",status="200"}`, "linli_http_request_duration_seconds_bucket", "go_goroutines"} {
		if !strings.Contains(string(r.Raw), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	r = e.do("GET", "/_fake/wechat/messages", "", nil)
	e.want(r, 200, "")
	if _, ok := r.Body["items"].([]any); !ok {
		t.Errorf("fake messages = %s", r.Raw)
	}
}

func TestDeadLetters(t *testing.T) {
	e := newEnv(t)
	cid, _ := e.community("中埂社区", "1幢")
	cid2, _ := e.community("西街社区", "1幢")
	staff, _ := e.staff("staff", cid)
	other, _ := e.staff("other", cid2)
	resident, _ := e.login("resident")
	now := time.Now().UTC()
	res, err := e.db.Exec(`INSERT INTO outbox (community_id, topic, payload, created_at, published_at, attempts, last_error, dead_at)
		VALUES (?, 'report.dispatch', '{"report_id":7}', ?, ?, 5, 'handler down', ?)`, cid, now, now, now)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	r := e.do("GET", "/api/v1/admin/dead-letters", staff, nil)
	e.want(r, 200, "")
	items := r.Body["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["topic"] != "report.dispatch" || items[0].(map[string]any)["payload"].(map[string]any)["report_id"] != float64(7) {
		t.Fatalf("dead letters = %s", r.Raw)
	}
	if r := e.do("GET", "/api/v1/admin/dead-letters", other, nil); len(r.Body["items"].([]any)) != 0 {
		t.Errorf("another community's staff see %s", r.Raw)
	}
	e.want(e.do("GET", "/api/v1/admin/dead-letters", resident, nil), 403, "forbidden")
	e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/dead-letters/%d/retry", id), other, nil), 404, "not_found")
	e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/dead-letters/%d/retry", id), staff, nil), 200, "")
	var published sql.NullTime
	var attempts int
	if err := e.db.QueryRow(`SELECT published_at, attempts FROM outbox WHERE id = ?`, id).Scan(&published, &attempts); err != nil {
		t.Fatal(err)
	}
	if published.Valid || attempts != 0 {
		t.Errorf("after retry: published %v, attempts %d", published, attempts)
	}
	e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/dead-letters/%d/retry", id), staff, nil), 404, "not_found")
}
