package httpapi_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/linli/linli/server/internal/account"
)

// inputWorld is a canteen world with one of everything a request can name: a slot, a course, a
// grid, a report, a delivery order.
type inputWorld struct {
	*canteenWorld
	slot, course, grid, report, order int64
}

func newInputWorld(t *testing.T) *inputWorld {
	w := &inputWorld{canteenWorld: newCanteenWorld(t)}
	w.slot = w.canteenWorld.slot(map[string]any{"capacity": 10})
	w.course = w.canteenWorld.course(nil)
	_, workerID := w.login("grid-worker")
	if _, err := w.app.Accounts.Grant(context.Background(), w.cid, workerID, account.RoleGridWorker, 0); err != nil {
		t.Fatal(err)
	}
	r := w.do("POST", "/api/v1/admin/grids", w.staff, map[string]any{"name": "第一网格", "building_ids": []int64{w.bs[0]}, "worker_user_ids": []int64{workerID}})
	w.want(r, 201, "")
	w.grid = w.id(r)
	r = w.do("POST", "/api/v1/reports", w.resident, map[string]any{"category": "repair", "description": "楼道灯坏了", "building_id": w.bs[0],
		"urgency": "normal", "photo_ids": []int64{}})
	w.want(r, 201, "")
	w.report = w.id(r)
	r = w.book(w.resident, w.slot, w.mother, "delivery")
	w.want(r, 201, "")
	w.order = w.id(r)
	return w
}

// bodyRoute is an endpoint that takes a JSON body: its method and route as docs/openapi.yaml
// names them, who calls it, and the id its path parameter takes.
type bodyRoute struct {
	method, route string
	token         string
	id            int64
}

var pathParam = regexp.MustCompile(`\{[a-z_]+\}`)

func (b bodyRoute) path() string {
	return pathParam.ReplaceAllString(b.route, strconv.FormatInt(b.id, 10))
}

func (b bodyRoute) String() string { return b.method + " " + b.route }

// jsonBodyRoutes lists the operations docs/openapi.yaml describes with a JSON request body.
func jsonBodyRoutes(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("../../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths map[string]map[string]struct {
			RequestBody struct {
				Content map[string]any `yaml:"content"`
			} `yaml:"requestBody"`
		} `yaml:"paths"`
	}
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	var out []string
	for path, ops := range spec.Paths {
		for method, op := range ops {
			if _, ok := op.RequestBody.Content["application/json"]; ok {
				out = append(out, strings.ToUpper(method)+" "+path)
			}
		}
	}
	sort.Strings(out)
	return out
}

// covers fails the test unless every route with a JSON body has a row, so a new endpoint cannot
// skip the table.
func covers[T fmt.Stringer](t *testing.T, rows []T) {
	t.Helper()
	have := map[string]bool{}
	for _, r := range rows {
		have[r.String()] = true
	}
	for _, r := range jsonBodyRoutes(t) {
		if !have[r] {
			t.Errorf("no row for %s", r)
		}
	}
}

// keyCase is a body route and a key its body has.
type keyCase struct {
	bodyRoute
	key string
}

// TestBodiesDecodedStrictly: encoding/json matches keys ignoring case and keeps the last of a
// duplicated key. Every endpoint with a JSON body refuses both, naming the key, before it acts.
func TestBodiesDecodedStrictly(t *testing.T) {
	w := newInputWorld(t)
	s := w.staff
	row := func(method, route string, id int64, key string) keyCase {
		return keyCase{bodyRoute{method, route, s, id}, key}
	}
	tests := []keyCase{
		{bodyRoute{"POST", "/_fake/wechat/subscribe", "", 0}, "openid"},
		{bodyRoute{"POST", "/api/v1/auth/login", "", 0}, "code"},
		{bodyRoute{"POST", "/api/v1/console/sessions", "", 0}, "code"},
		row("PUT", "/api/v1/me/profile", 0, "name"),
		row("POST", "/api/v1/me/phone", 0, "code"),
		row("POST", "/api/v1/me/subscriptions", 0, "template_ids"),
		row("POST", "/api/v1/me/messages/read", 0, "ids"),
		row("POST", "/api/v1/me/claims", 0, "id_card"),
		row("POST", "/api/v1/admin/buildings", 0, "name"),
		row("POST", "/api/v1/admin/members", 0, "user_id"),
		row("POST", "/api/v1/persons", 0, "name"),
		row("PATCH", "/api/v1/persons/{id}", w.mother, "name"),
		row("POST", "/api/v1/persons/{id}/guardian-requests", w.mother, "relation"),
		row("POST", "/api/v1/admin/persons", 0, "name"),
		row("POST", "/api/v1/admin/guardian-requests/{id}/approve", 1, "reason"),
		row("POST", "/api/v1/admin/guardian-requests/{id}/reject", 1, "reason"),
		row("PUT", "/api/v1/admin/persons/{id}/subsidy-status", w.mother, "status"),
		row("POST", "/api/v1/meal-orders", 0, "slot_id"),
		row("POST", "/api/v1/admin/canteens", 0, "name"),
		row("PATCH", "/api/v1/admin/canteens/{id}", w.canteenID, "address"),
		row("POST", "/api/v1/admin/canteens/{id}/slots", w.canteenID, "date"),
		row("POST", "/api/v1/admin/canteens/{id}/copy-week", w.canteenID, "week_start"),
		row("POST", "/api/v1/admin/canteens/{id}/redeem", w.canteenID, "pickup_code"),
		row("PATCH", "/api/v1/admin/slots/{id}", w.slot, "capacity"),
		row("POST", "/api/v1/admin/slots/{id}/close", w.slot, "reason"),
		row("PUT", "/api/v1/admin/subsidy-rules", 0, "rules"),
		row("PUT", "/api/v1/admin/report-categories", 0, "categories"),
		row("POST", "/api/v1/admin/grids", 0, "name"),
		row("PUT", "/api/v1/admin/grids/{id}", w.grid, "building_ids"),
		row("POST", "/api/v1/reports", 0, "description"),
		row("POST", "/api/v1/reports/{id}/confirm", w.report, "rating"),
		row("POST", "/api/v1/reports/{id}/reopen", w.report, "reason"),
		row("POST", "/api/v1/worker/tasks/{id}/resolve", w.report, "note"),
		row("POST", "/api/v1/worker/tasks/{id}/return", w.report, "reason"),
		row("POST", "/api/v1/admin/reports/{id}/assign", w.report, "worker_user_id"),
		row("POST", "/api/v1/worker/deliveries/{order_id}/delivered", w.order, "note"),
		row("POST", "/api/v1/worker/deliveries/{order_id}/no-answer", w.order, "note"),
		row("POST", "/api/v1/courses/{id}/enrollments", w.course, "person_id"),
		row("POST", "/api/v1/admin/courses", 0, "title"),
		row("PATCH", "/api/v1/admin/courses/{id}", w.course, "title"),
		row("POST", "/api/v1/admin/courses/{id}/checkin", w.course, "enrollment_id"),
		row("POST", "/api/v1/admin/courses/{id}/cancel", w.course, "reason"),
		row("POST", "/api/v1/alerts/{id}/acknowledge", 1, "note"),
	}
	covers(t, tests)
	for _, tt := range tests {
		t.Run(tt.String(), func(t *testing.T) {
			upper := strings.ToUpper(tt.key)
			r := w.do(tt.method, tt.path(), tt.token, fmt.Sprintf(`{%q: null}`, upper))
			if r.Status != 400 || r.errCode() != "invalid_request" || r.field(upper) == "" {
				t.Errorf("key %s: got %d %s, want 400 invalid_request naming it", upper, r.Status, r.Raw)
			}
			r = w.do(tt.method, tt.path(), tt.token, fmt.Sprintf(`{%q: null, %[1]q: null}`, tt.key))
			if r.Status != 400 || r.errCode() != "invalid_request" || r.field(tt.key) == "" {
				t.Errorf("key %s twice: got %d %s, want 400 invalid_request naming it", tt.key, r.Status, r.Raw)
			}
		})
	}

	// Inside arrays of objects and maps too, named by their path.
	for _, tt := range []struct {
		bodyRoute
		body, field string
	}{
		{bodyRoute{"POST", "/api/v1/admin/canteens/{id}/slots", s, w.canteenID}, `{"dishes": [{"name": "面"}, {"NAME": "饭"}]}`, "dishes[1].NAME"},
		{bodyRoute{"POST", "/api/v1/admin/courses", s, 0}, `{"sessions": [{"place": "a", "place": "b"}]}`, "sessions[0].place"},
		{bodyRoute{"POST", "/api/v1/persons", s, 0}, `{"emergency_contacts": [{"Name": "李强"}]}`, "emergency_contacts[0].Name"},
		{bodyRoute{"PATCH", "/api/v1/admin/canteens/{id}", s, w.canteenID}, `{"cutoffs": {"lunch": 600, "lunch": 700}}`, "cutoffs.lunch"},
		{bodyRoute{"PUT", "/api/v1/admin/subsidy-rules", s, 0}, `{"rules": [{"min_age": 60, "daily_limit": 1, "Percent": 50}]}`, "rules[0].Percent"},
	} {
		r := w.do(tt.method, tt.path(), tt.token, tt.body)
		if r.Status != 400 || r.field(tt.field) == "" {
			t.Errorf("%s %s: got %d %s, want 400 naming %s", tt, tt.body, r.Status, r.Raw, tt.field)
		}
	}

	// The probe's booking: {"SLOT_ID": ...} books nothing.
	body := fmt.Sprintf(`{"SLOT_ID": %d, "PERSON_ID": %d, "MODE": "eat_in"}`, w.slot, w.self)
	w.want(w.do("POST", "/api/v1/meal-orders", w.resident, body), 400, "invalid_request")
	if r := w.do("GET", fmt.Sprintf("/api/v1/meal-orders?person_id=%d", w.self), w.resident, nil); len(r.Body["items"].([]any)) != 0 {
		t.Errorf("orders after a wrongly cased booking = %s", r.Raw)
	}
}
