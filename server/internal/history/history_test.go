package history_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/linli/linli/server/internal/app"
	"github.com/linli/linli/server/internal/canteen"
	"github.com/linli/linli/server/internal/course"
	"github.com/linli/linli/server/internal/cst"
	"github.com/linli/linli/server/internal/history"
	"github.com/linli/linli/server/internal/mysqltest"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/redistest"
	"github.com/linli/linli/server/internal/report"
	"github.com/linli/linli/server/internal/safety"
	"github.com/linli/linli/server/internal/wechat"
)

// seeded is a database with history at a small scale, and the app over it with the same clock
// and data key.
func seeded(t *testing.T, scale float64, communities int) (*sql.DB, *app.App, history.Stats, time.Time) {
	t.Helper()
	db := mysqltest.NewDB(t)
	rdb, prefix := redistest.New(t)
	now := time.Now().UTC().Truncate(time.Microsecond)
	ctx := context.Background()
	st, err := history.Seed(ctx, db, history.Options{Scale: scale, Communities: communities, Now: now})
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	a, err := app.New(app.Options{DB: db, Redis: rdb, KeyPrefix: prefix, Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return now },
		DataKey: history.DefaultDataKey(), WeChat: wechat.New(wechat.Config{AppID: "wxtest", Secret: "test"}, wechat.NewCache(rdb, prefix)),
		UploadDir: t.TempDir(), PublicURL: "http://localhost"})
	if err != nil {
		t.Fatal(err)
	}
	return db, a, st, now
}

func count(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func id(t *testing.T, db *sql.DB, query string, args ...any) int64 {
	t.Helper()
	var v int64
	if err := db.QueryRowContext(context.Background(), query, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return v
}

func TestSeedVolumes(t *testing.T) {
	t.Parallel()
	db, _, st, _ := seeded(t, 0.01, 1)
	tests := []struct {
		table    string
		min, max int
	}{
		{"persons", 1000, 1000},
		{"meal_orders", 9000, 11000},
		{"reports", 900, 1150},
		{"report_timeline", 4000, 6500},
		{"enrollments", 450, 560},
		{"messages", 1700, 2100},
		{"users", 400, 450},
		{"guardians", 250, 400},
		{"meal_slots", 3 * 3 * 737, 3 * 3 * 738},
		{"person_audit", 2000, 6000},
		{"outbox", 900, 1200},
		{"push_outbox", 1000, 2100},
		{"uploads", 1000, 3000},
		{"safety_alerts", 1, 100},
		{"attendance", 500, 5000},
		{"subscription_consents", 200, 300},
	}
	for _, tt := range tests {
		got := count(t, db, "SELECT COUNT(*) FROM "+tt.table)
		if got < tt.min || got > tt.max {
			t.Errorf("%s: got %d rows, want %d to %d", tt.table, got, tt.min, tt.max)
		}
		if int64(got) != st.Rows[tt.table] {
			t.Errorf("%s: %d rows in the table, Stats says %d", tt.table, got, st.Rows[tt.table])
		}
	}
}

// TestSeededRowsRead reads the history through the services, as the API would: every list a
// resident, a worker and staff open, personal data opened with the data key, found by its keyed
// hash and by a name's prefix. And the sweeps find the steady state they leave: nothing to do.
func TestSeededRowsRead(t *testing.T) {
	t.Parallel()
	db, a, _, now := seeded(t, 0.01, 2)
	ctx := context.Background()
	page := paging.Page{Limit: 20}
	community := id(t, db, `SELECT MIN(id) FROM communities`)
	if got := count(t, db, `SELECT COUNT(*) FROM persons WHERE community_id = ?`, community); got != 500 {
		t.Errorf("persons of the first of two communities: got %d, want 500", got)
	}

	// A guardian: their own record and the relatives they registered.
	guardian := id(t, db, `SELECT g.user_id FROM guardians g JOIN persons p ON p.owner_user_id = g.user_id WHERE g.status = 'approved'
		GROUP BY g.user_id HAVING COUNT(*) >= 3 ORDER BY g.user_id LIMIT 1`)
	mine, err := a.Persons.Mine(ctx, guardian)
	if err != nil {
		t.Fatalf("persons of guardian %d: %v", guardian, err)
	}
	if len(mine) < 4 || mine[0].Guardianship != string(person.CapSelf) {
		t.Fatalf("persons of guardian %d: got %d (first %q), want self and 3 or more", guardian, len(mine), mine[0].Guardianship)
	}
	for _, m := range mine {
		if m.Name == "" || m.BuildingName == "" || (m.IDCard != "" && person.CheckIDCard(m.IDCard, cst.Today(now)) != "") {
			t.Errorf("person %d: name %q, building %q, ID card %q", m.ID, m.Name, m.BuildingName, m.IDCard)
		}
	}
	orders, _, err := a.Canteens.Orders(ctx, guardian, 0, "", paging.Newest, page)
	if err != nil || len(orders) == 0 {
		t.Fatalf("orders of guardian %d: %d, %v", guardian, len(orders), err)
	}
	for _, o := range orders {
		if !slices.Contains(canteen.OrderStatuses, o.Status) || o.PayFen != o.PriceFen-o.SubsidyFen || len(o.PickupCode) != 6 {
			t.Errorf("order %d: status %q, price %d - subsidy %d = pay %d, code %q", o.ID, o.Status, o.PriceFen, o.SubsidyFen, o.PayFen, o.PickupCode)
		}
	}
	if _, _, err := a.Reports.Mine(ctx, guardian, 0, "", paging.Newest, page); err != nil {
		t.Errorf("reports of guardian %d: %v", guardian, err)
	}
	if _, _, err := a.Courses.Mine(ctx, guardian, 0, "", paging.Newest, page); err != nil {
		t.Errorf("enrolments of guardian %d: %v", guardian, err)
	}

	// Staff's register: by ID card (its keyed hash), phone, and a surname's prefix.
	withCard := id(t, db, `SELECT MIN(id) FROM persons WHERE community_id = ? AND id_card_hash IS NOT NULL AND phone_hash IS NOT NULL`, community)
	p, err := a.Persons.InCommunity(ctx, community, withCard)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{p.IDCard, p.Phone} {
		found, _, err := a.Persons.Search(ctx, community, person.Filter{Query: q}, page)
		if err != nil || !slices.ContainsFunc(found, func(l person.Listed) bool { return l.ID == p.ID }) {
			t.Errorf("search %q: %d found, %v; want person %d", q, len(found), err, p.ID)
		}
	}
	surname := string([]rune(p.Name)[:1])
	found, _, err := a.Persons.Search(ctx, community, person.Filter{Query: surname}, page)
	if err != nil || len(found) == 0 {
		t.Errorf("search %q: %d found, %v", surname, len(found), err)
	}

	// Staff's and workers' lists.
	if rs, _, err := a.Reports.ForStaff(ctx, community, "", false, "", page, paging.Newest); err != nil || len(rs) == 0 {
		t.Errorf("staff's reports: %d, %v", len(rs), err)
	}
	worker := id(t, db, `SELECT on_duty_user_id FROM grids WHERE community_id = ? ORDER BY id LIMIT 1`, community)
	if rs, _, err := a.Reports.Tasks(ctx, worker, "", page); err != nil || len(rs) == 0 {
		t.Errorf("tasks of worker %d: %d, %v", worker, len(rs), err)
	} else if steps, err := a.Reports.Timeline(ctx, rs[0].ID); err != nil || len(steps) < 2 {
		t.Errorf("timeline of report %d: %d steps, %v", rs[0].ID, len(steps), err)
	}
	if ms, _, err := a.Notify.Inbox(ctx, worker, page); err != nil || len(ms) == 0 {
		t.Errorf("inbox of worker %d: %d, %v", worker, len(ms), err)
	}
	ct, err := a.Canteens.CanteenIn(ctx, community, id(t, db, `SELECT MIN(id) FROM canteens WHERE community_id = ?`, community))
	if err != nil {
		t.Fatal(err)
	}
	prep, err := a.Canteens.PrepList(ctx, ct, cst.Today(now))
	if err != nil || len(prep) != 3 {
		t.Errorf("today's prep list: %d slots, %v", len(prep), err)
	}
	month := now.In(cst.Zone).AddDate(0, -1, 0).Format("2006-01")
	if lines, _, err := a.Canteens.SubsidyReport(ctx, community, month, "", paging.ByID{Limit: 20}); err != nil || len(lines) == 0 {
		t.Errorf("subsidy report of %s: %d lines, %v", month, len(lines), err)
	}
	courseID := id(t, db, `SELECT course_id FROM enrollments WHERE community_id = ? GROUP BY course_id ORDER BY COUNT(*) DESC LIMIT 1`, community)
	if _, roster, err := a.Courses.Roster(ctx, community, courseID); err != nil || len(roster) == 0 {
		t.Errorf("roster of course %d: %d, %v", courseID, len(roster), err)
	}
	if _, _, err := a.Safety.ForStaff(ctx, community, "", "", paging.Newest, page); err != nil {
		t.Errorf("alerts: %v", err)
	}
	if _, _, err := a.Persons.Requests(ctx, community, person.RequestFilter{}, page); err != nil {
		t.Errorf("guardian requests: %v", err)
	}

	// Every status is one the app knows, and counters agree with the rows.
	for _, c := range []struct {
		query string
		known []string
	}{
		{`SELECT DISTINCT status FROM meal_orders`, canteen.OrderStatuses},
		{`SELECT DISTINCT status FROM reports`, report.Statuses},
		{`SELECT DISTINCT status FROM enrollments`, []string{course.StatusEnrolled, course.StatusWaitlisted, course.StatusCancelled}},
		{`SELECT DISTINCT status FROM safety_alerts`, safety.Statuses},
		{`SELECT DISTINCT status FROM guardian_requests`, person.RequestStatuses},
	} {
		rows, err := db.QueryContext(ctx, c.query)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(c.known, s) {
				t.Errorf("%s: %q is no status the app writes", c.query, s)
			}
		}
		rows.Close()
	}
	if n := count(t, db, `SELECT COUNT(*) FROM meal_slots s WHERE s.booked <> (SELECT COUNT(*) FROM meal_orders o WHERE o.slot_id = s.id
		AND o.is_active = 1) OR s.booked > s.capacity`); n != 0 {
		t.Errorf("%d slots whose booked disagrees with their orders or exceeds the capacity", n)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM courses c WHERE c.enrolled <> (SELECT COUNT(*) FROM enrollments e WHERE e.course_id = c.id
		AND e.status = 'enrolled') OR c.enrolled > c.capacity`); n != 0 {
		t.Errorf("%d courses whose enrolled disagrees with their enrolments or exceeds the capacity", n)
	}

	// The sweeps' steady state: nothing left for them.
	if n, err := a.Canteens.SweepPending(ctx); err != nil || n != 0 {
		t.Errorf("pending sweep: %d cancelled, %v", n, err)
	}
	if n, err := a.Canteens.SweepNoShows(ctx); err != nil || n != 0 {
		t.Errorf("no-show sweep: %d marked, %v", n, err)
	}
	if n, err := a.Reports.Escalate(ctx); err != nil || n != 0 {
		t.Errorf("report escalation: %d moved, %v", n, err)
	}
	if n, err := a.Safety.Escalate(ctx); err != nil || n != 0 {
		t.Errorf("alert escalation: %d escalated, %v", n, err)
	}
}

// A course's messages (a seat freed from the waiting list, tomorrow's lesson, a cancelled course)
// open 我的报名 with their own enrolment, as the live ones do, not the 家长大学 tab.
func TestSeededCourseMessagesOpenMyEnrolments(t *testing.T) {
	t.Parallel()
	db, _, _, _ := seeded(t, 0.01, 1)
	if n := count(t, db, `SELECT COUNT(*) FROM messages WHERE kind = 'course'`); n == 0 {
		t.Fatal("no course messages seeded")
	}
	if n := count(t, db, `SELECT COUNT(*) FROM messages m WHERE m.kind = 'course' AND NOT EXISTS (
		SELECT 1 FROM enrollments e WHERE m.page = CONCAT('/pages/course/mine/index?highlight=', e.id))`); n != 0 {
		t.Errorf("%d course messages open elsewhere than 我的报名 with their enrolment", n)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM push_outbox WHERE template_key = 'course_update' AND page NOT LIKE '/pages/course/mine/index?highlight=%'`); n != 0 {
		t.Errorf("%d course pushes open elsewhere than 我的报名", n)
	}
}

// The parent university has one name, 家长大学, in what residents read of the seeded courses too.
func TestSeededCoursesSayParentUniversity(t *testing.T) {
	t.Parallel()
	db, _, _, _ := seeded(t, 0.01, 1)
	if n := count(t, db, `SELECT COUNT(*) FROM courses WHERE description LIKE '%家长大学%'`); n == 0 {
		t.Error("no seeded course names 家长大学")
	}
	const other = `(%s LIKE '%%家长学校%%' OR %s LIKE '%%家长课堂%%' OR %s LIKE '%%家长课程%%')`
	for _, q := range []string{
		`SELECT COUNT(*) FROM courses WHERE ` + fmt.Sprintf(other, "description", "description", "description"),
		`SELECT COUNT(*) FROM course_sessions WHERE ` + fmt.Sprintf(other, "place", "place", "place"),
		`SELECT COUNT(*) FROM messages WHERE ` + fmt.Sprintf(other, "body", "body", "body"),
	} {
		if n := count(t, db, q); n != 0 {
			t.Errorf("%s: %d rows call it otherwise", q, n)
		}
	}
}
