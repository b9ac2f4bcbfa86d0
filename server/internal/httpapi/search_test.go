package httpapi_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/linli/linli/server/internal/cst"
)

// tooLongQ is a search text one character over the bound every staff table keeps (32).
var tooLongQ = strings.Repeat("李", 33)

// items lists the first page of a staff table (up to 100 rows).
func (e *testEnv) items(path, token string) []map[string]any {
	e.t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	r := e.do("GET", path+sep+"limit=100", token, nil)
	e.want(r, 200, "")
	out := []map[string]any{}
	for _, it := range r.Body["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

// column is one field of every row, as text.
func column(rows []map[string]any, field string) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, fmt.Sprint(r[field]))
	}
	return out
}

// searchChecks checks what every searchable staff table does with q and order: path (with a "?"
// or not) lists the table; found must be found by q and only they (compared on field), and a q
// with wildcards must find nothing; order=newest and order=oldest list the same rows in reverse.
func (e *testEnv) searchChecks(path, token, field, q string, found []string, wildcards ...string) {
	e.t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	got := column(e.items(path+sep+"q="+q, token), field)
	slices.Sort(got)
	want := slices.Clone(found)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		e.t.Errorf("%s q=%s: %s = %v, want %v", path, q, field, got, want)
	}
	for _, w := range wildcards {
		if rows := e.items(path+sep+"q="+w, token); len(rows) != 0 {
			e.t.Errorf("%s q=%s (wildcards taken literally) found %v", path, w, column(rows, field))
		}
	}
	newest := column(e.items(path+sep+"order=newest", token), "id")
	oldest := column(e.items(path+sep+"order=oldest", token), "id")
	if len(newest) < 2 {
		e.t.Errorf("%s: too few rows (%d) to check the order", path, len(newest))
	}
	slices.Reverse(oldest)
	if !slices.Equal(newest, oldest) {
		e.t.Errorf("%s: order=newest %v is not order=oldest reversed %v", path, newest, oldest)
	}
	r := e.do("GET", path+sep+"q="+tooLongQ, token, nil)
	if r.Status != 400 || r.field("q") == "" {
		e.t.Errorf("%s: a q of 33 characters: %d %s", path, r.Status, r.Raw)
	}
	r = e.do("GET", path+sep+"order=up", token, nil)
	if r.Status != 400 || r.field("order") == "" {
		e.t.Errorf("%s: order=up: %d %s", path, r.Status, r.Raw)
	}
}

// named gives a user a name, as their profile would.
func (e *testEnv) named(userID int64, name string) {
	e.t.Helper()
	if _, err := e.db.ExecContext(context.Background(), "UPDATE users SET name = ? WHERE id = ?", name, userID); err != nil {
		e.t.Fatal(err)
	}
}

func TestSearchGuardianRequests(t *testing.T) {
	e := newEnv(t)
	cid, bs := e.community("搜索社区", "1幢")
	staff, _ := e.staff("staff", cid)
	daughter, daughterID := e.login("daughter")
	son, sonID := e.login("son")
	e.named(daughterID, "张丽")
	e.named(sonID, "陈刚")

	r := e.do("POST", "/api/v1/persons", daughter, elder(bs[0], "李桂英", idElderF))
	e.want(r, 201, "")
	li := e.id(r)
	wang := elder(bs[0], "王秀兰", idX)
	wang["birth_date"] = "1949-12-31"
	e.want(e.do("POST", "/api/v1/persons", son, wang), 201, "")
	e.want(e.do("POST", fmt.Sprintf("/api/v1/persons/%d/guardian-requests", li), son, map[string]any{"relation": "parent", "id_card": idElderF}), 201, "")

	path := "/api/v1/admin/guardian-requests"
	// By the person's name: both requests about 李桂英; by the asker's: both of 陈刚's.
	e.searchChecks(path, staff, "person_name", "李", []string{"李桂英", "李桂英"}, "李%25", "_桂", "%25")
	e.searchChecks(path+"?status=pending", staff, "user_name", "陈", []string{"陈刚", "陈刚"}, "陈_")
	// Kinds narrow it.
	if got := column(e.items(path+"?kind=join&q=李", staff), "user_name"); !slices.Equal(got, []string{"陈刚"}) {
		t.Errorf("join requests about 李 asked by %v, want [陈刚]", got)
	}
	if got := column(e.items(path+"?kind=register&q=陈", staff), "person_name"); !slices.Equal(got, []string{"王秀兰"}) {
		t.Errorf("registrations asked by 陈 are about %v, want [王秀兰]", got)
	}
	if got := e.items(path+"?kind=claim", staff); len(got) != 0 {
		t.Errorf("claims = %v, want none", got)
	}
	// The default is oldest first, the order staff work in.
	if got, want := column(e.items(path, staff), "id"), column(e.items(path+"?order=oldest", staff), "id"); !slices.Equal(got, want) {
		t.Errorf("default order %v, want oldest first %v", got, want)
	}
	if r := e.do("GET", path+"?kind=adopt", staff, nil); r.Status != 400 || r.field("kind") == "" {
		t.Errorf("kind=adopt: %d %s", r.Status, r.Raw)
	}
	// The register reads q and order as every staff table does.
	e.searchChecks("/api/v1/admin/persons", staff, "name", "李", []string{"李桂英"}, "李%25", "_桂")
	if r := e.do("GET", "/api/v1/admin/persons?q="+tooLongQ+"&order=up&min_age=x", staff, nil); r.field("q") == "" || r.field("order") == "" || r.field("min_age") == "" {
		t.Errorf("the register's bad q, order and min_age together: %d %s", r.Status, r.Raw)
	}
}

func TestSearchStaffReports(t *testing.T) {
	w := newReportWorld(t)
	for _, d := range []string{"楼道灯坏了", "电梯异响", "约50%住户停水"} {
		w.want(w.submit(w.resident, map[string]any{"description": d}), 201, "")
	}
	w.want(w.submit(w.resident, map[string]any{"building_id": w.bs[1], "person_id": w.mother, "description": "水管漏水"}), 201, "")
	path := "/api/v1/admin/reports"
	// Text anywhere in the description.
	w.searchChecks(path, w.staff, "description", "灯", []string{"楼道灯坏了"}, "灯%25", "_灯")
	// The start of the name of the person it is about.
	w.searchChecks(path, w.staff, "description", "王秀", []string{"水管漏水"}, "王_")
	// Wildcards are taken literally: 50% finds the one that says so.
	if got := column(w.items(path+"?q=50%25", w.staff), "description"); !slices.Equal(got, []string{"约50%住户停水"}) {
		t.Errorf("q=50%% found %v", got)
	}
	// The search applies to the overdue list too.
	if got := w.items(path+"?overdue=true&q=灯", w.staff); len(got) != 0 {
		t.Errorf("no report is overdue yet, found %v", column(got, "description"))
	}
}

func TestSearchDeadLetters(t *testing.T) {
	e := newEnv(t)
	cid, _ := e.community("搜索社区", "1幢")
	staff, _ := e.staff("staff", cid)
	now := time.Now().UTC()
	for i, l := range []struct{ topic, err string }{
		{"report.dispatch", "handler down"}, {"report.submitted", "timeout after 5s"}, {"meal.booked", "100% of tries failed"},
	} {
		at := now.Add(time.Duration(i) * time.Minute)
		if _, err := e.db.Exec(`INSERT INTO outbox (community_id, topic, payload, created_at, published_at, attempts, last_error, dead_at)
			VALUES (?, ?, '{}', ?, ?, 5, ?, ?)`, cid, l.topic, at, at, l.err, at); err != nil {
			t.Fatal(err)
		}
	}
	path := "/api/v1/admin/dead-letters"
	// The start of the topic, or text anywhere in the last error.
	e.searchChecks(path, staff, "topic", "report", []string{"report.dispatch", "report.submitted"}, "report%25", "_eport", "report_")
	e.searchChecks(path, staff, "topic", "timeout", []string{"report.submitted"}, "time%25out")
	if got := column(e.items(path+"?q=100%25", staff), "topic"); !slices.Equal(got, []string{"meal.booked"}) {
		t.Errorf("q=100%% found %v", got)
	}
	// Newest first by default, by when they failed.
	if got := column(e.items(path, staff), "topic"); !slices.Equal(got, []string{"meal.booked", "report.submitted", "report.dispatch"}) {
		t.Errorf("dead letters by default = %v", got)
	}
}

func TestSearchStaffAlerts(t *testing.T) {
	w := newAlertWorld(t)
	w.noAnswer()
	father := elder(w.bs[1], "李建国", idElderM)
	father["gender"], father["birth_date"] = "male", "1948-08-12"
	li := w.id(w.do("POST", "/api/v1/persons", w.resident, father))
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/approve", w.requestFor(w.staff, li, w.residentID)), w.staff, nil), 200, "")
	order := w.id(w.book(w.resident, w.slot, li, "delivery"))
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/deliveries/%d/no-answer", order), w.rider, map[string]any{"note": "敲门无人"}), 200, "")
	path := "/api/v1/admin/alerts"
	// The start of the person's name.
	w.searchChecks(path, w.staff, "person_name", "王秀", []string{"王秀英"}, "王%25", "_秀", "王_")
	w.searchChecks(path, w.staff, "person_name", "李", []string{"李建国"}, "%25")
	// Text anywhere in what happened.
	rows := w.items(path, w.staff)
	what := []rune(rows[0]["what"].(string))
	if len(what) < 2 {
		t.Fatalf("alert says %q", string(what))
	}
	if got := w.items(path+"?q="+url.QueryEscape(string(what[1:])), w.staff); len(got) != 2 {
		t.Errorf("q=%s (within what happened) found %v", string(what[1:]), column(got, "person_name"))
	}
	// The mother's dinner finds nobody at the door too: her page lists both alerts, both ways.
	today := w.clk.Now().In(cst.Zone).Format(time.DateOnly)
	dinner := w.canteenWorld.slot(map[string]any{"date": today, "meal": "dinner", "capacity": 10, "book_by": w.clk.Now().Add(time.Hour).Format(time.RFC3339)})
	order = w.id(w.book(w.resident, dinner, w.mother, "delivery"))
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/deliveries/%d/no-answer", order), w.rider, map[string]any{"note": "又没人"}), 200, "")
	mine := fmt.Sprintf("/api/v1/persons/%d/alerts", w.mother)
	newest := column(w.items(mine+"?order=newest", w.relative), "id")
	oldest := column(w.items(mine+"?order=oldest", w.relative), "id")
	slices.Reverse(oldest)
	if len(newest) != 2 || !slices.Equal(newest, oldest) {
		t.Errorf("the mother's alerts newest %v, oldest reversed %v", newest, oldest)
	}
}

func TestSearchSubsidyReport(t *testing.T) {
	w := newCanteenWorld(t)
	today := time.Now().In(cst.Zone).Format(time.DateOnly)
	_, served := w.servedSubsidised(today)
	for i, name := range []string{"甲老人", "乙老人", "甲_人"} {
		tok, _ := w.login(fmt.Sprintf("report-elder-%d", i))
		pid := w.onboard(tok, name)
		if _, err := w.db.Exec(`INSERT INTO meal_orders (community_id, canteen_id, slot_id, meal_date, person_id, booked_by, capacity, mode,
			status, is_active, price_fen, subsidy_fen, pay_fen, pickup_code, created_at, updated_at)
			SELECT community_id, canteen_id, slot_id, meal_date, ?, booked_by, capacity, mode, status, is_active, price_fen, subsidy_fen,
			pay_fen, ?, created_at, updated_at FROM meal_orders WHERE id = ?`, pid, fmt.Sprintf("9%05d", i), served); err != nil {
			t.Fatal(err)
		}
	}
	path := "/api/v1/admin/subsidy-report?month=" + today[:7]
	names := func(q string) []string {
		t.Helper()
		r := w.do("GET", path+"&q="+q, w.staff, nil)
		w.want(r, 200, "")
		// The totals stay the month's.
		if r.Body["total_persons"] != float64(4) {
			t.Errorf("q=%s: total_persons %v, want the month's 4", q, r.Body["total_persons"])
		}
		got := []string{}
		for _, it := range r.Body["items"].([]any) {
			got = append(got, it.(map[string]any)["name"].(string))
		}
		slices.Sort(got)
		return got
	}
	for q, want := range map[string][]string{
		"甲": {"甲_人", "甲老人"}, "王秀": {"王秀英"}, "老人": {}, "%25": {}, "_老": {}, "甲_": {"甲_人"}, "甲%25人": {},
	} {
		if got := names(q); !slices.Equal(got, want) {
			t.Errorf("q=%s: %v, want %v", q, got, want)
		}
	}
	if r := w.do("GET", path+"&q="+tooLongQ, w.staff, nil); r.Status != 400 || r.field("q") == "" {
		t.Errorf("a q of 33 characters: %d %s", r.Status, r.Raw)
	}
}

func TestSearchCanteensBuildingsGrids(t *testing.T) {
	e := newEnv(t)
	cid, bs := e.community("搜索社区", "1幢", "2幢", "10幢", "1_幢")
	staff, _ := e.staff("staff", cid)
	for _, c := range []map[string]any{{"name": "中埂邻里食堂", "address": "服务中心一楼"}, {"name": "西街长者食堂", "address": "西街12号"}} {
		e.want(e.do("POST", "/api/v1/admin/canteens", staff, c), 201, "")
	}
	for i, name := range []string{"第一网格", "第二网格"} {
		e.want(e.do("POST", "/api/v1/admin/grids", staff, map[string]any{"name": name, "building_ids": []int64{bs[i]}, "worker_user_ids": []int64{}}), 201, "")
	}
	canteens := fmt.Sprintf("/api/v1/canteens?community_id=%d", cid)
	e.searchChecks(canteens, staff, "name", "邻里", []string{"中埂邻里食堂"}, "邻%25", "_里")
	e.searchChecks(canteens, staff, "name", "西街12", []string{"西街长者食堂"}) // the address too
	e.searchChecks(fmt.Sprintf("/api/v1/communities/%d/buildings", cid), staff, "name", "1_", []string{"1_幢"}, "%25幢%25幢")
	e.searchChecks("/api/v1/admin/grids", staff, "name", "二", []string{"第二网格"}, "第%25", "_二")
}

// TestSearchAPersonsLists: the lists on a person's page (orders, reports, enrolments), as staff
// read them, sort both ways; reports and enrolments are searched.
func TestSearchAPersonsLists(t *testing.T) {
	w := newCanteenWorld(t)
	for _, meal := range []string{"lunch", "dinner"} {
		w.want(w.book(w.resident, w.slot(map[string]any{"meal": meal}), w.mother, "eat_in"), 201, "")
	}
	for _, d := range []string{"楼道灯坏了", "水管漏水", "约50%住户停水"} {
		w.want(w.do("POST", "/api/v1/reports", w.resident, map[string]any{"category": "repair", "description": d, "building_id": w.bs[1],
			"person_id": w.mother, "urgency": "normal", "photo_ids": []int64{}}), 201, "")
	}
	for _, title := range []string{"如何倾听孩子", "老年人防诈骗", "智能手机_入门"} {
		course := w.course(map[string]any{"title": title})
		w.want(w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", course), w.resident, map[string]any{"person_id": w.mother}), 201, "")
	}
	of := func(path string) string { return fmt.Sprintf("%s?person_id=%d", path, w.mother) }

	w.searchChecks(of("/api/v1/reports"), w.staff, "description", "漏水", []string{"水管漏水"}, "漏%25", "_水")
	w.searchChecks(of("/api/v1/reports"), w.staff, "description", "50%25", []string{"约50%住户停水"})
	w.searchChecks(of("/api/v1/enrollments"), w.staff, "course_title", "诈骗", []string{"老年人防诈骗"}, "%25诈%25骗", "诈_")
	w.searchChecks(of("/api/v1/enrollments"), w.staff, "course_title", "手机_", []string{"智能手机_入门"})
	// The audit trail sorts both ways too.
	audit := fmt.Sprintf("/api/v1/admin/persons/%d/audit", w.mother)
	newestAudit := column(w.items(audit+"?order=newest", w.staff), "id")
	oldestAudit := column(w.items(audit+"?order=oldest", w.staff), "id")
	slices.Reverse(oldestAudit)
	if len(newestAudit) < 2 || !slices.Equal(newestAudit, oldestAudit) {
		t.Errorf("audit newest %v, oldest reversed %v", newestAudit, oldestAudit)
	}
	// Orders have no text to search; they sort both ways.
	orders := of("/api/v1/meal-orders")
	newest := column(w.items(orders+"&order=newest", w.staff), "id")
	oldest := column(w.items(orders+"&order=oldest", w.staff), "id")
	slices.Reverse(oldest)
	if len(newest) != 2 || !slices.Equal(newest, oldest) {
		t.Errorf("orders newest %v, oldest reversed %v", newest, oldest)
	}
	if got := column(w.items(orders, w.staff), "id"); !slices.Equal(got, newest) {
		t.Errorf("orders by default %v, want newest first %v", got, newest)
	}
	if r := w.do("GET", orders+"&order=up", w.staff, nil); r.Status != 400 || r.field("order") == "" {
		t.Errorf("orders order=up: %d %s", r.Status, r.Raw)
	}
	// The guardian's own lists, of every person they act for, take the same.
	if got := column(w.items("/api/v1/reports?q=漏水", w.resident), "description"); !slices.Equal(got, []string{"水管漏水"}) {
		t.Errorf("the guardian's reports about 漏水 = %v", got)
	}
}

func TestMembersSortBothWays(t *testing.T) {
	e := newEnv(t)
	cid, _ := e.community("搜索社区", "1幢")
	staff, staffID := e.staff("staff", cid)
	e.named(staffID, "管理员")
	for i, name := range []string{"张建国", "赵志强", "李_华"} {
		_, uid := e.login(fmt.Sprintf("member-%d", i))
		e.named(uid, name)
		e.want(e.do("POST", "/api/v1/admin/members", staff, map[string]any{"user_id": uid, "role": "volunteer"}), 201, "")
		time.Sleep(1100 * time.Millisecond) // grants a second apart at least, whatever the column's precision
	}
	// Walked a member a page, both ways: the same members, in reverse.
	newest := e.walk("/api/v1/admin/members?limit=1&order=newest", staff, "name")
	oldest := e.walk("/api/v1/admin/members?limit=1&order=oldest", staff, "name")
	if want := []string{"李_华", "赵志强", "张建国", "管理员"}; !slices.Equal(newest, want) {
		t.Errorf("members newest first = %v, want %v", newest, want)
	}
	slices.Reverse(oldest)
	if !slices.Equal(newest, oldest) {
		t.Errorf("members oldest first, reversed = %v, want %v", oldest, newest)
	}
	if got := column(e.items("/api/v1/admin/members?q=_", staff), "name"); !slices.Equal(got, []string{"李_华"}) {
		t.Errorf("q=_ found %v", got)
	}
	if r := e.do("GET", "/api/v1/admin/members?q="+tooLongQ, staff, nil); r.Status != 400 || r.field("q") == "" {
		t.Errorf("a q of 33 characters: %d %s", r.Status, r.Raw)
	}
}
