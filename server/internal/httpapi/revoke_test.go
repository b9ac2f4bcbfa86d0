package httpapi_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/linli/linli/server/internal/account"
)

// events runs the event pipeline of every topic until it is quiet.
func (w *reportWorld) events() {
	w.t.Helper()
	ctx := context.Background()
	w.app.Events.Block = 10 * time.Millisecond
	for range 5 {
		if _, err := w.app.Events.RelayOnce(ctx, 100); err != nil {
			w.t.Fatal(err)
		}
		for _, topic := range []string{account.TopicRoleRevoked, "report.submitted"} {
			if _, err := w.app.Events.ConsumeOnce(ctx, topic, 50); err != nil {
				w.t.Fatal(err)
			}
		}
	}
}

// workerVolunteerWithTwoReports makes the grid worker a volunteer too, and submits two reports
// for them to take (one to accept, one left assigned) once dispatched.
func (w *reportWorld) workerVolunteerWithTwoReports() (accepted, assigned int64) {
	w.t.Helper()
	if _, err := w.app.Accounts.Grant(context.Background(), w.cid, w.workerID, account.RoleVolunteer, 0); err != nil {
		w.t.Fatal(err)
	}
	return w.id(w.submit(w.resident, map[string]any{"description": "楼道灯坏了"})),
		w.id(w.submit(w.resident, map[string]any{"description": "水管漏水"}))
}

// TestRevokedWorkerStopsAtOnce: revoking the grid worker's role stops their work on the spot
// (every step checks the role the report was taken in), takes them out of the grid and off
// duty, and sends their open reports back to dispatch, staff told; what they claimed as a
// volunteer stays theirs while they are one.
func TestRevokedWorkerStopsAtOnce(t *testing.T) {
	w := newReportWorld(t)
	accepted, assigned := w.workerVolunteerWithTwoReports()
	claimed := w.id(w.submit(w.resident, map[string]any{"category": "noise", "building_id": w.bs[1], "description": "楼下广场舞太吵"}))
	w.dispatch()
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/accept", accepted), w.worker, nil), 200, "")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/claim", claimed), w.worker, nil), 200, "")

	w.want(w.do("DELETE", fmt.Sprintf("/api/v1/admin/members/%d/grid_worker", w.workerID), w.staff, nil), 204, "")
	// At once, before anything else has run: no step on what they held as grid worker.
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/resolve", accepted), w.worker, map[string]any{"note": "修好了"}), 404, "not_found")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/accept", assigned), w.worker, nil), 404, "not_found")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/return", assigned), w.worker, map[string]any{"reason": "x"}), 404, "not_found")

	// Then: out of the grid and off duty; the two reports back to dispatch, and with nobody left
	// in the grid, to staff.
	w.events()
	grids := w.do("GET", "/api/v1/admin/grids", w.staff, nil).Body["items"].([]any)
	g := grids[0].(map[string]any)
	if len(g["worker_user_ids"].([]any)) != 0 || g["on_duty_user_id"] != nil {
		t.Errorf("grid after the revoke = %v", g)
	}
	for _, id := range []int64{accepted, assigned} {
		r := w.do("GET", fmt.Sprintf("/api/v1/admin/reports/%d", id), w.staff, nil)
		if r.Body["status"] != "submitted" || r.Body["assignee_user_id"] != nil {
			t.Errorf("report %d after the revoke = %s", id, r.Raw)
		}
	}
	var tasks []int64
	for _, it := range w.do("GET", "/api/v1/worker/tasks", w.worker, nil).Body["items"].([]any) {
		tasks = append(tasks, int64(it.(map[string]any)["id"].(float64)))
	}
	if !slices.Equal(tasks, []int64{claimed}) {
		t.Errorf("the worker's tasks after the revoke = %v, want only the claimed %d", tasks, claimed)
	}
	// Still a volunteer: what they claimed as one is still theirs.
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/resolve", claimed), w.worker, map[string]any{"note": "已劝导"}), 200, "")

	// A new report for the building no longer reaches them.
	before := len(w.walk("/api/v1/me/messages?limit=50", w.worker, "title"))
	w.id(w.submit(w.resident, map[string]any{"description": "电梯异响"}))
	w.dispatch()
	if after := len(w.walk("/api/v1/me/messages?limit=50", w.worker, "title")); after != before {
		t.Errorf("a revoked worker was sent %d new messages", after-before)
	}

	// No role at all: nothing claimed stays either.
	other := w.id(w.submit(w.resident, map[string]any{"category": "noise", "building_id": w.bs[1], "description": "夜里有人敲墙"}))
	w.dispatch()
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/claim", other), w.worker, nil), 200, "")
	w.want(w.do("DELETE", fmt.Sprintf("/api/v1/admin/members/%d/volunteer", w.workerID), w.staff, nil), 204, "")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/resolve", other), w.worker, map[string]any{"note": "x"}), 403, "forbidden")
	w.events()
	if r := w.do("GET", fmt.Sprintf("/api/v1/admin/reports/%d", other), w.staff, nil); r.Body["status"] != "submitted" {
		t.Errorf("the claimed report after the last revoke = %s", r.Raw)
	}
}

// TestRevokedRoleEndsEveryStepAtOnce: right after the grid worker's role is revoked, before any
// event has run, no worker step reaches what they held as grid worker (the list, opening a task,
// accepting, resolving with or without a photo, returning), though they stay a volunteer, who
// may still claim a minor report.
func TestRevokedRoleEndsEveryStepAtOnce(t *testing.T) {
	w := newReportWorld(t)
	accepted, assigned := w.workerVolunteerWithTwoReports()
	w.dispatch()
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/accept", accepted), w.worker, nil), 200, "")
	r := w.uploadFile(w.worker, pngBytes(t))
	w.want(r, 201, "")
	photo := int64(r.Body["id"].(float64))
	// Before: both are theirs to see.
	for _, id := range []int64{accepted, assigned} {
		w.want(w.do("GET", fmt.Sprintf("/api/v1/worker/tasks/%d", id), w.worker, nil), 200, "")
	}

	w.want(w.do("DELETE", fmt.Sprintf("/api/v1/admin/members/%d/grid_worker", w.workerID), w.staff, nil), 204, "")
	steps := []struct {
		name, method, path string
		body               any
	}{
		{"open the accepted task", "GET", fmt.Sprintf("/api/v1/worker/tasks/%d", accepted), nil},
		{"open the assigned task", "GET", fmt.Sprintf("/api/v1/worker/tasks/%d", assigned), nil},
		{"accept", "POST", fmt.Sprintf("/api/v1/worker/tasks/%d/accept", assigned), nil},
		{"return the assigned task", "POST", fmt.Sprintf("/api/v1/worker/tasks/%d/return", assigned), map[string]any{"reason": "不归我管"}},
		{"return the accepted task", "POST", fmt.Sprintf("/api/v1/worker/tasks/%d/return", accepted), map[string]any{"reason": "不归我管"}},
		{"resolve with a photo", "POST", fmt.Sprintf("/api/v1/worker/tasks/%d/resolve", accepted), map[string]any{"note": "修好了", "photo_ids": []int64{photo}}},
		{"resolve", "POST", fmt.Sprintf("/api/v1/worker/tasks/%d/resolve", accepted), map[string]any{"note": "修好了"}},
	}
	for _, st := range steps {
		if r := w.do(st.method, st.path, w.worker, st.body); r.Status != 404 {
			t.Errorf("%s right after the revoke: %d %s, want 404", st.name, r.Status, r.Raw)
		}
	}
	for _, status := range []string{"", "assigned", "accepted"} {
		if items := w.do("GET", "/api/v1/worker/tasks?status="+status, w.worker, nil).Body["items"].([]any); len(items) != 0 {
			t.Errorf("the task list (status %q) right after the revoke still has %d tasks", status, len(items))
		}
	}
	// Nothing moved: the reports wait for the revoke's event to send them back to dispatch.
	for id, want := range map[int64]string{accepted: "accepted", assigned: "assigned"} {
		if r := w.do("GET", fmt.Sprintf("/api/v1/admin/reports/%d", id), w.staff, nil); r.Body["status"] != want {
			t.Errorf("report %d after the refused steps = %s, want %s", id, r.Raw, want)
		}
	}
	// As a volunteer they still claim a minor report, and work on it.
	minor := w.id(w.submit(w.resident, map[string]any{"category": "noise", "building_id": w.bs[1], "description": "楼下广场舞太吵"}))
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/claim", minor), w.worker, nil), 200, "")
	w.want(w.do("GET", fmt.Sprintf("/api/v1/worker/tasks/%d", minor), w.worker, nil), 200, "")
	if items := w.do("GET", "/api/v1/worker/tasks", w.worker, nil).Body["items"].([]any); len(items) != 1 {
		t.Errorf("the volunteer's task list = %v, want the claimed report only", items)
	}
}

// TestClaimedInTheRoleHeld: a minor report is claimed in the role the claimant holds in the
// community (volunteer, else staff, else grid worker), which every later step checks; staff or
// a grid worker who claims one can therefore resolve it, and only a volunteer's claim is one.
func TestClaimedInTheRoleHeld(t *testing.T) {
	w := newReportWorld(t)
	for _, who := range []struct{ name, tok, role string }{
		{"volunteer", w.volunteer, "volunteer"}, {"staff", w.staff, "staff"}, {"grid worker", w.worker, "grid_worker"},
	} {
		minor := w.id(w.submit(w.resident, map[string]any{"category": "noise", "building_id": w.bs[1], "description": "楼下广场舞太吵"}))
		w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/claim", minor), who.tok, nil), 200, "")
		if r := w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/resolve", minor), who.tok, map[string]any{"note": "已劝导"}); r.Status != 200 {
			t.Errorf("%s resolving the report they claimed: %d %s", who.name, r.Status, r.Raw)
		}
		var role string
		if err := w.db.QueryRow("SELECT assignee_role FROM reports WHERE id = ?", minor).Scan(&role); err != nil {
			t.Fatal(err)
		}
		if role != who.role {
			t.Errorf("%s claimed as %q, want %q", who.name, role, who.role)
		}
	}
}
