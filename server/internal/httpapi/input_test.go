package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/cst"
)

// inputWorld is a canteen world with one of everything a request can name: a slot, a course, a
// grid, a report, a delivery order. Its clock stands still at now, so a test's windows are the
// server's even across midnight.
type inputWorld struct {
	*canteenWorld
	now                               time.Time
	slot, course, grid, report, order int64
	workerID                          int64
}

func newInputWorld(t *testing.T) *inputWorld {
	t.Parallel()
	now := time.Now()
	w := &inputWorld{canteenWorld: newCanteenWorldTB(t, options{now: func() time.Time { return now }}), now: now}
	w.slot = w.canteenWorld.slot(map[string]any{"capacity": 10})
	w.course = w.canteenWorld.course(nil)
	_, w.workerID = w.login("grid-worker")
	if _, err := w.app.Accounts.Grant(context.Background(), w.cid, w.workerID, account.RoleGridWorker, 0); err != nil {
		t.Fatal(err)
	}
	r := w.do("POST", "/api/v1/admin/grids", w.staff, map[string]any{"name": "第一网格", "building_ids": []int64{w.bs[0]}, "worker_user_ids": []int64{w.workerID}})
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

// structuredStrings are request strings that are not free text: codes, keys, ids and numbers,
// each checked for its own shape.
var structuredStrings = map[string]bool{
	"openid": true, "template_id": true, "template_ids[0]": true, "code": true, "id_card": true, "phone": true,
	"emergency_contacts[0].phone": true, "category": true,
}

// freeTextFields lists, per operation with a JSON body in docs/openapi.yaml, the string fields
// that are free text (no enum, format or pattern, and not structured) with their maxLength (0
// when the document gives none).
func freeTextFields(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for k, s := range requestFields(t, false) {
		if s.Type == "string" && s.Enum == nil && s.Format == "" && s.Pattern == "" && !structuredStrings[k[strings.LastIndex(k, " ")+1:]] {
			out[k] = s.MaxLength
		}
	}
	return out
}

// dateFields lists, per operation in docs/openapi.yaml, the body fields and query parameters
// that are dates, times or months.
func dateFields(t *testing.T) []string {
	t.Helper()
	var out []string
	for k, s := range requestFields(t, true) {
		if s.Format == "date" || s.Format == "date-time" || strings.HasSuffix(k, " month") {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// requestFields maps "METHOD route field" to the schema of every field of every JSON request
// body docs/openapi.yaml describes (by path: a.b, a[0].b), and with query, of every query
// parameter too.
func requestFields(t *testing.T, query bool) map[string]*schema {
	t.Helper()
	raw, err := os.ReadFile("../../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	type parameter struct {
		Ref    string  `yaml:"$ref"`
		Name   string  `yaml:"name"`
		In     string  `yaml:"in"`
		Schema *schema `yaml:"schema"`
	}
	var spec struct {
		Paths      map[string]map[string]yaml.Node `yaml:"paths"`
		Components struct {
			Schemas    map[string]*schema   `yaml:"schemas"`
			Parameters map[string]parameter `yaml:"parameters"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	out := map[string]*schema{}
	var walk func(op, path string, s *schema)
	walk = func(op, path string, s *schema) {
		for s != nil && s.Ref != "" {
			s = spec.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
		}
		if s == nil {
			return
		}
		for _, sub := range s.AllOf {
			walk(op, path, sub)
		}
		if s.Items != nil {
			walk(op, path+"[0]", s.Items)
		}
		for name, p := range s.Properties {
			at := name
			if path != "" {
				at = path + "." + name
			}
			walk(op, at, p)
		}
		if path != "" && s.AllOf == nil && s.Items == nil && s.Properties == nil {
			out[op+" "+path] = s
		}
	}
	for path, ops := range spec.Paths {
		for method, node := range ops {
			var op struct {
				Parameters  []parameter `yaml:"parameters"`
				RequestBody struct {
					Content map[string]struct {
						Schema *schema `yaml:"schema"`
					} `yaml:"content"`
				} `yaml:"requestBody"`
			}
			if err := node.Decode(&op); err != nil {
				continue // parameters and other non-operations
			}
			name := strings.ToUpper(method) + " " + path
			if c, ok := op.RequestBody.Content["application/json"]; ok {
				walk(name, "", c.Schema)
			}
			for _, p := range op.Parameters {
				if p.Ref != "" {
					p = spec.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
				}
				if query && p.In == "query" && p.Schema != nil {
					out[name+" "+p.Name] = p.Schema
				}
			}
		}
	}
	return out
}

// schema is as much of an OpenAPI schema as freeTextFields reads.
type schema struct {
	Ref        string             `yaml:"$ref"`
	Type       string             `yaml:"type"`
	Format     string             `yaml:"format"`
	Pattern    string             `yaml:"pattern"`
	Enum       []any              `yaml:"enum"`
	MaxLength  int                `yaml:"maxLength"`
	AllOf      []*schema          `yaml:"allOf"`
	Items      *schema            `yaml:"items"`
	Properties map[string]*schema `yaml:"properties"`
}

// setPath sets a field of a body by its path (a, a.b, a[0].b).
func setPath(body map[string]any, path string, v any) {
	head, rest, nested := strings.Cut(path, ".")
	if !nested {
		body[path] = v
		return
	}
	if name, ok := strings.CutSuffix(head, "[0]"); ok {
		setPath(body[name].([]map[string]any)[0], rest, v)
		return
	}
	setPath(body[head].(map[string]any), rest, v)
}

// textCase is a free-text field of an endpoint, within a body that is otherwise valid.
type textCase struct {
	bodyRoute
	field               string
	body                func() map[string]any
	required, multiline bool
}

func (c textCase) String() string { return c.bodyRoute.String() + " " + c.field }

// TestFreeTextChecked: every free-text field of every endpoint refuses bidirectional overrides
// and isolates, control characters, invalid UTF-8 and lone surrogates, line breaks where it is
// one line, and text past its documented maxLength, with 400 naming the field; a required one
// made only of invisible characters is empty.
func TestFreeTextChecked(t *testing.T) {
	w := newInputWorld(t)
	s, res := w.staff, w.resident
	sessions := func() []map[string]any {
		return []map[string]any{{"starts_at": time.Now().Add(48 * time.Hour).Format(time.RFC3339),
			"ends_at": time.Now().Add(49 * time.Hour).Format(time.RFC3339), "place": "活动室"}}
	}
	person := func() map[string]any {
		b := elder(w.bs[1], "李桂兰", "")
		delete(b, "id_card")
		return b
	}
	walkIn := func() map[string]any {
		b := person()
		delete(b, "relation")
		return b
	}
	contacts := func() map[string]any {
		return map[string]any{"emergency_contacts": []map[string]any{{"name": "李强", "phone": "13912345678", "relation": "儿子"}}}
	}
	obj := func(kv ...any) func() map[string]any {
		return func() map[string]any {
			b := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				b[kv[i].(string)] = kv[i+1]
			}
			return b
		}
	}
	profile := obj("name", "王小明", "community_id", w.cid, "building_id", w.bs[0], "unit", "1单元", "room", "301")
	canteenBody := obj("name", "新食堂", "address", "服务中心")
	slotBody := func() map[string]any {
		return map[string]any{"date": w.tomorrow, "meal": "dinner", "dishes": []map[string]any{{"name": "面"}}, "capacity": 5,
			"price_fen": 800, "modes": []string{"eat_in"}}
	}
	dishes := func() map[string]any { return map[string]any{"dishes": []map[string]any{{"name": "面"}}} }
	reportBody := func() map[string]any {
		return map[string]any{"category": "repair", "description": "楼道灯坏了", "building_id": w.bs[0], "unit": "1单元",
			"location_text": "楼道", "urgency": "normal", "photo_ids": []int64{}}
	}
	categories := func() map[string]any {
		return map[string]any{"categories": []map[string]any{{"key": "leak", "name": "漏水", "level": "major", "accept_minutes": 30, "resolve_minutes": 240}}}
	}
	grid := func() map[string]any {
		return map[string]any{"name": "网格", "building_ids": []int64{w.bs[1]}, "worker_user_ids": []int64{w.workerID}}
	}
	courseBody := func() map[string]any {
		return map[string]any{"theme": "亲子", "title": "倾听", "teacher": "陈老师", "description": "说明", "capacity": 5,
			"enroll_by": time.Now().Add(24 * time.Hour).Format(time.RFC3339), "sessions": sessions()}
	}
	coursePatch := func() map[string]any { return map[string]any{"title": "倾听", "sessions": sessions()} }
	book := obj("slot_id", w.slot, "person_id", w.self, "mode", "eat_in")
	empty := obj()
	row := func(method, route, token string, id int64, field string, body func() map[string]any, required, multiline bool) textCase {
		return textCase{bodyRoute{method, route, token, id}, field, body, required, multiline}
	}
	const req, opt, one, many = true, false, false, true
	tests := []textCase{
		row("PUT", "/api/v1/me/profile", res, 0, "name", profile, req, one),
		row("PUT", "/api/v1/me/profile", res, 0, "unit", profile, req, one),
		row("PUT", "/api/v1/me/profile", res, 0, "room", profile, req, one),
		row("POST", "/api/v1/admin/buildings", s, 0, "name", obj("name", "9幢"), req, one),
	}
	for _, r := range []struct {
		method, route, token string
		id                   int64
		body                 func() map[string]any
		required             bool
	}{
		{"POST", "/api/v1/persons", res, 0, person, req},
		{"POST", "/api/v1/admin/persons", s, 0, walkIn, req},
		{"PATCH", "/api/v1/persons/{id}", res, w.mother, contacts, opt},
	} {
		tests = append(tests,
			row(r.method, r.route, r.token, r.id, "name", r.body, r.required, one),
			row(r.method, r.route, r.token, r.id, "unit", r.body, r.required, one),
			row(r.method, r.route, r.token, r.id, "room", r.body, r.required, one),
			row(r.method, r.route, r.token, r.id, "diet_notes", r.body, opt, many),
			row(r.method, r.route, r.token, r.id, "emergency_contacts[0].name", r.body, req, one),
			row(r.method, r.route, r.token, r.id, "emergency_contacts[0].relation", r.body, opt, one))
	}
	tests = append(tests,
		row("POST", "/api/v1/admin/guardian-requests/{id}/approve", s, 1, "reason", empty, opt, many),
		row("POST", "/api/v1/admin/guardian-requests/{id}/reject", s, 1, "reason", empty, req, many),
		row("POST", "/api/v1/meal-orders", res, 0, "note", book, opt, many),
		row("POST", "/api/v1/admin/canteens", s, 0, "name", canteenBody, req, one),
		row("POST", "/api/v1/admin/canteens", s, 0, "address", canteenBody, opt, one),
		row("PATCH", "/api/v1/admin/canteens/{id}", s, w.canteenID, "name", empty, req, one),
		row("PATCH", "/api/v1/admin/canteens/{id}", s, w.canteenID, "address", empty, opt, one),
		row("POST", "/api/v1/admin/canteens/{id}/slots", s, w.canteenID, "dishes[0].name", slotBody, req, one),
		row("PATCH", "/api/v1/admin/slots/{id}", s, w.slot, "dishes[0].name", dishes, req, one),
		row("POST", "/api/v1/admin/slots/{id}/close", s, w.slot, "reason", empty, opt, many),
		row("PUT", "/api/v1/admin/report-categories", s, 0, "categories[0].name", categories, req, one),
		row("POST", "/api/v1/admin/grids", s, 0, "name", grid, req, one),
		row("PUT", "/api/v1/admin/grids/{id}", s, w.grid, "name", grid, req, one),
		row("POST", "/api/v1/reports", res, 0, "description", reportBody, req, many),
		row("POST", "/api/v1/reports", res, 0, "unit", reportBody, opt, one),
		row("POST", "/api/v1/reports", res, 0, "location_text", reportBody, opt, one),
		row("POST", "/api/v1/reports/{id}/confirm", res, w.report, "comment", obj("rating", 5), opt, many),
		row("POST", "/api/v1/reports/{id}/reopen", res, w.report, "reason", empty, opt, many),
		row("POST", "/api/v1/worker/tasks/{id}/resolve", s, w.report, "note", empty, opt, many),
		row("POST", "/api/v1/worker/tasks/{id}/return", s, w.report, "reason", empty, req, many),
		row("POST", "/api/v1/worker/deliveries/{order_id}/delivered", s, w.order, "note", empty, opt, many),
		row("POST", "/api/v1/worker/deliveries/{order_id}/no-answer", s, w.order, "note", empty, opt, many),
		row("POST", "/api/v1/admin/courses", s, 0, "theme", courseBody, req, one),
		row("POST", "/api/v1/admin/courses", s, 0, "title", courseBody, req, one),
		row("POST", "/api/v1/admin/courses", s, 0, "teacher", courseBody, req, one),
		row("POST", "/api/v1/admin/courses", s, 0, "description", courseBody, opt, many),
		row("POST", "/api/v1/admin/courses", s, 0, "sessions[0].place", courseBody, req, one),
		row("PATCH", "/api/v1/admin/courses/{id}", s, w.course, "title", empty, req, one),
		row("PATCH", "/api/v1/admin/courses/{id}", s, w.course, "teacher", empty, req, one),
		row("PATCH", "/api/v1/admin/courses/{id}", s, w.course, "description", empty, opt, many),
		row("PATCH", "/api/v1/admin/courses/{id}", s, w.course, "sessions[0].place", coursePatch, req, one),
		row("POST", "/api/v1/alerts/{id}/acknowledge", s, 1, "note", obj("outcome", "going"), opt, many),
		// Last: at its longest, the reason cancels the course.
		row("POST", "/api/v1/admin/courses/{id}/cancel", s, w.course, "reason", empty, req, many),
	)
	documented := freeTextFields(t)
	have := map[string]bool{}
	for _, tt := range tests {
		have[tt.String()] = true
	}
	for f := range documented {
		if !have[f] {
			t.Errorf("free-text field %s has no row (or belongs in structuredStrings)", f)
		}
	}

	// A placeholder stands where bytes JSON cannot carry as a Go string are put in the body.
	const placeholder = "\u2603PLACEHOLDER\u2603"
	type bad struct {
		name, value, raw string
	}
	for _, tt := range tests {
		t.Run(tt.String(), func(t *testing.T) {
			maxLen, ok := documented[tt.String()]
			if !ok || maxLen == 0 {
				t.Fatalf("docs/openapi.yaml gives %s no maxLength", tt)
			}
			bads := []bad{
				{"override", "王\u202e明", ""},
				{"isolate", "王\u2066明\u2069", ""},
				{"control", "王\a明", ""},
				{"C1 control", "王\u0085明", ""},
				{"invalid UTF-8", placeholder, "王\xff"},
				{"lone surrogate", placeholder, `\udc00`},
				{"too long", strings.Repeat("字", maxLen+1), ""},
			}
			if !tt.multiline {
				bads = append(bads, bad{"line break", "王\n明", ""})
			}
			if tt.required {
				bads = append(bads, bad{"only invisible", "\u200b\u200d\ufeff\u3164 ", ""})
			}
			for _, b := range bads {
				body := tt.body()
				setPath(body, tt.field, b.value)
				raw, err := json.Marshal(body)
				if err != nil {
					t.Fatal(err)
				}
				if b.raw != "" {
					raw = bytes.Replace(raw, []byte(placeholder), []byte(b.raw), 1)
				}
				r := w.do(tt.method, tt.path(), tt.token, raw)
				if r.Status != 400 || r.errCode() != "invalid_request" || r.field(tt.field) == "" {
					t.Errorf("%s: got %d %s, want 400 invalid_request naming %s", b.name, r.Status, r.Raw, tt.field)
				}
			}
			// At its documented length, the field is taken (whatever else the answer says).
			body := tt.body()
			setPath(body, tt.field, strings.Repeat("字", maxLen))
			if r := w.do(tt.method, tt.path(), tt.token, body); r.field(tt.field) != "" {
				t.Errorf("%d characters: got %d %s, want no problem with %s", maxLen, r.Status, r.Raw, tt.field)
			}
		})
	}
}

// TestQueryTextChecked: free text in a query string (searches, a theme) follows the same rule.
func TestQueryTextChecked(t *testing.T) {
	w := newCanteenWorld(t)
	for _, tt := range []struct{ path, param string }{
		{"/api/v1/admin/persons?q=", "q"},
		{"/api/v1/admin/users?q=", "q"},
		{"/api/v1/admin/members?q=", "q"},
		{"/api/v1/admin/courses?q=", "q"},
		{"/api/v1/admin/courses?theme=", "theme"},
		{fmt.Sprintf("/api/v1/courses?community_id=%d&theme=", w.cid), "theme"},
	} {
		for _, bad := range []string{"%E2%80%AE%E7%8E%8B", "%E7%8E%8B%FF", "%E7%8E%8B%07", "%E7%8E%8B%0A%E6%98%8E", strings.Repeat("%E5%AD%97", 65)} {
			r := w.do("GET", tt.path+bad, w.staff, nil)
			if r.Status != 400 || r.field(tt.param) == "" {
				t.Errorf("%s%s: got %d %s, want 400 naming %s", tt.path, bad, r.Status, r.Raw, tt.param)
			}
		}
		w.want(w.do("GET", tt.path+"%E2%80%8B%E7%8E%8B%20", w.staff, nil), 200, "")
	}
}

// TestFreeTextNormalised: what is stored is NFC, trimmed of spaces and invisible characters,
// with line breaks as \n.
func TestFreeTextNormalised(t *testing.T) {
	w := newCanteenWorld(t)
	r := w.do("PUT", "/api/v1/me/profile", w.resident, map[string]any{"name": "\u200b 王小明\u200d\ufeff", "community_id": w.cid,
		"building_id": w.bs[0], "unit": "\u3000一单元", "room": "301\u200b"})
	w.want(r, 200, "")
	if r.Body["name"] != "王小明" {
		t.Errorf("name = %q, want 王小明", r.Body["name"])
	}
	r = w.do("POST", "/api/v1/admin/canteens", w.staff, map[string]any{"name": "Cafe\u0301 东街", "address": " 东街 1 号\u2060"})
	w.want(r, 201, "")
	if r.Body["name"] != "Café 东街" || r.Body["address"] != "东街 1 号" {
		t.Errorf("canteen = %s", r.Raw)
	}
	r = w.do("POST", "/api/v1/meal-orders", w.resident, map[string]any{"slot_id": w.slot(nil), "person_id": w.self, "mode": "eat_in",
		"note": "少辣\r\n\t不要香菜\u200b"})
	w.want(r, 201, "")
	if r.Body["note"] != "少辣\n\t不要香菜" {
		t.Errorf("note = %q", r.Body["note"])
	}
}

// dateKind is a window a date or time must lie in, with values on both sides of it.
type dateKind struct {
	name      string
	bad, good []string
}

// dateCase is an endpoint that takes a date or time: build puts v where the field goes.
type dateCase struct {
	method, route, token, field string
	kind                        dateKind
	build                       func(v string) (path string, body any)
}

func (c dateCase) String() string { return c.method + " " + c.route + " " + c.field }

// TestDatesInWindow: every date and time a request carries lies in a sane window, else 400
// invalid_request naming the field (never a 500, never stored): what staff schedule (slots,
// courses) from 30 days back to a year ahead, birth dates from 1900-01-01 to today, the days a
// list is asked about from 2000-01-01 to a year ahead.
func TestDatesInWindow(t *testing.T) {
	w := newInputWorld(t)
	now := w.now.In(cst.Zone)
	day := func(d time.Time) string { return d.Format(time.DateOnly) }
	first, last := now.AddDate(0, 0, -30), now.AddDate(1, 0, 0)
	schedule := dateKind{"schedule date",
		[]string{"0001-01-01", "1969-12-31", "9999-12-31", day(first.AddDate(0, 0, -1)), day(last.AddDate(0, 0, 1)), "2026-02-30"},
		[]string{day(first), day(last)}}
	at := func(d time.Time, clock string) string { return day(d) + "T" + clock }
	scheduleTime := dateKind{"schedule time",
		[]string{"0001-01-01T00:00:00+08:00", "1969-12-31T23:59:59Z", "9999-12-31T23:59:59+08:00", at(first.AddDate(0, 0, -1), "12:00:00+08:00"),
			at(last.AddDate(0, 0, 1), "12:00:00+08:00"), at(last, "20:00:00Z") /* the next day at +08:00 */, "soon"},
		[]string{at(first, "00:00:00+08:00"), at(last, "12:00:00+08:00")}}
	births := dateKind{"birth date",
		[]string{"0001-01-01", "1899-12-31", day(now.AddDate(0, 0, 1)), "9999-12-31", "1950-13-01"},
		[]string{"1900-01-01", day(now)}}
	records := dateKind{"record date",
		[]string{"0001-01-01", "1999-12-31", "9999-12-31", day(last.AddDate(0, 0, 1)), "2026-1-1"},
		[]string{"2000-01-01", day(last)}}
	months := dateKind{"month",
		[]string{"0001-01", "1999-12", "9999-12", last.AddDate(0, 1, 0).Format("2006-01"), "2026-13"},
		[]string{"2000-01", now.Format("2006-01")}}

	slotBody := func(over map[string]any) map[string]any {
		b := map[string]any{"date": w.tomorrow, "meal": "dinner", "dishes": []map[string]any{{"name": "面"}}, "capacity": 5,
			"price_fen": 800, "modes": []string{"eat_in"}}
		for k, v := range over {
			b[k] = v
		}
		return b
	}
	start := time.Now().Add(48 * time.Hour)
	// session is one session; an end given alone starts an hour before it.
	session := func(startsAt, endsAt string) []map[string]any {
		if startsAt == "" {
			startsAt = start.Format(time.RFC3339)
			if end, err := time.Parse(time.RFC3339, endsAt); err == nil {
				startsAt = end.Add(-time.Hour).Format(time.RFC3339)
			}
		}
		if endsAt == "" {
			endsAt = start.Add(time.Hour).Format(time.RFC3339)
		}
		return []map[string]any{{"starts_at": startsAt, "ends_at": endsAt, "place": "活动室"}}
	}
	courseBody := func(over map[string]any) map[string]any {
		b := map[string]any{"theme": "亲子", "title": "倾听", "teacher": "陈老师", "capacity": 5,
			"enroll_by": time.Now().Add(24 * time.Hour).Format(time.RFC3339), "sessions": session("", "")}
		for k, v := range over {
			b[k] = v
		}
		return b
	}
	person := func(v string) map[string]any {
		b := elder(w.bs[1], "李桂兰", "")
		delete(b, "id_card")
		b["birth_date"] = v
		return b
	}
	post := func(path string, body func(v string) map[string]any) func(string) (string, any) {
		return func(v string) (string, any) { return path, body(v) }
	}
	get := func(path string) func(string) (string, any) {
		return func(v string) (string, any) { return path + v, nil }
	}
	s := w.staff
	slots := fmt.Sprintf("/api/v1/admin/canteens/%d/slots", w.canteenID)
	tests := []dateCase{
		{"POST", "/api/v1/admin/canteens/{id}/slots", s, "date", schedule, post(slots, func(v string) map[string]any {
			return slotBody(map[string]any{"date": v})
		})},
		{"POST", "/api/v1/admin/canteens/{id}/slots", s, "book_by", scheduleTime, post(slots, func(v string) map[string]any {
			return slotBody(map[string]any{"meal": "breakfast", "book_by": v})
		})},
		{"PATCH", "/api/v1/admin/slots/{id}", s, "book_by", scheduleTime, post(fmt.Sprintf("/api/v1/admin/slots/%d", w.slot), func(v string) map[string]any {
			return map[string]any{"book_by": v}
		})},
		{"POST", "/api/v1/admin/canteens/{id}/copy-week", s, "week_start",
			dateKind{"week", append(schedule.bad, day(last.AddDate(0, 0, -5))), []string{day(first), day(last.AddDate(0, 0, -6))}},
			post(fmt.Sprintf("/api/v1/admin/canteens/%d/copy-week", w.canteenID), func(v string) map[string]any {
				return map[string]any{"week_start": v}
			})},
		{"POST", "/api/v1/admin/courses", s, "enroll_by", scheduleTime, post("/api/v1/admin/courses", func(v string) map[string]any {
			return courseBody(map[string]any{"enroll_by": v})
		})},
		{"POST", "/api/v1/admin/courses", s, "sessions[0].starts_at", scheduleTime, post("/api/v1/admin/courses", func(v string) map[string]any {
			return courseBody(map[string]any{"sessions": session(v, "")})
		})},
		{"POST", "/api/v1/admin/courses", s, "sessions[0].ends_at", scheduleTime, post("/api/v1/admin/courses", func(v string) map[string]any {
			return courseBody(map[string]any{"sessions": session("", v)})
		})},
		{"PATCH", "/api/v1/admin/courses/{id}", s, "enroll_by", scheduleTime, post(fmt.Sprintf("/api/v1/admin/courses/%d", w.course), func(v string) map[string]any {
			return map[string]any{"enroll_by": v}
		})},
		{"PATCH", "/api/v1/admin/courses/{id}", s, "sessions[0].starts_at", scheduleTime, post(fmt.Sprintf("/api/v1/admin/courses/%d", w.course), func(v string) map[string]any {
			return map[string]any{"sessions": session(v, "")}
		})},
		{"PATCH", "/api/v1/admin/courses/{id}", s, "sessions[0].ends_at", scheduleTime, post(fmt.Sprintf("/api/v1/admin/courses/%d", w.course), func(v string) map[string]any {
			return map[string]any{"sessions": session("", v)}
		})},
		{"PUT", "/api/v1/me/profile", w.resident, "birth_date", births, post("/api/v1/me/profile", func(v string) map[string]any {
			return map[string]any{"name": "王小明", "community_id": w.cid, "building_id": w.bs[0], "unit": "1单元", "room": "301", "birth_date": v}
		})},
		{"POST", "/api/v1/persons", w.resident, "birth_date", births, post("/api/v1/persons", person)},
		{"POST", "/api/v1/admin/persons", s, "birth_date", births, post("/api/v1/admin/persons", func(v string) map[string]any {
			b := person(v)
			delete(b, "relation")
			return b
		})},
		{"PATCH", "/api/v1/persons/{id}", w.resident, "birth_date", births, post(fmt.Sprintf("/api/v1/persons/%d", w.self), func(v string) map[string]any {
			return map[string]any{"birth_date": v}
		})},
		{"GET", "/api/v1/canteens/{id}/slots", "", "from", records, get(fmt.Sprintf("/api/v1/canteens/%d/slots?from=", w.canteenID))},
		{"GET", "/api/v1/canteens/{id}/slots", "", "to", records, func(v string) (string, any) {
			from := "2000-01-01"
			if v == day(last) {
				from = v // within the 31 days a list spans
			}
			return fmt.Sprintf("/api/v1/canteens/%d/slots?from=%s&to=%s", w.canteenID, from, v), nil
		}},
		{"GET", "/api/v1/admin/canteens/{id}/prep-list", s, "date", records, get(fmt.Sprintf("/api/v1/admin/canteens/%d/prep-list?date=", w.canteenID))},
		{"GET", "/api/v1/admin/canteens/{id}/delivery-list", s, "date", records, get(fmt.Sprintf("/api/v1/admin/canteens/%d/delivery-list?date=", w.canteenID))},
		{"GET", "/api/v1/worker/deliveries", s, "date", records, get("/api/v1/worker/deliveries?date=")},
		{"GET", "/api/v1/admin/overview", s, "date", records, get("/api/v1/admin/overview?date=")},
		{"GET", "/api/v1/admin/subsidy-report", s, "month", months, get("/api/v1/admin/subsidy-report?month=")},
	}
	have, documented := map[string]bool{}, map[string]bool{}
	for _, tt := range tests {
		have[tt.String()] = true
	}
	for _, f := range dateFields(t) {
		documented[f] = true
		if !have[f] {
			t.Errorf("date field %s has no row", f)
		}
	}
	for f := range have {
		if !documented[f] {
			t.Errorf("docs/openapi.yaml does not describe %s as a date, time or month", f)
		}
	}
	for _, tt := range tests {
		t.Run(tt.String(), func(t *testing.T) {
			for _, v := range tt.kind.bad {
				path, body := tt.build(v)
				r := w.do(tt.method, path, tt.token, body)
				if r.Status != 400 || r.errCode() != "invalid_request" || r.field(tt.field) == "" {
					t.Errorf("%s %s: got %d %s, want 400 invalid_request naming %s", tt.kind.name, v, r.Status, r.Raw, tt.field)
				}
			}
			for _, v := range tt.kind.good {
				path, body := tt.build(v)
				if r := w.do(tt.method, path, tt.token, body); r.Status >= 500 || r.field(tt.field) != "" {
					t.Errorf("%s %s: got %d %s, want no problem with %s", tt.kind.name, v, r.Status, r.Raw, tt.field)
				}
			}
		})
	}
}

// TestPastSessionsKeptOnEdit: the window applies to what an edit changes, so a course under way
// (its first sessions long past) can still be edited, and its past sessions sent back as they are.
func TestPastSessionsKeptOnEdit(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Now()}
	w := newCanteenWorldTB(t, options{now: clk.Now})
	id := w.course(nil)
	path := fmt.Sprintf("/api/v1/admin/courses/%d", id)
	r := w.do("GET", fmt.Sprintf("/api/v1/courses/%d", id), "", nil)
	w.want(r, 200, "")
	var sessions []map[string]any
	for _, se := range r.Body["sessions"].([]any) {
		m := se.(map[string]any)
		sessions = append(sessions, map[string]any{"starts_at": m["starts_at"], "ends_at": m["ends_at"], "place": m["place"]})
	}
	clk.Add(60 * 24 * time.Hour)
	w.want(w.do("PATCH", path, w.staff, map[string]any{"title": "如何倾听孩子（续）"}), 200, "")
	later := clk.Now().Add(24 * time.Hour)
	more := append(sessions, session(later, "社区活动室"))
	w.want(w.do("PATCH", path, w.staff, map[string]any{"sessions": more}), 200, "")
	moved := append([]map[string]any{}, more...)
	moved[0] = session(clk.Now().AddDate(0, 0, -40), "社区活动室")
	r = w.do("PATCH", path, w.staff, map[string]any{"sessions": moved})
	if r.Status != 400 || r.field("sessions[0].starts_at") == "" {
		t.Errorf("a session moved 40 days back: got %d %s, want 400 naming sessions[0].starts_at", r.Status, r.Raw)
	}
}
