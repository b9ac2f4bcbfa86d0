package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/cst"
)

type alertJSON struct {
	ID          int64   `json:"id"`
	PersonName  string  `json:"person_name"`
	Status      string  `json:"status"`
	What        string  `json:"what"`
	Note        string  `json:"note"`
	ClosedBy    *string `json:"closed_by_name"`
	ReportID    *int64  `json:"report_id"`
	PersonPhone *string `json:"person_phone"`
	YourRole    *string `json:"your_role"`
	Worker      *struct {
		Name  string `json:"name"`
		Phone string `json:"phone"`
	} `json:"worker"`
	Steps []struct {
		Actor  string `json:"actor"`
		Role   string `json:"role"`
		Action string `json:"action"`
	} `json:"steps"`
}

// alertWorld: the mother lives alone in building 2, which the grid worker (on duty, phone bound)
// looks after; a rider delivers her lunch today. The clock is the test's.
type alertWorld struct {
	*canteenWorld
	clk            *clock
	rider, worker  string
	workerID       int64
	relative       string
	slot           int64
	elsewhereStaff string
}

func newAlertWorld(t *testing.T) *alertWorld {
	return newAlertWorldWith(t, options{})
}

// newAlertWorldWith is newAlertWorld with options; the clock is always the test's.
func newAlertWorldWith(t *testing.T, o options) *alertWorld {
	t.Parallel()
	clk := &clock{t: time.Now()}
	o.now = clk.Now
	w := &alertWorld{canteenWorld: newCanteenWorldTB(t, o), clk: clk}
	ctx := context.Background()
	var riderID int64
	w.rider, riderID = w.login("rider")
	w.worker, w.workerID = w.login("grid")
	for id, role := range map[int64]account.Role{riderID: account.RoleVolunteer, w.workerID: account.RoleGridWorker} {
		if _, err := w.app.Accounts.Grant(ctx, w.cid, id, role, 0); err != nil {
			t.Fatal(err)
		}
	}
	w.want(w.do("PUT", "/api/v1/me/profile", w.worker, map[string]any{"name": "张建国", "community_id": w.cid, "building_id": w.bs[1], "unit": "2单元", "room": "201"}), 200, "")
	w.want(w.do("POST", "/api/v1/me/phone", w.worker, map[string]any{"code": "grid-phone"}), 200, "")
	w.want(w.do("POST", "/api/v1/admin/grids", w.staff, map[string]any{"name": "二幢网格", "building_ids": []int64{w.bs[1]}, "worker_user_ids": []int64{w.workerID}}), 201, "")
	// A second guardian, who will hear of it all too.
	var relativeID int64
	w.relative, relativeID = w.login("relative")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/persons/%d/guardian-requests", w.mother), w.relative, map[string]any{"relation": "parent", "id_card": idElderF}), 201, "")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/approve", w.requestFor(w.staff, w.mother, relativeID)), w.staff, nil), 200, "")
	today := clk.Now().In(cst.Zone).Format(time.DateOnly)
	w.slot = w.canteenWorld.slot(map[string]any{"date": today, "capacity": 10, "book_by": clk.Now().Add(time.Hour).Format(time.RFC3339)})
	cid2, _ := w.community("西街社区", "1幢")
	w.elsewhereStaff, _ = w.testEnv.staff("staff2", cid2)
	return w
}

// noAnswer books the mother's delivered lunch and has the rider find nobody at the door; it
// answers the alert's id, from the guardian's inbox.
func (w *alertWorld) noAnswer() int64 {
	w.t.Helper()
	order := w.id(w.book(w.resident, w.slot, w.mother, "delivery"))
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/deliveries/%d/no-answer", order), w.rider, map[string]any{"note": "敲门三次"}), 200, "")
	r := w.do("GET", "/api/v1/me/messages?limit=1", w.resident, nil)
	page := r.Body["items"].([]any)[0].(map[string]any)["page"].(string)
	var id int64
	if _, err := fmt.Sscanf(page, "/pages/alert/index?id=%d", &id); err != nil {
		w.t.Fatalf("the alert's message opens %q", page)
	}
	return id
}

func TestSafetyAlertClosedByTheFirstWhoConfirms(t *testing.T) {
	w := newAlertWorld(t)
	id := w.noAnswer()
	path := fmt.Sprintf("/api/v1/alerts/%d", id)

	// Everyone it concerns was told at once, and sees it: both guardians and the grid worker;
	// staff of the community too. Nobody else.
	for who, tok := range map[string]string{"guardian": w.resident, "relative": w.relative, "grid worker": w.worker} {
		if got := w.walk("/api/v1/me/messages?limit=10", tok, "title"); len(got) == 0 || got[0] != "安危确认：送餐无人应答" {
			t.Errorf("%s's inbox = %v", who, got)
		}
	}
	r := w.do("GET", path, w.relative, nil)
	w.want(r, 200, "")
	a := into[alertJSON](t, r)
	if a.Status != "open" || a.PersonName != "王秀英" || a.Note != "敲门三次" || !strings.HasSuffix(a.What, "午餐送餐") || *a.YourRole != "guardian" ||
		a.PersonPhone == nil || *a.PersonPhone != "13800001234" || a.Worker == nil || a.Worker.Name != "张建国" || len(a.Worker.Phone) != 11 ||
		len(a.Steps) != 1 || a.Steps[0].Role != "rider" {
		t.Fatalf("alert = %s", r.Raw)
	}
	// Reading the number in full is audited on the person.
	audit := w.do("GET", fmt.Sprintf("/api/v1/admin/persons/%d/audit?limit=1", w.mother), w.staff, nil)
	if !strings.Contains(string(audit.Raw), `"action":"phone_read"`) || !strings.Contains(string(audit.Raw), "安危确认") {
		t.Errorf("audit = %s", audit.Raw)
	}
	if r := into[alertJSON](t, w.do("GET", path, w.worker, nil)); *r.YourRole != "worker" {
		t.Errorf("worker's view = %+v", r)
	}
	if r := into[alertJSON](t, w.do("GET", path, w.staff, nil)); *r.YourRole != "staff" {
		t.Errorf("staff's view = %+v", r)
	}
	stranger, _ := w.login("stranger")
	for _, tok := range []string{stranger, w.elsewhereStaff, w.rider} {
		w.want(w.do("GET", path, tok, nil), 404, "not_found")
		w.want(w.do("POST", path+"/acknowledge", tok, map[string]any{"outcome": "safe"}), 404, "not_found")
	}
	w.want(w.do("GET", "/api/v1/alerts/99999999", w.resident, nil), 404, "not_found")

	// The grid worker goes to look: the others hear of it, the alert stays open.
	w.want(w.do("POST", path+"/acknowledge", w.worker, map[string]any{"outcome": "maybe"}), 400, "invalid_request")
	r = w.do("POST", path+"/acknowledge", w.worker, map[string]any{"outcome": "going", "note": "五分钟到"})
	w.want(r, 200, "")
	if a := into[alertJSON](t, r); a.Status != "open" || len(a.Steps) != 2 || a.Steps[1].Action != "going" || a.Steps[1].Actor != "张建国" {
		t.Errorf("after going = %s", r.Raw)
	}
	if got := w.walk("/api/v1/me/messages?limit=10", w.relative, "title"); got[0] != "安危确认：有人正在上门查看" {
		t.Errorf("relative after going = %v", got)
	}
	// The daughter got through on the phone: closed, for everyone, who and when said.
	r = w.do("POST", path+"/acknowledge", w.resident, map[string]any{"outcome": "safe", "note": "在邻居家打牌"})
	w.want(r, 200, "")
	if a := into[alertJSON](t, r); a.Status != "closed" || a.ClosedBy == nil || *a.ClosedBy != "王小明" || a.PersonPhone != nil || a.Worker != nil {
		t.Errorf("after safe = %s", r.Raw)
	}
	// Closed, nobody is left to call: the numbers are no longer given, to anyone.
	for who, tok := range map[string]string{"relative": w.relative, "grid worker": w.worker, "staff": w.staff} {
		if a := into[alertJSON](t, w.do("GET", path, tok, nil)); a.Status != "closed" || a.PersonPhone != nil || a.Worker != nil {
			t.Errorf("%s reads the closed alert with numbers: %+v", who, a)
		}
	}
	for who, tok := range map[string]string{"relative": w.relative, "grid worker": w.worker} {
		if got := w.walk("/api/v1/me/messages?limit=10", tok, "body"); !strings.Contains(got[0], "家属") || !strings.Contains(got[0], "已确认王秀英平安") {
			t.Errorf("%s told %q", who, got[0])
		}
	}
	w.want(w.do("POST", path+"/acknowledge", w.relative, map[string]any{"outcome": "safe"}), 409, "alert_closed")
	w.want(w.do("POST", path+"/acknowledge", w.worker, map[string]any{"outcome": "going"}), 409, "alert_closed")

	// Closed in time: nothing escalates, ever.
	w.clk.Add(time.Hour)
	if n, err := w.app.Safety.Escalate(context.Background()); err != nil || n != 0 {
		t.Errorf("escalated a closed alert: %d, %v", n, err)
	}
	// The person's page and staff's list show it; another community's staff do not.
	for _, list := range []struct{ path, tok string }{{fmt.Sprintf("/api/v1/persons/%d/alerts", w.mother), w.relative}, {"/api/v1/admin/alerts?status=closed", w.staff}} {
		got := into[struct {
			Items []alertJSON `json:"items"`
		}](t, w.do("GET", list.path, list.tok, nil))
		if len(got.Items) != 1 || got.Items[0].ID != id || got.Items[0].PersonPhone != nil || len(got.Items[0].Steps) != 3 {
			t.Errorf("%s = %+v", list.path, got.Items)
		}
	}
	if got := w.do("GET", "/api/v1/admin/alerts", w.elsewhereStaff, nil); strings.Contains(string(got.Raw), "王秀英") {
		t.Errorf("another community's staff see %s", got.Raw)
	}
	w.want(w.do("GET", fmt.Sprintf("/api/v1/persons/%d/alerts", w.mother), stranger, nil), 404, "not_found")
	w.want(w.do("GET", "/api/v1/admin/alerts?status=lost", w.staff, nil), 400, "invalid_request")
}

func TestSafetyAlertNobodyConfirmsEscalates(t *testing.T) {
	w := newAlertWorld(t)
	ctx := context.Background()
	id := w.noAnswer()

	// 29 minutes: still waiting.
	w.clk.Add(29 * time.Minute)
	if n, err := w.app.Safety.Escalate(ctx); err != nil || n != 0 {
		t.Fatalf("escalated early: %d, %v", n, err)
	}
	// 30 minutes and nobody confirmed: an urgent report for the building, once, whichever
	// replica runs it.
	w.clk.Add(time.Minute)
	if n, err := w.app.Safety.Escalate(ctx); err != nil || n != 1 {
		t.Fatalf("escalate: %d, %v", n, err)
	}
	if n, _ := w.app.Safety.Escalate(ctx); n != 0 {
		t.Errorf("escalated twice")
	}
	a := into[alertJSON](t, w.do("GET", fmt.Sprintf("/api/v1/alerts/%d", id), w.resident, nil))
	if a.Status != "escalated" || a.ReportID == nil || a.Steps[len(a.Steps)-1].Action != "escalated" {
		t.Fatalf("escalated alert = %+v", a)
	}
	if got := w.walk("/api/v1/me/messages?limit=10", w.relative, "title"); got[0] != "安危确认：已派网格员上门" {
		t.Errorf("relative after escalation = %v", got)
	}
	// The report goes to the grid worker on duty, urgent; staff are told.
	rw := &reportWorld{testEnv: w.testEnv}
	rw.dispatch()
	rep := w.do("GET", fmt.Sprintf("/api/v1/admin/reports/%d", *a.ReportID), w.staff, nil)
	w.want(rep, 200, "")
	if rep.Body["status"] != "assigned" || rep.Body["level"] != "urgent" || rep.Body["category"] != "safety_check" ||
		rep.Body["assignee_user_id"] != float64(w.workerID) || !strings.Contains(rep.Body["description"].(string), "上门确认安全") {
		t.Errorf("safety-check report = %s", rep.Raw)
	}
	if got := strings.Join(w.walk("/api/v1/me/messages?limit=10", w.worker, "title"), ","); !strings.Contains(got, "新的报事任务") {
		t.Errorf("worker's inbox = %s", got)
	}
	if got := strings.Join(w.walk("/api/v1/me/messages?limit=10", w.staff, "title"), ","); !strings.Contains(got, "紧急报事") {
		t.Errorf("staff were not told: %s", got)
	}
	// Staff's list of escalated alerts holds it, with its report.
	esc := into[struct {
		Items []alertJSON `json:"items"`
	}](t, w.do("GET", "/api/v1/admin/alerts?status=escalated", w.staff, nil))
	if len(esc.Items) != 1 || esc.Items[0].ID != id || esc.Items[0].ReportID == nil || *esc.Items[0].ReportID != *a.ReportID {
		t.Errorf("staff's escalated alerts = %+v", esc.Items)
	}
	// While escalated, the numbers to call are still given.
	if got := into[alertJSON](t, w.do("GET", fmt.Sprintf("/api/v1/alerts/%d", id), w.relative, nil)); got.PersonPhone == nil || got.Worker == nil {
		t.Errorf("an escalated alert without its numbers: %+v", got)
	}
	// Escalated, it still closes when someone gets through.
	r := w.do("POST", fmt.Sprintf("/api/v1/alerts/%d/acknowledge", id), w.worker, map[string]any{"outcome": "safe", "note": "上门见到老人，一切安好"})
	w.want(r, 200, "")
	if got := into[alertJSON](t, r); got.Status != "closed" {
		t.Errorf("closing an escalated alert = %s", r.Raw)
	}
}
