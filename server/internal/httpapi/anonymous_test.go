package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestAnonymousReportsCarryNoTraceOfTheReporter: every answer a worker gets about an anonymous
// report (the task list, open tasks, and the answer to each step) carries nothing that names the
// reporter or can be matched with their other reports: no name, phone, person id or user id.
// Staff still see who it was.
func TestAnonymousReportsCarryNoTraceOfTheReporter(t *testing.T) {
	w := newReportWorld(t)
	// The resident's ordinary report first: the worker learns the resident's person id from it.
	w.id(w.submit(w.resident, map[string]any{"description": "楼道灯坏了"}))
	w.dispatch()
	known := w.do("GET", "/api/v1/worker/tasks", w.worker, nil).Body["items"].([]any)[0].(map[string]any)
	personID := fmt.Sprint(known["person_id"])
	if known["reporter_name"] != "王小明" || known["person_id"] == nil {
		t.Fatalf("an ordinary report to the worker = %v", known)
	}

	minor := w.id(w.submit(w.resident, map[string]any{"anonymous": true, "category": "noise", "description": "楼上深夜噪音"}))
	major := w.id(w.submit(w.resident, map[string]any{"anonymous": true, "description": "有人私拉电线"}))
	w.dispatch()
	leaks := func(where string, item map[string]any) {
		t.Helper()
		if item["anonymous"] != true {
			return
		}
		for _, f := range []string{"reporter_name", "reporter_phone", "person_id"} {
			if item[f] != nil {
				t.Errorf("%s: anonymous report %v shows %s = %v", where, item["id"], f, item[f])
			}
		}
		if strings.Contains(fmt.Sprint(item), "王小明") || (personID != "" && fmt.Sprint(item["person_id"]) == personID) {
			t.Errorf("%s: anonymous report traceable: %v", where, item)
		}
	}
	for _, path := range []string{"/api/v1/worker/tasks", "/api/v1/worker/open-tasks"} {
		for _, tok := range []string{w.worker, w.volunteer} {
			r := w.do("GET", path, tok, nil)
			if r.Status != 200 {
				continue
			}
			for _, it := range r.Body["items"].([]any) {
				leaks(path, it.(map[string]any))
			}
		}
	}
	// The task opened whole, timeline included.
	for id, tok := range map[int64]string{minor: w.volunteer, major: w.worker} {
		r := w.do("GET", fmt.Sprintf("/api/v1/worker/tasks/%d", id), tok, nil)
		if r.Status != 200 || len(r.Body["timeline"].([]any)) == 0 {
			t.Fatalf("task %d opened: %d %s", id, r.Status, r.Raw)
		}
		leaks("task", r.Body)
	}
	// The answers to each step of the work.
	leaks("claim", w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/claim", minor), w.volunteer, nil).Body)
	leaks("accept", w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/accept", major), w.worker, nil).Body)
	leaks("resolve", w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/resolve", major), w.worker, map[string]any{"note": "已处理"}).Body)
	// Staff still see who it was.
	r := w.do("GET", fmt.Sprintf("/api/v1/admin/reports/%d", major), w.staff, nil)
	if r.Body["reporter_name"] != "王小明" || r.Body["person_id"] == nil {
		t.Errorf("staff's view of the anonymous report = %s", r.Raw)
	}
}
