package httpapi_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// course makes a course with sessions starting in days (from now) and answers its id.
func (w *canteenWorld) course(over map[string]any) int64 {
	w.t.Helper()
	start := time.Now().Add(48 * time.Hour)
	b := map[string]any{
		"theme": "亲子沟通", "title": "如何倾听孩子", "teacher": "陈老师", "capacity": 10,
		"enroll_by": time.Now().Add(24 * time.Hour).Format(time.RFC3339),
		"sessions": []map[string]any{
			{"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(time.Hour).Format(time.RFC3339), "place": "社区活动室"},
			{"starts_at": start.Add(7 * 24 * time.Hour).Format(time.RFC3339), "ends_at": start.Add(7*24*time.Hour + time.Hour).Format(time.RFC3339), "place": "社区活动室"},
		},
	}
	for k, v := range over {
		b[k] = v
	}
	r := w.do("POST", "/api/v1/admin/courses", w.staff, b)
	w.want(r, 201, "")
	return w.id(r)
}

func TestWaitingListUnderConcurrency(t *testing.T) {
	w := newCanteenWorld(t)
	id := w.course(nil)
	const n = 50
	toks := make([]string, n)
	persons := make([]int64, n)
	for i := range n {
		toks[i], _ = w.login(fmt.Sprintf("parent-%d", i))
		persons[i] = w.onboard(toks[i], fmt.Sprintf("家长%d", i))
	}
	enrolls := make([]map[string]any, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r := w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", id), toks[i], map[string]any{"person_id": persons[i]})
			if r.Status != 201 {
				t.Errorf("enrol: %d %s", r.Status, r.Raw)
				return
			}
			enrolls[i] = r.Body
		})
	}
	wg.Wait()
	var enrolled []int
	positions := map[int]int{} // position → user index
	for i, e := range enrolls {
		switch e["status"] {
		case "enrolled":
			enrolled = append(enrolled, i)
		case "waitlisted":
			positions[int(e["waitlist_position"].(float64))] = i
		}
	}
	if len(enrolled) != 10 || len(positions) != 40 {
		t.Fatalf("%d enrolled, %d distinct positions", len(enrolled), len(positions))
	}
	for p := 1; p <= 40; p++ {
		if _, ok := positions[p]; !ok {
			t.Fatalf("no one at position %d: %v", p, positions)
		}
	}
	// The 10 enrolled cancel at once: the first 10 waiting take their seats.
	for _, i := range enrolled {
		wg.Go(func() {
			w.want(w.do("POST", fmt.Sprintf("/api/v1/enrollments/%v/cancel", enrolls[i]["id"]), toks[i], nil), 200, "")
		})
	}
	wg.Wait()
	r := w.do("GET", fmt.Sprintf("/api/v1/courses/%d", id), "", nil)
	if r.Body["enrolled"] != float64(10) || r.Body["waitlisted"] != float64(30) {
		t.Errorf("course after cancels = %s", r.Raw)
	}
	for p := 1; p <= 40; p++ {
		i := positions[p]
		got := w.do("GET", "/api/v1/enrollments", toks[i], nil).Body["items"].([]any)[0].(map[string]any)
		switch {
		case p <= 10 && got["status"] != "enrolled":
			t.Errorf("position %d not promoted: %v", p, got)
		case p > 10 && (got["status"] != "waitlisted" || got["waitlist_position"] != float64(p-10)):
			t.Errorf("position %d now %v", p, got)
		}
	}
	if got := w.walk("/api/v1/me/messages?limit=5", toks[positions[1]], "title"); len(got) != 1 || got[0] != "候补成功" {
		t.Errorf("the promoted were not told: %v", got)
	}
	var live int
	if err := w.db.QueryRow(`SELECT COUNT(*) FROM enrollments WHERE course_id = ? AND status = 'enrolled'`, id).Scan(&live); err != nil || live != 10 {
		t.Errorf("%d enrolled rows, %v", live, err)
	}
}

func TestCourseFlow(t *testing.T) {
	w := newCanteenWorld(t)
	id := w.course(map[string]any{"capacity": 1, "certificate_sessions": 2})
	w.course(map[string]any{"theme": "习惯养成", "title": "作息与阅读"})

	// Public lists, by theme.
	r := w.do("GET", fmt.Sprintf("/api/v1/courses?community_id=%d&theme=%s", w.cid, "亲子沟通"), "", nil)
	w.want(r, 200, "")
	if items := r.Body["items"].([]any); len(items) != 1 || len(items[0].(map[string]any)["sessions"].([]any)) != 2 {
		t.Errorf("courses = %s", r.Raw)
	}
	w.want(w.do("GET", "/api/v1/courses", "", nil), 400, "invalid_request")
	r = w.do("GET", fmt.Sprintf("/api/v1/course-themes?community_id=%d", w.cid), "", nil)
	if fmt.Sprint(r.Body["items"]) != "[map[courses:1 theme:亲子沟通] map[courses:1 theme:习惯养成]]" {
		t.Errorf("themes = %s", r.Raw)
	}

	// The resident enrols their mother (verified, guarded); the seat is taken, so they wait.
	r = w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", id), w.resident, map[string]any{"person_id": w.mother})
	w.want(r, 201, "")
	motherEnrollment := w.id(r)
	if r.Body["status"] != "enrolled" || !strings.HasPrefix(r.Body["qr"].(string), "linli-enrollment:") {
		t.Errorf("enrolment = %s", r.Raw)
	}
	w.want(w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", id), w.resident, map[string]any{"person_id": w.mother}), 409, "already_enrolled")
	r = w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", id), w.resident, map[string]any{"person_id": w.self})
	if r.Body["status"] != "waitlisted" || r.Body["waitlist_position"] != float64(1) {
		t.Errorf("second = %s", r.Raw)
	}
	selfEnrollment := w.id(r)
	stranger, _ := w.login("stranger")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", id), stranger, map[string]any{"person_id": w.mother}), 404, "not_found")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/enrollments/%d/cancel", motherEnrollment), stranger, nil), 404, "not_found")

	// Staff raise the capacity: the waiting one is enrolled at once, and told by push (consented).
	w.accept(w.resident, "resident", "course_update")
	before := len(fake.Messages())
	w.want(w.do("PATCH", fmt.Sprintf("/api/v1/admin/courses/%d", id), w.staff, map[string]any{"capacity": 0}), 400, "invalid_request")
	r = w.do("PATCH", fmt.Sprintf("/api/v1/admin/courses/%d", id), w.staff, map[string]any{"capacity": 2})
	w.want(r, 200, "")
	if r.Body["enrolled"] != float64(2) || r.Body["waitlisted"] != float64(0) {
		t.Errorf("after raising = %s", r.Raw)
	}
	w.want(w.do("PATCH", fmt.Sprintf("/api/v1/admin/courses/%d", id), w.staff, map[string]any{"capacity": 1}), 409, "capacity_below_enrolled")
	if _, err := w.app.Pushes.RunOnce(context.Background(), 50); err != nil {
		t.Fatal(err)
	}
	var pushed int
	for _, m := range fake.Messages()[before:] {
		if m.ToUser == w.openid("resident") && m.TemplateID == "course_update" && m.Data["phrase2"] == "候补成功" {
			pushed++
		}
	}
	if pushed != 1 {
		t.Errorf("promotion pushes to the resident = %d: %v", pushed, fake.Messages()[before:])
	}
	// The message opens 我的报名 with the enrolment picked out (its check-in code is there).
	minePage := fmt.Sprintf("/pages/course/mine/index?highlight=%d", selfEnrollment)
	for _, m := range fake.Messages()[before:] {
		if m.ToUser == w.openid("resident") && m.Data["phrase2"] == "候补成功" && m.Page != strings.TrimPrefix(minePage, "/") {
			t.Errorf("the promotion push opens %q, want %q", m.Page, minePage)
		}
	}
	if pages := w.walk("/api/v1/me/messages?limit=5", w.resident, "page"); len(pages) == 0 || pages[0] != minePage {
		t.Errorf("the promotion message opens %v, want %s", pages, minePage)
	}

	// Leaving the waiting list moves those behind up and frees no seat.
	other := w.course(map[string]any{"title": "满员的课", "capacity": 1})
	w.want(w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", other), w.resident, map[string]any{"person_id": w.self}), 201, "")
	first := w.id(w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", other), w.resident, map[string]any{"person_id": w.mother}))
	r = w.do("POST", fmt.Sprintf("/api/v1/enrollments/%d/cancel", first), w.resident, nil)
	if r.Body["status"] != "cancelled" || r.Body["waitlist_position"] != nil {
		t.Errorf("left the waiting list = %s", r.Raw)
	}
	r = w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", other), w.resident, map[string]any{"person_id": w.mother})
	if r.Body["status"] != "waitlisted" || r.Body["waitlist_position"] != float64(1) {
		t.Errorf("joined again = %s", r.Raw)
	}
	if r := w.do("GET", fmt.Sprintf("/api/v1/courses/%d", other), "", nil); r.Body["enrolled"] != float64(1) || r.Body["waitlisted"] != float64(1) {
		t.Errorf("course = %s", r.Raw)
	}
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/courses/%d/checkin", other), w.staff, map[string]any{"enrollment_id": w.id(r), "session_index": 1}), 400, "invalid_request")

	// Check-in: per session; the certificate at the threshold.
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/courses/%d/checkin", id), w.staff, map[string]any{"enrollment_id": motherEnrollment, "session_index": 3}), 400, "invalid_request")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/courses/%d/checkin", id), w.staff, map[string]any{"enrollment_id": motherEnrollment, "session_index": 0}), 400, "invalid_request")
	for _, sess := range []int{1, 1, 2} {
		w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/courses/%d/checkin", id), w.staff, map[string]any{"enrollment_id": motherEnrollment, "session_index": sess}), 200, "")
	}
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/courses/%d/checkin", id), w.staff, map[string]any{"enrollment_id": selfEnrollment, "session_index": 1}), 200, "")
	r = w.do("GET", fmt.Sprintf("/api/v1/admin/courses/%d/roster", id), w.staff, nil)
	w.want(r, 200, "")
	lines := map[string]map[string]any{}
	for _, it := range r.Body["items"].([]any) {
		l := it.(map[string]any)
		lines[l["name"].(string)] = l
	}
	if l := lines["王秀英"]; l["certificate"] != true || fmt.Sprint(l["attended"]) != "[1 2]" {
		t.Errorf("mother on the roster = %v", l)
	}
	if l := lines["王小明"]; l["certificate"] != false {
		t.Errorf("resident on the roster = %v", l)
	}
	if r := w.do("GET", "/api/v1/enrollments", w.resident, nil); !strings.Contains(string(r.Raw), `"certificate":true`) {
		t.Errorf("the family's enrolments show no certificate: %s", r.Raw)
	}
	w.want(w.do("GET", fmt.Sprintf("/api/v1/admin/courses/%d/roster", id), w.resident, nil), 403, "forbidden")

	// Closed for enrolment after enroll_by (a course may be made already closed).
	closed := w.course(map[string]any{"title": "已截止", "enroll_by": time.Now().Add(-time.Hour).Format(time.RFC3339)})
	w.want(w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", closed), w.resident, map[string]any{"person_id": w.self}), 409, "enrollment_closed")

	// Children's courses take children of the age range only.
	kids := w.course(map[string]any{"title": "少儿安全", "audience": "children", "min_age": 6, "max_age": 12})
	w.want(w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", kids), w.resident, map[string]any{"person_id": w.mother}), 409, "not_in_audience")
	// A child the resident has just registered (staff have not approved yet) may take a seat.
	child := map[string]any{"name": "王小宝", "gender": "male", "birth_date": time.Now().AddDate(-8, 0, 0).Format(time.DateOnly),
		"building_id": w.bs[0], "unit": "1单元", "room": "301", "relation": "child", "living_alone": false, "care_level": "self_care"}
	r = w.do("POST", "/api/v1/persons", w.resident, child)
	w.want(r, 201, "")
	if r.Body["guardianship"] != "pending" {
		t.Fatalf("child = %s", r.Raw)
	}
	r = w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", kids), w.resident, map[string]any{"person_id": w.id(r)})
	if r.Status != 201 || r.Body["status"] != "enrolled" {
		t.Errorf("the pending guardian's child: %d %s", r.Status, r.Raw)
	}

	// Reminders the day before a session, once.
	tomorrow := time.Now().Add(24 * time.Hour)
	soon := w.course(map[string]any{"title": "明天的课", "sessions": []map[string]any{
		{"starts_at": tomorrow.Format(time.RFC3339), "ends_at": tomorrow.Add(time.Hour).Format(time.RFC3339), "place": "活动室"}}})
	soonEnrollment := w.id(w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", soon), w.resident, map[string]any{"person_id": w.self}))
	for range 2 {
		if _, err := w.app.Courses.Remind(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	titles := w.walk("/api/v1/me/messages?limit=20", w.resident, "title")
	sort.Strings(titles)
	if got := strings.Count(strings.Join(titles, ","), "明天上课"); got != 1 {
		t.Errorf("reminders = %v", titles)
	}
	if pages := w.walk("/api/v1/me/messages?limit=5", w.resident, "page"); pages[0] != fmt.Sprintf("/pages/course/mine/index?highlight=%d", soonEnrollment) {
		t.Errorf("the reminder opens %s", pages[0])
	}

	// Bad courses.
	for name, over := range map[string]map[string]any{
		"no sessions":  {"sessions": []map[string]any{}},
		"bad capacity": {"capacity": 0},
		"no title":     {"title": ""},
		"bad audience": {"audience": "pets"},
		"bad time":     {"enroll_by": "soon"},
	} {
		b := map[string]any{"theme": "t", "title": "x", "teacher": "y", "capacity": 5, "enroll_by": time.Now().Format(time.RFC3339),
			"sessions": []map[string]any{{"starts_at": tomorrow.Format(time.RFC3339), "ends_at": tomorrow.Add(time.Hour).Format(time.RFC3339), "place": "p"}}}
		for k, v := range over {
			b[k] = v
		}
		if r := w.do("POST", "/api/v1/admin/courses", w.staff, b); r.Status != 400 {
			t.Errorf("%s: %d %s", name, r.Status, r.Raw)
		}
	}
}
