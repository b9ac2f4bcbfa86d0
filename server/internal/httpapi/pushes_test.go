package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/linli/linli/server/internal/config"
	"github.com/linli/linli/server/internal/cst"
	"github.com/linli/linli/server/internal/wechat"
)

// pushRecipient is one user a flow pushes to: their login code (for the openid), token and id.
type pushRecipient struct {
	who, code, token string
	id               int64
}

// pushFlow is one flow that pushes: its world, the template it pushes with, the inbox title each
// recipient gets, who they are, and fire, which makes the flow push once more to each of them
// (a fresh event at each call, i counting them).
type pushFlow struct {
	env   *testEnv
	key   string
	title string
	to    []pushRecipient
	fire  func(i int)
}

// pushFlows are every flow of the product that pushes a subscribe message.
var pushFlows = []struct {
	name string
	make func(t *testing.T, o options) pushFlow
}{
	{"report task assigned to the grid worker", func(t *testing.T, o options) pushFlow {
		w := newReportWorld(t, o)
		return pushFlow{env: w.testEnv, key: "report_assigned", title: "新的报事任务",
			to: []pushRecipient{{"grid worker", "worker", w.worker, w.workerID}},
			fire: func(i int) {
				w.want(w.submit(w.resident, map[string]any{"description": fmt.Sprintf("楼道灯坏了（%d）", i)}), 201, "")
				w.dispatch()
			}}
	}},
	{"report resolved, to the reporter", func(t *testing.T, o options) pushFlow {
		w := newReportWorld(t, o)
		return pushFlow{env: w.testEnv, key: "report_updated", title: "报事已处理",
			to: []pushRecipient{{"reporter", "resident", w.resident, w.residentID}},
			fire: func(i int) {
				r := w.submit(w.resident, map[string]any{"description": fmt.Sprintf("楼道灯坏了（%d）", i)})
				w.want(r, 201, "")
				w.dispatch()
				w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/accept", w.id(r)), w.worker, nil), 200, "")
				w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/tasks/%d/resolve", w.id(r)), w.worker, map[string]any{"note": "已换灯泡"}), 200, "")
			}}
	}},
	{"report nobody looks after, to staff", func(t *testing.T, o options) pushFlow {
		w := newReportWorld(t, o)
		_, staffID := w.login("staff")
		return pushFlow{env: w.testEnv, key: "report_updated", title: "有待分派的报事",
			to: []pushRecipient{{"staff", "staff", w.staff, staffID}},
			fire: func(i int) {
				w.want(w.submit(w.resident, map[string]any{"building_id": w.bs[1], "description": fmt.Sprintf("二幢门禁坏了（%d）", i)}), 201, "")
				w.dispatch()
			}}
	}},
	{"safety alert to the guardians and the grid worker", func(t *testing.T, o options) pushFlow {
		w := newAlertWorldWith(t, o)
		_, relativeID := w.login("relative")
		return pushFlow{env: w.testEnv, key: "meal_notice", title: "安危确认：送餐无人应答",
			to: []pushRecipient{{"guardian", "resident", w.resident, w.residentID}, {"second guardian", "relative", w.relative, relativeID},
				{"grid worker", "grid", w.worker, w.workerID}},
			fire: func(i int) {
				slot := w.canteenWorld.slot(map[string]any{"date": w.clk.Now().In(cst.Zone).AddDate(0, 0, i+1).Format(time.DateOnly), "capacity": 10})
				order := w.id(w.book(w.resident, slot, w.mother, "delivery"))
				w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/deliveries/%d/no-answer", order), w.rider, nil), 200, "")
			}}
	}},
	{"meal stopped, to who booked it", func(t *testing.T, o options) pushFlow {
		t.Parallel()
		w := newCanteenWorldTB(t, o)
		return pushFlow{env: w.testEnv, key: "meal_notice", title: "订餐已取消",
			to: []pushRecipient{{"resident", "resident", w.resident, w.residentID}},
			fire: func(i int) {
				slot := w.slot(map[string]any{"date": time.Now().In(cst.Zone).AddDate(0, 0, i+1).Format(time.DateOnly)})
				w.want(w.book(w.resident, slot, w.mother, "pickup"), 201, "")
				w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/slots/%d/close", slot), w.kitchen, map[string]any{"reason": "停电"}), 200, "")
			}}
	}},
	{"course cancelled, to the enrolled", func(t *testing.T, o options) pushFlow {
		t.Parallel()
		w := newCanteenWorldTB(t, o)
		return pushFlow{env: w.testEnv, key: "course_update", title: "课程已取消",
			to: []pushRecipient{{"resident", "resident", w.resident, w.residentID}},
			fire: func(i int) {
				c := w.course(map[string]any{"title": fmt.Sprintf("如何倾听孩子（%d）", i)})
				w.want(w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", c), w.resident, map[string]any{"person_id": w.self}), 201, "")
				w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/courses/%d/cancel", c), w.staff, map[string]any{"reason": "老师生病"}), 200, "")
			}}
	}},
	{"course reminder the day before", func(t *testing.T, o options) pushFlow {
		t.Parallel()
		w := newCanteenWorldTB(t, o)
		return pushFlow{env: w.testEnv, key: "course_update", title: "明天上课",
			to: []pushRecipient{{"resident", "resident", w.resident, w.residentID}},
			fire: func(i int) {
				day, _ := time.ParseInLocation(time.DateOnly, w.tomorrow, cst.Zone)
				start := day.Add(15 * time.Hour)
				c := w.course(map[string]any{"title": fmt.Sprintf("作息与阅读（%d）", i), "enroll_by": time.Now().Add(time.Hour).Format(time.RFC3339),
					"sessions": []map[string]any{{"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(time.Hour).Format(time.RFC3339), "place": "社区活动室"}}})
				w.want(w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", c), w.resident, map[string]any{"person_id": w.self}), 201, "")
				if _, err := w.app.Courses.Remind(context.Background()); err != nil {
					t.Fatal(err)
				}
			}}
	}},
	{"a place freed on the waiting list", func(t *testing.T, o options) pushFlow {
		t.Parallel()
		w := newCanteenWorldTB(t, o)
		neighbour, _ := w.login("neighbour")
		neighbourSelf := w.onboard(neighbour, "李四")
		return pushFlow{env: w.testEnv, key: "course_update", title: "候补成功",
			to: []pushRecipient{{"resident", "resident", w.resident, w.residentID}},
			fire: func(i int) {
				c := w.course(map[string]any{"title": fmt.Sprintf("满员的课（%d）", i), "capacity": 1})
				first := w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", c), neighbour, map[string]any{"person_id": neighbourSelf})
				w.want(first, 201, "")
				r := w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", c), w.resident, map[string]any{"person_id": w.self})
				if r.Body["status"] != "waitlisted" {
					t.Fatalf("not waiting: %s", r.Raw)
				}
				w.want(w.do("POST", fmt.Sprintf("/api/v1/enrollments/%d/cancel", w.id(first)), neighbour, nil), 200, "")
			}}
	}},
}

// pushCheck reads what became of a flow's pushes, to the fake WeChat and in the server.
type pushCheck struct {
	t    *testing.T
	f    pushFlow
	tpl  string // the template's id
	seen int    // the fake's messages before the flow began
}

func (c pushCheck) run() {
	c.t.Helper()
	if _, err := c.f.env.app.Pushes.RunOnce(context.Background(), 200); err != nil {
		c.t.Fatal(err)
	}
}

// delivered counts the flow's messages the fake WeChat delivered to r.
func (c pushCheck) delivered(r pushRecipient) int {
	n := 0
	for _, m := range fake.Messages()[c.seen:] {
		if m.ToUser == c.f.env.openid(r.code) && m.TemplateID == c.tpl {
			n++
		}
	}
	return n
}

// statuses are r's pushes of the flow's template, oldest first.
func (c pushCheck) statuses(r pushRecipient) string {
	c.t.Helper()
	var s string
	if err := c.f.env.db.QueryRow(`SELECT COALESCE(GROUP_CONCAT(status ORDER BY id), '') FROM push_outbox WHERE user_id = ? AND template_key = ?`,
		r.id, c.f.key).Scan(&s); err != nil {
		c.t.Fatal(err)
	}
	return s
}

// left is what GET /me tells r of the template.
func (c pushCheck) left(r pushRecipient) (remaining int, longTerm bool) {
	c.t.Helper()
	sub := into[meDetail](c.t, c.f.env.do("GET", "/api/v1/me", r.token, nil)).Subscriptions[c.f.key]
	if sub.TemplateID != c.tpl {
		c.t.Fatalf("GET /me names template %q for %s, want %q", sub.TemplateID, c.f.key, c.tpl)
	}
	return sub.Remaining, sub.LongTerm
}

// tap is r's answer in wx.requestSubscribeMessage, as WeChat hears it (the fake's endpoint),
// then, for an acceptance, the mini-program telling the server.
func (c pushCheck) tap(r pushRecipient, result string) map[string]any {
	c.t.Helper()
	e := c.f.env
	got := e.do("POST", "/_fake/wechat/subscribe", "", map[string]any{"openid": e.openid(r.code), "template_id": c.tpl, "result": result})
	e.want(got, 200, "")
	if result == "accept" {
		e.want(e.do("POST", "/api/v1/me/subscriptions", r.token, map[string]any{"template_ids": []string{c.tpl}}), 200, "")
	}
	return got.Body
}

// after checks each recipient after fires events: the inbox holds every message, the fake got
// want messages, and the pushes' statuses are these.
func (c pushCheck) after(fires, want int, statuses string, stage string) {
	c.t.Helper()
	for _, r := range c.f.to {
		if got := strings.Count(strings.Join(c.f.env.walk("/api/v1/me/messages?limit=50", r.token, "title"), "|"), c.f.title); got != fires {
			c.t.Errorf("%s: %s's inbox holds %d of %q, want %d", stage, r.who, got, c.f.title, fires)
		}
		if got := c.delivered(r); got != want {
			c.t.Errorf("%s: the fake WeChat delivered %d to %s, want %d", stage, got, r.who, want)
		}
		if got := c.statuses(r); got != statuses {
			c.t.Errorf("%s: %s's pushes are %q, want %q", stage, r.who, got, statuses)
		}
	}
	// Whatever was refused is not tried again.
	if n, err := c.f.env.app.Pushes.RunOnce(context.Background(), 200); err != nil || n != 0 {
		c.t.Errorf("%s: %d pushes tried again (%v)", stage, n, err)
	}
}

// TestPushesOnlyWithConsent: in every flow that pushes, a push reaches WeChat (the fake, which
// keeps WeChat's consent rules) only after the user accepted its template there. Without it
// WeChat answers 43101: the push is recorded no_consent, the inbox keeps the message, nothing is
// tried again. A one-time template allows one push per acceptance; GET /me tells what is left.
func TestPushesOnlyWithConsent(t *testing.T) {
	for _, flow := range pushFlows {
		t.Run(flow.name, func(t *testing.T) {
			f := flow.make(t, options{})
			c := pushCheck{t: t, f: f, tpl: f.env.templates[f.key], seen: len(fake.Messages())}
			for _, r := range f.to {
				if left, longTerm := c.left(r); left != 0 || longTerm {
					t.Fatalf("%s starts with %d pushes (long-term %v)", r.who, left, longTerm)
				}
			}

			// Nobody accepted anything: nothing is sent, the inbox has it.
			f.fire(0)
			c.run()
			c.after(1, 0, "no_consent", "without consent")

			// The server was told of an acceptance WeChat never had (a tap not in a tap handler,
			// say): WeChat answers 43101 and the server learns that nothing is left.
			wx := wechat.New(wechat.Config{AppID: "wxtest", Secret: "test-secret"}, wechat.NewCache(f.env.rdb, f.env.prefix))
			for _, r := range f.to {
				err := wx.SendSubscribe(context.Background(), wechat.Message{ToUser: f.env.openid(r.code), TemplateID: c.tpl, Data: map[string]string{"thing1": "x"}})
				if wechat.ErrCode(err) != wechat.CodeNoConsent {
					t.Fatalf("the fake WeChat answered a send to %s without consent with %v, want 43101", r.who, err)
				}
				f.env.want(f.env.do("POST", "/api/v1/me/subscriptions", r.token, map[string]any{"template_ids": []string{c.tpl}}), 200, "")
				if left, _ := c.left(r); left != 1 {
					t.Errorf("%s: GET /me remaining %d after the report, want 1", r.who, left)
				}
			}
			f.fire(1)
			c.run()
			c.after(2, 0, "no_consent,no_consent", "refused by WeChat (43101)")
			for _, r := range f.to {
				if left, _ := c.left(r); left != 0 {
					t.Errorf("%s: GET /me remaining %d after WeChat's 43101, want 0", r.who, left)
				}
			}

			// Accepted in WeChat: one push, and GET /me counts it down.
			for _, r := range f.to {
				if got := c.tap(r, "accept"); got["remaining"] != float64(1) || got["long_term"] != false {
					t.Errorf("the fake's answer to %s's acceptance: %v", r.who, got)
				}
				if left, longTerm := c.left(r); left != 1 || longTerm {
					t.Errorf("%s: GET /me remaining %d (long-term %v) after accepting, want 1", r.who, left, longTerm)
				}
			}
			f.fire(2)
			c.run()
			c.after(3, 1, "no_consent,no_consent,sent", "accepted once")
			for _, r := range f.to {
				if left, _ := c.left(r); left != 0 {
					t.Errorf("%s: GET /me remaining %d after the push, want 0", r.who, left)
				}
			}

			// One acceptance, one push: the next waits for another.
			f.fire(3)
			c.run()
			c.after(4, 1, "no_consent,no_consent,sent,no_consent", "acceptance used")
		})
	}
}

// TestLongTermPushesUntilRejected: a template configured long-term (LINLI_WECHAT_LONG_TERM) is,
// in every flow, sent only once accepted in WeChat, then every time until the user turns it off.
func TestLongTermPushesUntilRejected(t *testing.T) {
	for _, flow := range pushFlows {
		t.Run(flow.name, func(t *testing.T) {
			f := flow.make(t, options{longTerm: config.TemplateKeys})
			c := pushCheck{t: t, f: f, tpl: f.env.templates[f.key], seen: len(fake.Messages())}
			if !strings.Contains(c.tpl, "_lt_") {
				t.Fatalf("template %q is not the test's long-term one", c.tpl)
			}
			for _, r := range f.to {
				if _, longTerm := c.left(r); !longTerm {
					t.Fatalf("GET /me does not tell %s that %s is long-term", r.who, f.key)
				}
			}
			// Not accepted: sent, and WeChat answers 43101.
			f.fire(0)
			c.run()
			c.after(1, 0, "no_consent", "long-term, not accepted")

			for _, r := range f.to {
				if got := c.tap(r, "accept"); got["remaining"] != float64(1) || got["long_term"] != true {
					t.Errorf("the fake's answer to %s's acceptance: %v", r.who, got)
				}
			}
			f.fire(1)
			f.fire(2)
			c.run()
			c.after(3, 2, "no_consent,sent,sent", "long-term, accepted")

			// Turned off in WeChat: refused again, recorded, not retried.
			for _, r := range f.to {
				if got := c.tap(r, "reject"); got["remaining"] != float64(0) {
					t.Errorf("the fake's answer to %s's refusal: %v", r.who, got)
				}
			}
			f.fire(3)
			c.run()
			c.after(4, 2, "no_consent,sent,sent,no_consent", "long-term, rejected")
		})
	}
}
