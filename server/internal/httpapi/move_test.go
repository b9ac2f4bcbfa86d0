package httpapi_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

type auditItem struct {
	PersonID int64    `json:"person_id"`
	Capacity string   `json:"capacity"`
	Action   string   `json:"action"`
	Fields   []string `json:"fields"`
	Note     string   `json:"note"`
}

func actions(trail []auditItem) string {
	out := make([]string, len(trail))
	for i, e := range trail {
		out[i] = e.Action
	}
	return strings.Join(out, " ")
}

// auditOf reads a person's audit trail as a staff member sees it.
func (e *testEnv) auditOf(staff string, personID int64) []auditItem {
	e.t.Helper()
	r := e.do("GET", fmt.Sprintf("/api/v1/admin/persons/%d/audit?limit=100", personID), staff, nil)
	e.want(r, 200, "")
	return into[struct {
		Items []auditItem `json:"items"`
	}](e.t, r).Items
}

// TestMoveClearsVerificationAndSubsidy: a resident verified as 低保 by one community's staff who
// moves to another community books there at the full price until its own staff have verified
// them; each community's staff read only the entries of the audit trail written in theirs.
func TestMoveClearsVerificationAndSubsidy(t *testing.T) {
	w := newCanteenWorld(t)
	w.want(w.do("PUT", "/api/v1/admin/subsidy-rules", w.staff, map[string]any{"rules": []map[string]any{
		{"min_age": 0, "status": "dibao", "percent": 100, "daily_limit": 1}}}), 200, "")
	lunch := w.slot(nil)

	west, westBs := w.community("西街社区", "1幢")
	westStaff, _ := w.testEnv.staff("west-staff", west)
	mover, _ := w.login("mover")
	profile := map[string]any{"name": "赵大妈", "community_id": west, "building_id": westBs[0], "unit": "1单元", "room": "101",
		"gender": "female", "birth_date": "1950-05-01"}
	r := w.do("PUT", "/api/v1/me/profile", mover, profile)
	w.want(r, 200, "")
	pid := int64(r.Body["person_id"].(float64))
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/persons/%d/verify", pid), westStaff, nil), 200, "")
	w.want(w.do("PUT", fmt.Sprintf("/api/v1/admin/persons/%d/subsidy-status", pid), westStaff, map[string]any{"status": "dibao"}), 200, "")

	// She moves to 中埂社区.
	profile["community_id"], profile["building_id"] = w.cid, w.bs[0]
	w.want(w.do("PUT", "/api/v1/me/profile", mover, profile), 200, "")
	r = w.do("GET", fmt.Sprintf("/api/v1/persons/%d", pid), mover, nil)
	w.want(r, 200, "")
	if r.Body["verified"] != false || r.Body["subsidy_status"] != nil || r.Body["community_id"] != float64(w.cid) {
		t.Errorf("after moving: verified %v, subsidy_status %v, community %v; want false, null, %d",
			r.Body["verified"], r.Body["subsidy_status"], r.Body["community_id"], w.cid)
	}
	r = w.book(mover, lunch, pid, "eat_in")
	w.want(r, 201, "")
	if r.Body["subsidy_fen"] != float64(0) || r.Body["pay_fen"] != float64(1500) {
		t.Errorf("booked after moving: subsidy %v, pay %v; want 0, 1500", r.Body["subsidy_fen"], r.Body["pay_fen"])
	}

	// 中埂's staff see the move and nothing 西街's staff did; 西街's staff no longer see her.
	trail := w.auditOf(w.staff, pid)
	if len(trail) != 1 || trail[0].Action != "moved" || !slices.Contains(trail[0].Fields, "verified") || !slices.Contains(trail[0].Fields, "subsidy_status") {
		t.Errorf("中埂's audit trail = %+v, want only the move, clearing verified and subsidy_status", trail)
	}
	w.want(w.do("GET", fmt.Sprintf("/api/v1/admin/persons/%d/audit", pid), westStaff, nil), 404, "not_found")

	// 中埂's staff verify her and set her status: the subsidy applies from then on.
	w.want(w.do("POST", fmt.Sprintf("/api/v1/meal-orders/%d/cancel", w.id(r)), mover, nil), 200, "")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/persons/%d/verify", pid), w.staff, nil), 200, "")
	w.want(w.do("PUT", fmt.Sprintf("/api/v1/admin/persons/%d/subsidy-status", pid), w.staff, map[string]any{"status": "dibao"}), 200, "")
	r = w.book(mover, lunch, pid, "eat_in")
	if r.Body["subsidy_fen"] != float64(1500) {
		t.Errorf("booked once verified here: subsidy %v, want 1500", r.Body["subsidy_fen"])
	}
	if got, want := actions(w.auditOf(w.staff, pid)), "updated verified moved"; got != want {
		t.Errorf("中埂's audit trail = %s, want %s", got, want)
	}

	// Moving back: 西街's staff see their own entries again, and the move, but not 中埂's.
	profile["community_id"], profile["building_id"] = west, westBs[0]
	w.want(w.do("PUT", "/api/v1/me/profile", mover, profile), 200, "")
	if got, want := actions(w.auditOf(westStaff, pid)), "moved updated verified created"; got != want {
		t.Errorf("西街's audit trail = %s, want %s", got, want)
	}
	if r := w.do("GET", fmt.Sprintf("/api/v1/persons/%d", pid), mover, nil); r.Body["verified"] != false || r.Body["subsidy_status"] != nil {
		t.Errorf("after moving back: %s", r.Raw)
	}
}
