package httpapi_test

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"
)

type courseJSON struct {
	ID           int64  `json:"id"`
	Title        string `json:"title"`
	Teacher      string `json:"teacher"`
	Capacity     int    `json:"capacity"`
	Enrolled     int    `json:"enrolled"`
	Waitlisted   int    `json:"waitlisted"`
	Closed       bool   `json:"closed"`
	Cancelled    bool   `json:"cancelled"`
	CancelReason string `json:"cancel_reason"`
	Certificate  int    `json:"certificate_sessions"`
	Sessions     []struct {
		Index    int    `json:"index"`
		StartsAt string `json:"starts_at"`
		Place    string `json:"place"`
	} `json:"sessions"`
}

type coursePage struct {
	Items      []courseJSON `json:"items"`
	NextCursor string       `json:"next_cursor"`
}

func session(start time.Time, place string) map[string]any {
	return map[string]any{"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(time.Hour).Format(time.RFC3339), "place": place}
}

func TestCourseEditCancelAndRosterCSV(t *testing.T) {
	w := newCanteenWorld(t)
	id := w.course(map[string]any{"capacity": 1})
	path := fmt.Sprintf("/api/v1/admin/courses/%d", id)
	mother := w.id(w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", id), w.resident, map[string]any{"person_id": w.mother}))
	w.want(w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", id), w.resident, map[string]any{"person_id": w.self}), 201, "")

	// Edits: text, and sessions moved (the enrolled and the waiting are told).
	start := time.Now().Add(72 * time.Hour).Truncate(time.Minute)
	r := w.do("PATCH", path, w.staff, map[string]any{"title": "如何倾听孩子（新版）", "teacher": "李老师",
		"sessions": []map[string]any{session(start, "二楼会议室"), session(start.Add(7*24*time.Hour), "二楼会议室"), session(start.Add(14*24*time.Hour), "二楼会议室")}})
	w.want(r, 200, "")
	c := into[courseJSON](t, r)
	if c.Title != "如何倾听孩子（新版）" || c.Teacher != "李老师" || len(c.Sessions) != 3 || c.Sessions[0].Place != "二楼会议室" || c.Certificate != 3 {
		t.Errorf("edited = %s", r.Raw)
	}
	if got := w.walk("/api/v1/me/messages?limit=50", w.resident, "title"); strings.Count(strings.Join(got, ","), "课程时间或地点有变") != 2 {
		t.Errorf("resident's messages = %v", got)
	}
	w.want(w.do("PATCH", path, w.staff, map[string]any{}), 400, "invalid_request")
	w.want(w.do("PATCH", path, w.staff, map[string]any{"title": ""}), 400, "invalid_request")
	w.want(w.do("PATCH", path, w.staff, map[string]any{"certificate_sessions": 4}), 400, "invalid_request")
	w.want(w.do("PATCH", path, w.staff, map[string]any{"sessions": []map[string]any{{"starts_at": "soon", "ends_at": "later", "place": "x"}}}), 400, "invalid_request")

	// A session someone attended stays: not dropped, not moved, not shifted up by dropping an
	// earlier one. Later ones can go, and its place can change.
	w.want(w.do("POST", path+"/checkin", w.staff, map[string]any{"enrollment_id": mother, "session_index": 2}), 200, "")
	week2, week3 := start.Add(7*24*time.Hour), start.Add(14*24*time.Hour)
	for name, sessions := range map[string][]map[string]any{
		"dropped":         {session(start, "二楼会议室")},
		"earlier dropped": {session(week2, "二楼会议室"), session(week3, "二楼会议室")},
		"moved":           {session(start, "二楼会议室"), session(week2.Add(time.Hour), "二楼会议室")},
	} {
		if r := w.do("PATCH", path, w.staff, map[string]any{"sessions": sessions}); r.Status != 409 || r.errCode() != "session_has_attendance" {
			t.Errorf("%s: %d %s", name, r.Status, r.Raw)
		}
	}
	r = w.do("PATCH", path, w.staff, map[string]any{"sessions": []map[string]any{session(start, "二楼会议室"), session(week2, "三楼活动室")}})
	w.want(r, 200, "")
	if c := into[courseJSON](t, r); len(c.Sessions) != 2 || c.Certificate != 2 || c.Sessions[1].Place != "三楼活动室" {
		t.Errorf("after dropping the third = %s", r.Raw)
	}

	// The roster as CSV: BOM, a column per session, the waiting list after the enrolled.
	r = w.do("GET", path+"/roster?format=csv", w.staff, nil)
	w.want(r, 200, "")
	if !strings.HasPrefix(string(r.Raw), "\uFEFF") || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("roster csv = %q", r.Raw)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.Raw), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "姓名" || len(rows[0]) != 7 || rows[1][0] != "王秀英" || rows[1][4] != "✓" || rows[1][5] != "1" ||
		rows[2][1] != "候补" || rows[2][2] != "1" {
		t.Errorf("roster rows = %q", rows)
	}

	// Staff list every course, newest first, searchable by title.
	other := w.course(map[string]any{"title": "作息与阅读", "theme": "习惯养成"})
	list := into[coursePage](t, w.do("GET", "/api/v1/admin/courses", w.staff, nil))
	if len(list.Items) != 2 || list.Items[0].ID != other {
		t.Errorf("admin courses = %+v", list.Items)
	}
	if got := into[coursePage](t, w.do("GET", "/api/v1/admin/courses?q=倾听", w.staff, nil)).Items; len(got) != 1 || got[0].ID != id {
		t.Errorf("q=倾听 = %+v", got)
	}
	if got := into[coursePage](t, w.do("GET", "/api/v1/admin/courses?order=oldest&limit=1", w.staff, nil)); len(got.Items) != 1 || got.Items[0].ID != id || got.NextCursor == "" {
		t.Errorf("oldest first = %+v", got)
	}
	w.want(w.do("GET", "/api/v1/admin/courses?order=title", w.staff, nil), 400, "invalid_request")

	// Cancelling: a reason is needed; everyone enrolled or waiting is told; the course leaves the
	// public list and takes no more enrolments or edits.
	w.want(w.do("POST", path+"/cancel", w.staff, map[string]any{"reason": " "}), 400, "invalid_request")
	w.want(w.do("POST", path+"/cancel", w.resident, map[string]any{"reason": "老师生病"}), 403, "forbidden")
	r = w.do("POST", path+"/cancel", w.staff, map[string]any{"reason": "老师生病"})
	w.want(r, 200, "")
	if c := into[courseJSON](t, r); !c.Cancelled || !c.Closed || c.CancelReason != "老师生病" || c.Enrolled != 0 || c.Waitlisted != 0 {
		t.Errorf("cancelled = %s", r.Raw)
	}
	w.want(w.do("POST", path+"/cancel", w.staff, map[string]any{"reason": "再次"}), 200, "")
	if got := strings.Join(w.walk("/api/v1/me/messages?limit=50", w.resident, "title"), ","); strings.Count(got, "课程已取消") != 2 {
		t.Errorf("resident's messages = %s", got)
	}
	for _, s := range w.walk("/api/v1/enrollments?limit=50", w.resident, "status") {
		if s != "cancelled" {
			t.Errorf("an enrolment is still %s", s)
		}
	}
	public := w.do("GET", fmt.Sprintf("/api/v1/courses?community_id=%d", w.cid), "", nil)
	if strings.Contains(string(public.Raw), "倾听") {
		t.Errorf("the public list shows the cancelled course: %s", public.Raw)
	}
	if c := into[courseJSON](t, w.do("GET", fmt.Sprintf("/api/v1/courses/%d", id), "", nil)); !c.Cancelled {
		t.Errorf("the cancelled course reads as %+v", c)
	}
	w.want(w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", id), w.resident, map[string]any{"person_id": w.mother}), 409, "enrollment_closed")
	w.want(w.do("PATCH", path, w.staff, map[string]any{"capacity": 5}), 409, "invalid_transition")

	// Another community's staff see none of it.
	cid2, _ := w.community("西街社区", "1幢")
	staff2, _ := w.testEnv.staff("staff2", cid2)
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/courses/%d/cancel", other), staff2, map[string]any{"reason": "x"}), 404, "not_found")
	w.want(w.do("PATCH", fmt.Sprintf("/api/v1/admin/courses/%d", other), staff2, map[string]any{"capacity": 5}), 404, "not_found")
	w.want(w.do("GET", fmt.Sprintf("/api/v1/admin/courses/%d/roster?format=csv", other), staff2, nil), 404, "not_found")
	if got := into[coursePage](t, w.do("GET", "/api/v1/admin/courses", staff2, nil)).Items; len(got) != 0 {
		t.Errorf("other community's staff list %+v", got)
	}
}
