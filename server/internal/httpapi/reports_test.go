package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/validation"
)

// reportWorld is a community with a grid (building 1, worker on duty), a building in no grid,
// staff, a volunteer, and a resident who guards an elder.
type reportWorld struct {
	*testEnv
	cid           int64
	bs            []int64
	staff, worker string
	workerID      int64
	volunteer     string
	volunteerID   int64
	resident      string
	residentID    int64
	mother        int64
}

func newReportWorld(t *testing.T, opts ...options) *reportWorld {
	e := newEnv(t, opts...)
	w := &reportWorld{testEnv: e}
	w.cid, w.bs = e.community("中埂社区", "1幢", "2幢")
	w.staff, _ = e.staff("staff", w.cid)
	ctx := context.Background()
	w.worker, w.workerID = e.login("worker")
	w.volunteer, w.volunteerID = e.login("volunteer")
	for uid, role := range map[int64]account.Role{w.workerID: account.RoleGridWorker, w.volunteerID: account.RoleVolunteer} {
		if _, err := e.app.Accounts.Grant(ctx, w.cid, uid, role, 0); err != nil {
			t.Fatal(err)
		}
	}
	e.want(e.do("POST", "/api/v1/admin/grids", w.staff, map[string]any{"name": "第一网格", "building_ids": []int64{w.bs[0]}, "worker_user_ids": []int64{w.workerID}}), 201, "")
	w.resident, w.residentID = e.login("resident")
	e.want(e.do("PUT", "/api/v1/me/profile", w.resident, map[string]any{"name": "王小明", "community_id": w.cid, "building_id": w.bs[0], "unit": "1单元", "room": "301"}), 200, "")
	e.want(e.do("POST", "/api/v1/me/phone", w.resident, map[string]any{"code": "phone"}), 200, "")
	w.mother = e.id(e.do("POST", "/api/v1/persons", w.resident, elder(w.bs[1], "王秀英", idElderF)))
	return w
}

func (w *reportWorld) submit(tok string, over map[string]any) resp {
	w.t.Helper()
	b := map[string]any{"category": "repair", "description": "楼道灯坏了", "building_id": w.bs[0], "unit": "1单元", "urgency": "normal", "photo_ids": []int64{}}
	for k, v := range over {
		b[k] = v
	}
	return w.do("POST", "/api/v1/reports", tok, b)
}

// dispatch runs the event pipeline until the submitted reports are routed.
func (w *reportWorld) dispatch() {
	w.t.Helper()
	ctx := context.Background()
	w.app.Events.Block = 10 * time.Millisecond
	for range 5 {
		if _, err := w.app.Events.RelayOnce(ctx, 100); err != nil {
			w.t.Fatal(err)
		}
		if _, err := w.app.Events.ConsumeOnce(ctx, "report.submitted", 50); err != nil {
			w.t.Fatal(err)
		}
	}
}

func (w *reportWorld) titles(tok string) string {
	w.t.Helper()
	return strings.Join(w.walk("/api/v1/me/messages?limit=50", tok, "title"), ",")
}

func TestReportRoutedAcceptedResolvedConfirmed(t *testing.T) {
	w := newReportWorld(t)
	r := w.submit(w.resident, nil)
	w.want(r, 201, "")
	id := w.id(r)
	if r.Body["status"] != "submitted" || r.Body["level"] != "major" || r.Body["category_name"] != "设施报修" {
		t.Errorf("submitted = %s", r.Raw)
	}
	w.dispatch()
	// The worker on duty for building 1 has it, with a push queued and an inbox entry.
	r = w.do("GET", fmt.Sprintf("/api/v1/reports/%d", id), w.resident, nil)
	if r.Body["status"] != "assigned" || r.Body["assignee_user_id"] != float64(w.workerID) {
		t.Fatalf("after dispatch = %s", r.Raw)
	}
	if got := w.titles(w.worker); got != "新的报事任务" {
		t.Errorf("worker inbox = %s", got)
	}
	var pushes int
	if err := w.db.QueryRow(`SELECT COUNT(*) FROM push_outbox WHERE user_id = ? AND template_key = 'report_assigned'`, w.workerID).Scan(&pushes); err != nil || pushes != 1 {
		t.Errorf("pushes to the worker = %d, %v", pushes, err)
	}
	// Dispatching again (a second delivery) changes nothing.
	if _, err := w.db.Exec(`UPDATE outbox SET published_at = NULL`); err != nil {
		t.Fatal(err)
	}
	w.dispatch()
	if got := w.titles(w.worker); got != "新的报事任务" {
		t.Errorf("worker inbox after a second delivery = %s", got)
	}

	tasks := w.do("GET", "/api/v1/worker/tasks?status=assigned", w.worker, nil)
	w.want(tasks, 200, "")
	task := tasks.Body["items"].([]any)[0].(map[string]any)
	if task["reporter_name"] != "王小明" || !strings.Contains(task["reporter_phone"].(string), "****") {
		t.Errorf("worker's task = %v", task)
	}
	w.want(w.do("POST", fmt.Sprintf("/api/v1/reports/%d/confirm", id), w.resident, map[string]any{"rating": 5}), 409, "invalid_transition")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/accept", id), w.volunteer, nil), 404, "not_found")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/accept", id), w.worker, nil), 200, "")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/accept", id), w.worker, nil), 409, "invalid_transition")
	r = w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/resolve", id), w.worker, map[string]any{"note": "已换灯泡"})
	w.want(r, 200, "")
	if got := w.titles(w.resident); !strings.Contains(got, "报事已处理") {
		t.Errorf("resident inbox = %s", got)
	}
	w.want(w.do("POST", fmt.Sprintf("/api/v1/reports/%d/confirm", id), w.resident, map[string]any{"rating": 6}), 400, "invalid_request")
	r = w.do("POST", fmt.Sprintf("/api/v1/reports/%d/confirm", id), w.resident, map[string]any{"rating": 5, "comment": "很快"})
	w.want(r, 200, "")
	if r.Body["status"] != "closed" || r.Body["rating"] != float64(5) {
		t.Errorf("confirmed = %s", r.Raw)
	}
	// Reopened within 7 days: back to the same worker.
	r = w.do("POST", fmt.Sprintf("/api/v1/reports/%d/reopen", id), w.resident, map[string]any{"reason": "又坏了"})
	w.want(r, 200, "")
	if r.Body["status"] != "assigned" || r.Body["assignee_user_id"] != float64(w.workerID) {
		t.Errorf("reopened = %s", r.Raw)
	}
	r = w.do("GET", fmt.Sprintf("/api/v1/reports/%d", id), w.resident, nil)
	var actions []string
	for _, st := range r.Body["timeline"].([]any) {
		actions = append(actions, st.(map[string]any)["action"].(string))
	}
	if got := strings.Join(actions, ","); got != "submitted,assigned,accepted,resolved,confirmed,reopened" {
		t.Errorf("timeline = %s", got)
	}
	// Closed more than 7 days after resolving: no reopening.
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/accept", id), w.worker, nil), 200, "")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/resolve", id), w.worker, nil), 200, "")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/reports/%d/confirm", id), w.resident, map[string]any{"rating": 4}), 200, "")
	if _, err := w.db.Exec(`UPDATE reports SET resolved_at = ? WHERE id = ?`, time.Now().Add(-8*24*time.Hour).UTC(), id); err != nil {
		t.Fatal(err)
	}
	w.want(w.do("POST", fmt.Sprintf("/api/v1/reports/%d/reopen", id), w.resident, nil), 409, "invalid_transition")
}

func TestReportToStaffAnonymousReturnAndAssign(t *testing.T) {
	w := newReportWorld(t)
	// Building 2 is in no grid: staff are told and assign it.
	id := w.id(w.submit(w.resident, map[string]any{"building_id": w.bs[1], "anonymous": true, "category": "dispute", "description": "楼上噪音"}))
	w.dispatch()
	r := w.do("GET", fmt.Sprintf("/api/v1/reports/%d", id), w.resident, nil)
	if r.Body["status"] != "submitted" || r.Body["assignee_user_id"] != nil {
		t.Errorf("unrouted report = %s", r.Raw)
	}
	if got := w.titles(w.staff); got != "有待分派的报事" {
		t.Errorf("staff inbox = %s", got)
	}
	staffView := w.do("GET", "/api/v1/admin/reports?status=submitted", w.staff, nil)
	if it := staffView.Body["items"].([]any)[0].(map[string]any); it["reporter_name"] != "王小明" || it["anonymous"] != true {
		t.Errorf("staff see = %v", it)
	}
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/reports/%d/assign", id), w.staff, map[string]any{"worker_user_id": w.residentID}), 400, "invalid_request")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/reports/%d/assign", id), w.staff, map[string]any{"worker_user_id": w.workerID}), 200, "")
	// The worker does not see who reported an anonymous report.
	task := w.do("GET", "/api/v1/worker/tasks", w.worker, nil).Body["items"].([]any)[0].(map[string]any)
	if task["reporter_name"] != nil || task["reporter_phone"] != nil {
		t.Errorf("anonymous report shows its reporter to the worker: %v", task)
	}
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/return", id), w.worker, map[string]any{}), 400, "invalid_request")
	r = w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/return", id), w.worker, map[string]any{"reason": "不属于我网格"})
	w.want(r, 200, "")
	if r.Body["status"] != "returned" {
		t.Errorf("returned = %s", r.Raw)
	}
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/reports/%d/assign", id), w.staff, map[string]any{"worker_user_id": w.volunteerID}), 200, "")

	// Another community's staff and strangers see nothing.
	cid2, _ := w.community("西街社区", "1幢")
	other, _ := w.testEnv.staff("other-staff", cid2)
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/reports/%d/assign", id), other, map[string]any{"worker_user_id": w.workerID}), 400, "invalid_request")
	stranger, _ := w.login("stranger")
	absent := int64(99999999)
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/v1/reports/%d", nil},
		{"POST", "/api/v1/reports/%d/cancel", nil},
		{"POST", "/api/v1/reports/%d/confirm", map[string]any{"rating": 5}},
		{"POST", "/api/v1/reports/%d/reopen", map[string]any{"reason": "x"}},
	} {
		// Another's report answers exactly as a missing one.
		got := w.do(c.method, fmt.Sprintf(c.path, id), stranger, c.body)
		miss := w.do(c.method, fmt.Sprintf(c.path, absent), stranger, c.body)
		w.want(got, 404, "not_found")
		if got.field("x") != miss.field("x") || miss.Status != 404 {
			t.Errorf("%s: %s vs missing %s", c.path, got.Raw, miss.Raw)
		}
	}
	// Only the assigned worker acts on a task: others find nothing.
	for action, body := range map[string]any{"accept": nil, "resolve": map[string]any{"note": "x"}, "return": map[string]any{"reason": "x"}} {
		w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/%s", id, action), w.worker, body), 404, "not_found")
	}
	w.want(w.do("GET", "/api/v1/worker/tasks", stranger, nil), 403, "forbidden")
	w.want(w.do("GET", "/api/v1/admin/reports", w.worker, nil), 403, "forbidden")
	if r := w.do("GET", "/api/v1/admin/reports", other, nil); len(r.Body["items"].([]any)) != 0 {
		t.Errorf("another community's staff see %s", r.Raw)
	}
}

func TestReportClaimUrgentContentAndEscalation(t *testing.T) {
	w := newReportWorld(t)
	// Minor: open to volunteers; the first claim wins.
	minor := w.id(w.submit(w.resident, map[string]any{"category": "sanitation", "description": "垃圾没清"}))
	w.dispatch()
	open := w.do("GET", "/api/v1/worker/open-tasks", w.volunteer, nil)
	if items := open.Body["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != float64(minor) {
		t.Fatalf("open tasks = %s", open.Raw)
	}
	r := w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/claim", minor), w.volunteer, nil)
	w.want(r, 200, "")
	if r.Body["status"] != "accepted" || r.Body["assignee_user_id"] != float64(w.volunteerID) {
		t.Errorf("claimed = %s", r.Raw)
	}
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/claim", minor), w.worker, nil), 409, "already_claimed")
	major := w.id(w.submit(w.resident, nil))
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/claim", major), w.volunteer, nil), 404, "not_found")

	// Urgent: every staff member is told at once, and the grid worker gets it.
	_, _ = w.testEnv.staff("staff-2", w.cid)
	urgent := w.id(w.submit(w.resident, map[string]any{"urgency": "urgent", "description": "楼道有烟味"}))
	w.dispatch()
	if got := w.do("GET", fmt.Sprintf("/api/v1/reports/%d", urgent), w.resident, nil); got.Body["level"] != "urgent" || got.Body["status"] != "assigned" {
		t.Errorf("urgent = %s", got.Raw)
	}
	var told int
	if err := w.db.QueryRow(`SELECT COUNT(*) FROM messages WHERE title = '紧急报事'`).Scan(&told); err != nil || told != 2 {
		t.Errorf("staff told of the urgent report: %d, %v", told, err)
	}

	// The content check: risky is refused, review is accepted and flagged.
	w.want(w.submit(w.resident, map[string]any{"description": "这里有违禁内容"}), 422, "content_rejected")
	r = w.submit(w.resident, map[string]any{"description": "这条待审一下"})
	w.want(r, 201, "")
	if r.Body["flagged"] != true {
		t.Errorf("review verdict = %s", r.Raw)
	}

	// For the elder the resident acts for; past its deadline it escalates to staff.
	r = w.submit(w.resident, map[string]any{"person_id": w.mother, "building_id": w.bs[0], "description": "老人家水管漏水"})
	w.want(r, 201, "")
	forMother := w.id(r)
	w.dispatch()
	if _, err := w.db.Exec(`UPDATE reports SET accept_by = ? WHERE id = ?`, time.Now().Add(-time.Minute).UTC(), forMother); err != nil {
		t.Fatal(err)
	}
	if n, err := w.app.Reports.Escalate(context.Background()); err != nil || n != 1 {
		t.Fatalf("escalated %d, %v", n, err)
	}
	overdue := w.do("GET", "/api/v1/admin/reports?overdue=true", w.staff, nil)
	if items := overdue.Body["items"].([]any); len(items) != 1 || items[0].(map[string]any)["status"] != "escalated" {
		t.Errorf("overdue = %s", overdue.Raw)
	}

	// Bad input.
	for name, over := range map[string]map[string]any{
		"unknown category": {"category": "ufo"},
		"no description":   {"description": " "},
		"long":             {"description": strings.Repeat("长", 501)},
		"bad urgency":      {"urgency": "now"},
		"nowhere":          {"building_id": 0},
		"half a point":     {"building_id": 0, "lat": 29.1},
		"other's building": {"building_id": 999999},
		"photos":           {"photo_ids": []int64{1}},
		"no photo_ids":     {"photo_ids": nil},
	} {
		if r := w.submit(w.resident, over); r.Status != 400 {
			t.Errorf("%s: %d %s", name, r.Status, r.Raw)
		}
	}
	stranger, _ := w.login("stranger")
	w.want(w.submit(stranger, map[string]any{"person_id": w.mother}), 404, "not_found")
	// Cancel before anyone starts.
	w.want(w.do("POST", fmt.Sprintf("/api/v1/reports/%d/cancel", major), w.resident, nil), 200, "")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/reports/%d/cancel", major), w.resident, nil), 409, "invalid_transition")
	if got := w.walk("/api/v1/reports?limit=2", w.resident, "status"); len(got) < 5 {
		t.Errorf("my reports = %v", got)
	}
}

// TestReportHandedOutAgainGetsFreshClocks: every hand-off starts the category's clocks again
// (repair: 60 minutes to accept, 2 days to resolve), so a report staff assign after it escalated,
// one accepted after its first resolve_by, one reopened and one claimed late are not escalated
// again by the next sweep (30 s later) but can be worked over a realistic time; each escalation
// is one step and one message to staff.
func TestReportHandedOutAgainGetsFreshClocks(t *testing.T) {
	clk := &clock{t: time.Now()}
	w := newReportWorld(t, options{now: clk.Now})
	ctx := context.Background()
	sweep := func(want int) {
		t.Helper()
		clk.Add(31 * time.Second)
		if n, err := w.app.Reports.Escalate(ctx); err != nil || n != want {
			t.Fatalf("escalated %d, %v; want %d", n, err, want)
		}
	}
	path := func(format string, id int64) string { return fmt.Sprintf(format, id) }
	is := func(id int64, status string, assignee int64) {
		t.Helper()
		r := w.do("GET", path("/api/v1/admin/reports/%d", id), w.staff, nil)
		w.want(r, 200, "")
		if r.Body["status"] != status || (assignee != 0 && r.Body["assignee_user_id"] != float64(assignee)) {
			t.Fatalf("report %d = %s; want %s to %d", id, r.Raw, status, assignee)
		}
	}
	assign := func(id int64) {
		t.Helper()
		r := w.do("POST", path("/api/v1/admin/reports/%d/assign", id), w.staff, map[string]any{"worker_user_id": w.workerID})
		w.want(r, 200, "")
		// Both clocks run from now (stamps are to the second).
		for field, window := range map[string]time.Duration{"accept_by": time.Hour, "resolve_by": 2 * 24 * time.Hour} {
			at, err := time.Parse(time.RFC3339, r.Body[field].(string))
			if want := clk.Now().Add(window); err != nil || at.After(want) || want.Sub(at) >= time.Second {
				t.Errorf("%s after assigning = %v (%v); want %s", field, r.Body[field], err, want)
			}
		}
	}

	id := w.id(w.submit(w.resident, nil))
	w.dispatch()
	is(id, "assigned", w.workerID)
	// Not accepted within the hour: escalated, staff told.
	clk.Add(time.Hour)
	sweep(1)
	is(id, "escalated", 0)
	// Staff give it back to the worker: the next sweep leaves it with them.
	assign(id)
	sweep(0)
	is(id, "assigned", w.workerID)
	clk.Add(20 * time.Minute)
	sweep(0)
	w.want(w.do("POST", path("/api/v1/worker/tasks/%d/accept", id), w.worker, nil), 200, "")
	sweep(0)
	// Not resolved within the 2 days from the hand-off: escalated again, staff told again.
	clk.Add(2 * 24 * time.Hour)
	sweep(1)
	is(id, "escalated", 0)
	// Assigned once more and accepted after its old resolve_by: a fresh 2 days.
	assign(id)
	clk.Add(10 * time.Minute)
	sweep(0)
	w.want(w.do("POST", path("/api/v1/worker/tasks/%d/accept", id), w.worker, nil), 200, "")
	sweep(0)
	clk.Add(5 * time.Hour)
	sweep(0)
	is(id, "accepted", w.workerID)
	w.want(w.do("POST", path("/api/v1/worker/tasks/%d/resolve", id), w.worker, map[string]any{"note": "已修好"}), 200, "")
	// Reopened three days later: the worker has a fresh hour to accept.
	clk.Add(3 * 24 * time.Hour)
	w.want(w.do("POST", path("/api/v1/reports/%d/reopen", id), w.resident, map[string]any{"reason": "又坏了"}), 200, "")
	sweep(0)
	is(id, "assigned", w.workerID)
	w.want(w.do("POST", path("/api/v1/worker/tasks/%d/accept", id), w.worker, nil), 200, "")
	clk.Add(time.Hour)
	sweep(0)
	w.want(w.do("POST", path("/api/v1/worker/tasks/%d/resolve", id), w.worker, nil), 200, "")

	r := w.do("GET", path("/api/v1/reports/%d", id), w.resident, nil)
	var actions []string
	for _, st := range r.Body["timeline"].([]any) {
		actions = append(actions, st.(map[string]any)["action"].(string))
	}
	if got := strings.Join(actions, ","); got != "submitted,assigned,escalated,assigned,accepted,escalated,assigned,accepted,resolved,reopened,accepted,resolved" {
		t.Errorf("timeline = %s", got)
	}
	if got := w.titles(w.worker); got != "新的报事任务,新的报事任务,新的报事任务,新的报事任务" {
		t.Errorf("worker inbox = %s", got)
	}
	if got := w.titles(w.staff); got != "有待分派的报事,有待分派的报事" {
		t.Errorf("staff inbox = %s", got)
	}

	// A minor report nobody routes (building 2 is in no grid) claimed after its resolve_by (a
	// day): the claimer has a day from the claim.
	minor := w.id(w.submit(w.resident, map[string]any{"category": "sanitation", "building_id": w.bs[1], "description": "垃圾没清"}))
	w.dispatch()
	clk.Add(25 * time.Hour)
	w.want(w.do("POST", path("/api/v1/worker/tasks/%d/claim", minor), w.volunteer, nil), 200, "")
	sweep(0)
	is(minor, "accepted", w.volunteerID)
	clk.Add(23 * time.Hour)
	sweep(0)
	w.want(w.do("POST", path("/api/v1/worker/tasks/%d/resolve", minor), w.volunteer, nil), 200, "")

	// The worker's role taken back two hours into an accepted report: it goes back to dispatch,
	// and the next grid worker of the grid has a fresh hour to accept.
	_, second := w.login("worker-2")
	if _, err := w.app.Accounts.Grant(ctx, w.cid, second, account.RoleGridWorker, 0); err != nil {
		t.Fatal(err)
	}
	grid := int64(w.do("GET", "/api/v1/admin/grids", w.staff, nil).Body["items"].([]any)[0].(map[string]any)["id"].(float64))
	w.want(w.do("PUT", path("/api/v1/admin/grids/%d", grid), w.staff, map[string]any{"name": "第一网格", "building_ids": []int64{w.bs[0]},
		"worker_user_ids": []int64{w.workerID, second}, "on_duty_user_id": w.workerID}), 200, "")
	held := w.id(w.submit(w.resident, map[string]any{"description": "水管漏水"}))
	w.dispatch()
	w.want(w.do("POST", path("/api/v1/worker/tasks/%d/accept", held), w.worker, nil), 200, "")
	clk.Add(2 * time.Hour)
	sweep(0)
	w.want(w.do("DELETE", path("/api/v1/admin/members/%d/grid_worker", w.workerID), w.staff, nil), 204, "")
	w.events()
	is(held, "assigned", second)
	sweep(0)
	is(held, "assigned", second)
}

// TestWorkerOpensTaskAndCallsReporter: the worker a report is assigned to opens it whole (place,
// map point, timeline) with the reporter's number in full to call, and that read is on the
// audit trail; a worker it is not assigned to, or a resident, gets nothing, and an open report
// shows the number masked to whoever may claim it.
func TestWorkerOpensTaskAndCallsReporter(t *testing.T) {
	w := newReportWorld(t)
	id := w.id(w.submit(w.resident, map[string]any{"location_text": "东门菜场入口", "lat": 29.4519, "lng": 119.8923}))
	w.dispatch()
	type task struct {
		Status       string   `json:"status"`
		PersonID     *int64   `json:"person_id"`
		LocationText string   `json:"location_text"`
		Lat          *float64 `json:"lat"`
		Reporter     *string  `json:"reporter_name"`
		Phone        *string  `json:"reporter_phone"`
		Timeline     []struct {
			Actor  string `json:"actor"`
			Action string `json:"action"`
		} `json:"timeline"`
	}
	open := func(tok string, id int64) task {
		t.Helper()
		r := w.do("GET", fmt.Sprintf("/api/v1/worker/tasks/%d", id), tok, nil)
		w.want(r, 200, "")
		var got task
		if err := json.Unmarshal(r.Raw, &got); err != nil {
			t.Fatal(err)
		}
		return got
	}
	me := w.do("GET", "/api/v1/me", w.resident, nil)
	phone := me.Body["phone"].(string) // masked in /me too

	got := open(w.worker, id)
	if got.Status != "assigned" || got.LocationText != "东门菜场入口" || got.Lat == nil || *got.Lat != 29.4519 {
		t.Errorf("task = %+v", got)
	}
	if got.Reporter == nil || *got.Reporter != "王小明" || got.Phone == nil || !validation.Mobile(*got.Phone) ||
		(*got.Phone)[:3] != phone[:3] || (*got.Phone)[7:] != phone[7:] {
		t.Errorf("reporter to call = %v %v, want 王小明 and the whole of %s", got.Reporter, got.Phone, phone)
	}
	var steps []string
	for _, st := range got.Timeline {
		steps = append(steps, st.Actor+" "+st.Action)
	}
	if s := strings.Join(steps, ","); s != "王小明 submitted,系统 assigned" {
		t.Errorf("timeline = %s", s)
	}
	// The read is on the trail of the person the report is for (the resident's own record).
	r := w.do("GET", fmt.Sprintf("/api/v1/admin/persons/%d/audit", *got.PersonID), w.staff, nil)
	w.want(r, 200, "")
	var audit struct {
		Items []struct {
			Action   string   `json:"action"`
			Capacity string   `json:"capacity"`
			Actor    *int64   `json:"actor_user_id"`
			Fields   []string `json:"fields"`
			Note     string   `json:"note"`
		} `json:"items"`
	}
	if err := json.Unmarshal(r.Raw, &audit); err != nil {
		t.Fatal(err)
	}
	if len(audit.Items) == 0 || audit.Items[0].Action != "phone_read" || audit.Items[0].Capacity != "worker" ||
		audit.Items[0].Actor == nil || *audit.Items[0].Actor != w.workerID || fmt.Sprint(audit.Items[0].Fields) != "[reporter_phone]" ||
		!strings.Contains(audit.Items[0].Note, fmt.Sprint(id)) {
		t.Errorf("audit after the worker's read = %s", r.Raw)
	}
	reads := len(audit.Items)

	// The worker's message opens this page.
	if pages := w.walk("/api/v1/me/messages?limit=5", w.worker, "page"); len(pages) != 1 || pages[0] != fmt.Sprintf("/pages/report/task/detail/index?id=%d", id) {
		t.Errorf("the worker's message opens %v", pages)
	}
	// Nobody else's: a volunteer (not assigned, not a minor report), a resident, a stranger.
	w.want(w.do("GET", fmt.Sprintf("/api/v1/worker/tasks/%d", id), w.volunteer, nil), 404, "not_found")
	w.want(w.do("GET", fmt.Sprintf("/api/v1/worker/tasks/%d", id), w.resident, nil), 403, "forbidden")
	w.want(w.do("GET", "/api/v1/worker/tasks/999999", w.worker, nil), 404, "not_found")

	// A minor report open to claiming: the volunteer may look before claiming, number masked, no read audited.
	minor := w.id(w.submit(w.resident, map[string]any{"category": "sanitation", "description": "垃圾没清"}))
	w.dispatch()
	got = open(w.volunteer, minor)
	if got.Phone == nil || !strings.Contains(*got.Phone, "****") {
		t.Errorf("open task's number = %v, want it masked", got.Phone)
	}
	r = w.do("GET", fmt.Sprintf("/api/v1/admin/persons/%d/audit", *got.PersonID), w.staff, nil)
	if err := json.Unmarshal(r.Raw, &audit); err != nil || len(audit.Items) != reads {
		t.Errorf("reads audited after an open task was looked at = %d, want %d (%v)", len(audit.Items), reads, err)
	}
	// Once the volunteer claims it, it is theirs: the number is whole.
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/claim", minor), w.volunteer, nil), 200, "")
	if got = open(w.volunteer, minor); got.Phone == nil || strings.Contains(*got.Phone, "****") {
		t.Errorf("claimed task's number = %v, want it whole", got.Phone)
	}
}
