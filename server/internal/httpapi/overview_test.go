package httpapi_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/linli/linli/server/internal/cst"
)

type overviewJSON struct {
	Date  string `json:"date"`
	Meals []struct {
		CanteenName string         `json:"canteen_name"`
		Meal        string         `json:"meal"`
		Capacity    int            `json:"capacity"`
		Booked      int            `json:"booked"`
		Served      int            `json:"served"`
		Closed      bool           `json:"closed"`
		ByMode      map[string]int `json:"by_mode"`
	} `json:"meals"`
	Reports struct {
		Open      int            `json:"open"`
		Overdue   int            `json:"overdue"`
		Escalated map[string]int `json:"escalated"`
		Flagged   int            `json:"flagged"`
	} `json:"reports"`
	Approvals map[string]int `json:"approvals"`
	Courses   []struct {
		Title         string  `json:"title"`
		Capacity      int     `json:"capacity"`
		Enrolled      int     `json:"enrolled"`
		Waitlisted    int     `json:"waitlisted"`
		NextSessionAt *string `json:"next_session_at"`
	} `json:"courses"`
	DeadLetters int `json:"dead_letters"`
	MealsPerDay []struct {
		Date  string `json:"date"`
		Count int    `json:"count"`
	} `json:"meals_per_day"`
	ReportCategories []struct {
		Category          string `json:"category"`
		Count             int    `json:"count"`
		Resolved          int    `json:"resolved"`
		AvgResolveMinutes *int   `json:"avg_resolve_minutes"`
	} `json:"report_categories"`
}

func TestAdminOverview(t *testing.T) {
	w := newCanteenWorld(t)
	ctx := context.Background()
	// Tomorrow: lunch with two orders (one to be served) and a closed dinner.
	lunch := w.slot(map[string]any{"capacity": 5})
	w.want(w.book(w.resident, lunch, w.self, "pickup"), 201, "")
	w.want(w.book(w.resident, lunch, w.mother, "eat_in"), 201, "")
	dinner := w.slot(map[string]any{"meal": "dinner"})
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/slots/%d/close", dinner), w.staff, map[string]any{"reason": "停电"}), 200, "")
	if _, err := w.db.ExecContext(ctx, `UPDATE meal_orders SET status = 'served' WHERE person_id = ?`, w.self); err != nil {
		t.Fatal(err)
	}

	// Reports: two open, one of them past its deadline, one flagged for review.
	submit := func(body map[string]any) int64 {
		b := map[string]any{"category": "repair", "description": "楼道灯坏了", "building_id": w.bs[0], "urgency": "normal", "photo_ids": []int64{}}
		for k, v := range body {
			b[k] = v
		}
		r := w.do("POST", "/api/v1/reports", w.resident, b)
		w.want(r, 201, "")
		return w.id(r)
	}
	late := submit(nil)
	submit(map[string]any{"category": "dispute", "description": "待审：楼上噪音"})
	if _, err := w.db.ExecContext(ctx, `UPDATE reports SET accept_by = ? WHERE id = ?`, time.Now().UTC().Add(-time.Minute), late); err != nil {
		t.Fatal(err)
	}
	// A pending registration.
	father := elder(w.bs[0], "王大爷", idElderM)
	father["gender"], father["birth_date"] = "male", "1948-08-12"
	w.want(w.do("POST", "/api/v1/persons", w.resident, father), 201, "")
	// A course meeting tomorrow, half full.
	tomorrow10, _ := time.ParseInLocation("2006-01-02 15:04", w.tomorrow+" 10:00", cst.Zone)
	course := w.course(map[string]any{"capacity": 2, "sessions": []map[string]any{session(tomorrow10, "活动室")}})
	w.want(w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", course), w.resident, map[string]any{"person_id": w.mother}), 201, "")

	r := w.do("GET", "/api/v1/admin/overview?date="+w.tomorrow, w.staff, nil)
	w.want(r, 200, "")
	o := into[overviewJSON](t, r)
	if o.Date != w.tomorrow || len(o.Meals) != 2 {
		t.Fatalf("overview = %s", r.Raw)
	}
	l, d := o.Meals[0], o.Meals[1]
	if l.Meal != "lunch" || l.Booked != 2 || l.Served != 1 || l.Capacity != 5 || l.ByMode["pickup"] != 1 || l.ByMode["eat_in"] != 1 ||
		l.ByMode["delivery"] != 0 || l.Closed || l.CanteenName != "中埂邻里食堂" {
		t.Errorf("lunch = %+v", l)
	}
	if d.Meal != "dinner" || !d.Closed || d.Booked != 0 {
		t.Errorf("dinner = %+v", d)
	}
	if len(o.MealsPerDay) != 30 || o.MealsPerDay[29].Date != w.tomorrow || o.MealsPerDay[29].Count != 2 || o.MealsPerDay[28].Count != 0 {
		t.Errorf("meals per day = %+v", o.MealsPerDay)
	}
	if o.Reports.Open != 2 || o.Reports.Overdue != 1 || o.Reports.Flagged != 1 || o.Reports.Escalated["major"] != 0 {
		t.Errorf("reports = %+v", o.Reports)
	}
	if o.Approvals["register"] != 1 || o.Approvals["join"] != 0 || o.Approvals["claim"] != 0 {
		t.Errorf("approvals = %+v", o.Approvals)
	}
	if len(o.Courses) != 1 || o.Courses[0].Enrolled != 1 || o.Courses[0].Capacity != 2 || o.Courses[0].NextSessionAt == nil {
		t.Errorf("courses = %s", r.Raw)
	}
	if len(o.ReportCategories) != 2 || o.ReportCategories[0].Count != 1 || o.ReportCategories[0].AvgResolveMinutes != nil {
		t.Errorf("report categories = %+v", o.ReportCategories)
	}
	if o.DeadLetters != 0 {
		t.Errorf("dead letters = %d", o.DeadLetters)
	}
	// The figures per category are reused for a few minutes: a report more does not show yet,
	// while the open reports are counted afresh.
	submit(nil)
	again := into[overviewJSON](t, w.do("GET", "/api/v1/admin/overview?date="+w.tomorrow, w.staff, nil))
	if len(again.ReportCategories) != 2 || again.ReportCategories[0].Count != 1 || again.Reports.Open != 3 {
		t.Errorf("overview again = categories %+v, open %d", again.ReportCategories, again.Reports.Open)
	}

	// Another community's overview shows none of it; residents may not look.
	cid2, _ := w.community("西街社区", "1幢")
	staff2, _ := w.testEnv.staff("staff2", cid2)
	o2 := into[overviewJSON](t, w.do("GET", "/api/v1/admin/overview?date="+w.tomorrow, staff2, nil))
	if len(o2.Meals) != 0 || o2.Reports.Open != 0 || o2.Approvals["register"] != 0 || len(o2.Courses) != 0 || o2.MealsPerDay[29].Count != 0 {
		t.Errorf("other community's overview = %+v", o2)
	}
	w.want(w.do("GET", "/api/v1/admin/overview", w.resident, nil), 403, "forbidden")
	w.want(w.do("GET", "/api/v1/admin/overview?date=tomorrow", w.staff, nil), 400, "invalid_request")
}

func TestStaffReadsAReportAndAPersonsLists(t *testing.T) {
	w := newReportWorld(t)
	// For the mother (a pending registration), in a building in no grid: staff get it.
	id := w.id(w.submit(w.resident, map[string]any{"building_id": w.bs[1], "person_id": w.mother, "description": "水管漏水"}))
	w.dispatch()
	r := w.do("GET", fmt.Sprintf("/api/v1/admin/reports/%d", id), w.staff, nil)
	w.want(r, 200, "")
	type step struct {
		Action string `json:"action"`
	}
	got := into[struct {
		ID       int64   `json:"id"`
		Reporter *string `json:"reporter_name"`
		Phone    *string `json:"reporter_phone"`
		Timeline []step  `json:"timeline"`
	}](t, r)
	if got.Reporter == nil || *got.Reporter != "王小明" || got.Phone == nil || !strings.Contains(*got.Phone, "****") || len(got.Timeline) == 0 {
		t.Errorf("staff's report = %s", r.Raw)
	}
	// Staff's list, newest or oldest first.
	second := w.id(w.submit(w.resident, map[string]any{"building_id": w.bs[1], "description": "电梯异响"}))
	for order, want := range map[string][]int64{"": {second, id}, "newest": {second, id}, "oldest": {id, second}} {
		page := into[struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}](t, w.do("GET", "/api/v1/admin/reports?order="+order, w.staff, nil))
		if len(page.Items) != 2 || page.Items[0].ID != want[0] || page.Items[1].ID != want[1] {
			t.Errorf("order %q = %+v", order, page.Items)
		}
	}
	w.want(w.do("GET", "/api/v1/admin/reports?order=up", w.staff, nil), 400, "invalid_request")
	cid2, _ := w.community("西街社区", "1幢")
	other, _ := w.testEnv.staff("other-staff", cid2)
	w.want(w.do("GET", fmt.Sprintf("/api/v1/admin/reports/%d", id), other, nil), 404, "not_found")
	w.want(w.do("GET", "/api/v1/admin/reports/99999999", w.staff, nil), 404, "not_found")
	w.want(w.do("GET", fmt.Sprintf("/api/v1/admin/reports/%d", id), w.resident, nil), 403, "forbidden")

	// A person's reports and enrolments, for the guardian and for staff; others find nothing.
	course := w.id(w.do("POST", "/api/v1/admin/courses", w.staff, map[string]any{"theme": "健康", "title": "老年健康讲座", "teacher": "医生",
		"capacity": 5, "enroll_by": time.Now().Add(24 * time.Hour).Format(time.RFC3339),
		"sessions": []map[string]any{session(time.Now().Add(48*time.Hour), "活动室")}}))
	w.want(w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", course), w.resident, map[string]any{"person_id": w.mother}), 201, "")
	w.submit(w.resident, nil) // the resident's own report, not the mother's (the second of above is not hers either)
	stranger, _ := w.login("stranger")
	for _, path := range []string{"/api/v1/reports?person_id=%d", "/api/v1/enrollments?person_id=%d"} {
		p := fmt.Sprintf(path, w.mother)
		for who, tok := range map[string]string{"guardian": w.resident, "staff": w.staff} {
			page := into[struct {
				Items []struct {
					PersonID int64 `json:"person_id"`
				} `json:"items"`
			}](t, w.do("GET", p, tok, nil))
			if len(page.Items) != 1 || page.Items[0].PersonID != w.mother {
				t.Errorf("%s: %s = %+v", p, who, page.Items)
			}
		}
		w.want(w.do("GET", p, stranger, nil), 404, "not_found")
		w.want(w.do("GET", p, other, nil), 404, "not_found")
		w.want(w.do("GET", fmt.Sprintf(path, 99999999), w.resident, nil), 404, "not_found")
		w.want(w.do("GET", strings.Replace(path, "%d", "abc", 1), w.resident, nil), 404, "not_found")
	}
}

// The meals per day of days before yesterday are counted once and kept (they are final): the
// chart reads the orders of its last days only. Yesterday and today stay live.
func TestOverviewKeepsSettledDays(t *testing.T) {
	w := newCanteenWorld(t)
	ctx := context.Background()
	lunch := w.slot(map[string]any{"capacity": 5})
	w.want(w.book(w.resident, lunch, w.self, "pickup"), 201, "")
	w.want(w.book(w.resident, lunch, w.mother, "eat_in"), 201, "")
	now := time.Now().In(cst.Zone)
	past, yesterday, today := now.AddDate(0, 0, -5).Format(time.DateOnly), now.AddDate(0, 0, -1).Format(time.DateOnly), now.Format(time.DateOnly)
	move := func(personID int64, day string) {
		if _, err := w.db.ExecContext(ctx, `UPDATE meal_orders SET meal_date = ? WHERE person_id = ?`, day, personID); err != nil {
			t.Fatal(err)
		}
	}
	perDay := func() map[string]int {
		r := w.do("GET", "/api/v1/admin/overview?date="+today, w.staff, nil)
		w.want(r, 200, "")
		out := map[string]int{}
		for _, d := range into[overviewJSON](t, r).MealsPerDay {
			out[d.Date] = d.Count
		}
		return out
	}
	move(w.self, past)
	move(w.mother, yesterday)
	if got := perDay(); got[past] != 1 || got[yesterday] != 1 {
		t.Fatalf("meals per day = %v, want 1 on %s and on %s", got, past, yesterday)
	}
	// Orders of both days go (as no order of a settled day would): the settled day keeps its
	// count, yesterday's is read again.
	move(w.self, w.tomorrow)
	move(w.mother, w.tomorrow)
	if got := perDay(); got[past] != 1 || got[yesterday] != 0 {
		t.Errorf("meals per day = %v, want 1 kept on %s and 0 on %s", got, past, yesterday)
	}
}

// TestOverviewEscalatedAndTimeToResolve: escalated reports are counted by their level, and each
// category's "how fast resolved" is the mean time from submission to resolution of the reports
// resolved (or resolved then closed) in the window; open ones count for the total only.
func TestOverviewEscalatedAndTimeToResolve(t *testing.T) {
	w := newReportWorld(t)
	ctx := context.Background()
	submit := func(body map[string]any) int64 {
		r := w.submit(w.resident, body)
		w.want(r, 201, "")
		return w.id(r)
	}
	// Escalated: two major (repair, elderly), one urgent (safety); a minor one that is only open.
	var late []int64
	for _, cat := range []string{"repair", "elderly", "safety"} {
		late = append(late, submit(map[string]any{"category": cat, "description": "超时未受理"}))
	}
	submit(map[string]any{"category": "sanitation", "description": "垃圾没清"})
	// Resolved: two noise reports, after 60 and 120 minutes; the second is confirmed
	// (closed) too.
	fast := submit(map[string]any{"category": "noise", "description": "夜里施工"})
	slow := submit(map[string]any{"category": "noise", "description": "楼上跳绳"})
	w.dispatch()
	for _, id := range []int64{fast, slow} {
		w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/accept", id), w.worker, nil), 200, "")
		w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/resolve", id), w.worker, map[string]any{"note": "已处理"}), 200, "")
	}
	w.want(w.do("POST", fmt.Sprintf("/api/v1/reports/%d/confirm", slow), w.resident, map[string]any{"rating": 5}), 200, "")
	now := time.Now().UTC()
	for id, minutes := range map[int64]int{fast: 60, slow: 120} {
		if _, err := w.db.ExecContext(ctx, `UPDATE reports SET created_at = ?, resolved_at = ? WHERE id = ?`,
			now.Add(-3*time.Hour), now.Add(-3*time.Hour).Add(time.Duration(minutes)*time.Minute), id); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range late {
		if _, err := w.db.ExecContext(ctx, `UPDATE reports SET accept_by = ? WHERE id = ?`, now.Add(-time.Minute), id); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := w.app.Reports.Escalate(ctx); err != nil || n != 3 {
		t.Fatalf("escalated %d, %v", n, err)
	}

	r := w.do("GET", "/api/v1/admin/overview", w.staff, nil)
	w.want(r, 200, "")
	o := into[overviewJSON](t, r)
	if want := map[string]int{"minor": 0, "major": 2, "urgent": 1}; !maps.Equal(o.Reports.Escalated, want) {
		t.Errorf("escalated by level = %v, want %v", o.Reports.Escalated, want)
	}
	if o.Reports.Open != 4 || o.Reports.Overdue != 3 {
		t.Errorf("open %d, overdue %d, want 4 and 3", o.Reports.Open, o.Reports.Overdue)
	}
	type stat struct {
		count, resolved int
		avg             *int
	}
	got := map[string]stat{}
	for _, c := range o.ReportCategories {
		got[c.Category] = stat{c.Count, c.Resolved, c.AvgResolveMinutes}
	}
	if s := got["noise"]; s.count != 2 || s.resolved != 2 || s.avg == nil || *s.avg != 90 {
		t.Errorf("noise = %d reports, %d resolved, mean %v minutes; want 2, 2, 90 (%s)", s.count, s.resolved, s.avg, r.Raw)
	}
	for _, cat := range []string{"repair", "elderly", "safety", "sanitation"} {
		if s := got[cat]; s.count != 1 || s.resolved != 0 || s.avg != nil {
			t.Errorf("%s = %+v, want one report, none resolved", cat, s)
		}
	}
}
