package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

type meDetail struct {
	ID            int64 `json:"id"`
	Subscriptions map[string]struct {
		TemplateID string `json:"template_id"`
		Remaining  int    `json:"remaining"`
		LongTerm   bool   `json:"long_term"`
	} `json:"subscriptions"`
}

// TestConsentAsWeChatCountsIt: the fake WeChat sends only what the user accepted, the server
// learns of a refusal from WeChat's 43101, and GET /me says what is left so the mini-program can
// ask again in time.
func TestConsentAsWeChatCountsIt(t *testing.T) {
	w := newCanteenWorld(t)
	ctx := context.Background()
	me := func() meDetail { return into[meDetail](t, w.do("GET", "/api/v1/me", w.resident, nil)) }
	got := me()
	if len(got.Subscriptions) != 4 || got.Subscriptions["meal_notice"].Remaining != 0 || got.Subscriptions["meal_notice"].TemplateID != "meal_notice" ||
		got.Subscriptions["report_assigned"].LongTerm {
		t.Fatalf("subscriptions before any consent = %+v", got.Subscriptions)
	}

	// The tap on 允许, as WeChat hears it, through the fake's own endpoint.
	r := w.do("POST", "/_fake/wechat/subscribe", "", map[string]any{"openid": w.openid("resident"), "template_id": "meal_notice", "result": "accept"})
	w.want(r, 200, "")
	if r.Body["remaining"] != float64(1) || r.Body["long_term"] != false {
		t.Errorf("fake subscribe = %s", r.Raw)
	}
	w.want(w.do("POST", "/_fake/wechat/subscribe", "", map[string]any{"openid": "x", "template_id": "meal_notice", "result": "maybe"}), 400, "invalid_request")

	// The mini-program reported two acceptances, but WeChat holds one: the second push is refused
	// (43101), the server's count goes to 0, the inbox keeps the message, nothing is retried.
	w.want(w.do("POST", "/api/v1/me/subscriptions", w.resident, map[string]any{"template_ids": []string{"meal_notice"}}), 200, "")
	w.want(w.do("POST", "/api/v1/me/subscriptions", w.resident, map[string]any{"template_ids": []string{"meal_notice"}}), 200, "")
	if got := me().Subscriptions["meal_notice"].Remaining; got != 2 {
		t.Errorf("remaining after two reports = %d", got)
	}
	for _, meal := range []string{"lunch", "dinner"} {
		slot := w.slot(map[string]any{"meal": meal})
		w.want(w.book(w.resident, slot, w.self, "eat_in"), 201, "")
		w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/slots/%d/close", slot), w.kitchen, map[string]any{"reason": "停电"}), 200, "")
		if _, err := w.app.Pushes.RunOnce(ctx, 10); err != nil {
			t.Fatal(err)
		}
	}
	var statuses string
	if err := w.db.QueryRow(`SELECT GROUP_CONCAT(status ORDER BY id) FROM push_outbox WHERE user_id = ?`, got.ID).Scan(&statuses); err != nil || statuses != "sent,no_consent" {
		t.Errorf("push statuses = %s, %v", statuses, err)
	}
	if got := me().Subscriptions["meal_notice"].Remaining; got != 0 {
		t.Errorf("remaining after WeChat's 43101 = %d, want 0", got)
	}
	if inbox := strings.Join(w.walk("/api/v1/me/messages?limit=10", w.resident, "title"), ","); strings.Count(inbox, "订餐已取消") != 2 {
		t.Errorf("inbox = %s", inbox)
	}
	if n, _ := w.app.Pushes.RunOnce(ctx, 10); n != 0 {
		t.Errorf("a refused push was tried again")
	}
}
