package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/linli/linli/server/internal/account"
)

// TestRelativesAnywhere: a son working in Hangzhou (no community of his own here) and a daughter
// who lives in another community both act for their mother in community 1: everything is
// checked against the mother's community, never theirs.
func TestRelativesAnywhere(t *testing.T) {
	w := newCanteenWorld(t)
	cid2, bs2 := w.community("西街社区", "1幢")
	slot := w.slot(map[string]any{"capacity": 5, "meal": "dinner"})
	course := w.course(map[string]any{"capacity": 5})

	son, sonID := w.login("son-in-hangzhou")
	daughter, daughterID := w.login("daughter-elsewhere")
	w.want(w.do("PUT", "/api/v1/me/profile", daughter, map[string]any{"name": "王小兰", "community_id": cid2, "building_id": bs2[0], "unit": "1单元", "room": "101"}), 200, "")
	for code, uid := range map[string]int64{"son-in-hangzhou": sonID, "daughter-elsewhere": daughterID} {
		tok := map[string]string{"son-in-hangzhou": son, "daughter-elsewhere": daughter}[code]
		w.want(w.do("POST", fmt.Sprintf("/api/v1/persons/%d/guardian-requests", w.mother), tok, map[string]any{"relation": "parent", "id_card": idElderF}), 201, "")
		w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/approve", w.requestFor(w.staff, w.mother, uid)), w.staff, nil), 200, "")
	}
	if me := into[struct {
		CommunityID *int64 `json:"community_id"`
	}](t, w.do("GET", "/api/v1/me", son, nil)); me.CommunityID != nil {
		t.Fatalf("the son has a community: %d", *me.CommunityID)
	}

	// In this order: the son enrols her first.
	for _, relative := range []struct{ who, tok string }{{"son", son}, {"daughter", daughter}} {
		who, tok := relative.who, relative.tok
		// The persons they manage carry the mother's community, which the pages then follow.
		if got := w.do("GET", "/api/v1/persons", tok, nil); !strings.Contains(string(got.Raw), fmt.Sprintf(`"community_id":%d`, w.cid)) {
			t.Errorf("%s's persons = %s", who, got.Raw)
		}
		w.want(w.do("GET", fmt.Sprintf("/api/v1/meal-quote?slot_id=%d&person_id=%d", slot, w.mother), tok, nil), 200, "")
		r := w.book(tok, slot, w.mother, "eat_in")
		w.want(r, 201, "")
		w.want(w.do("POST", fmt.Sprintf("/api/v1/meal-orders/%d/cancel", w.id(r)), tok, nil), 200, "")
		rep := w.do("POST", "/api/v1/reports", tok, map[string]any{"category": "elderly", "description": who + "：妈妈家的水龙头坏了", "building_id": w.bs[1],
			"urgency": "normal", "photo_ids": []int64{}, "person_id": w.mother})
		w.want(rep, 201, "")
		if rep.Body["community_id"] != float64(w.cid) {
			t.Errorf("%s's report is in community %v", who, rep.Body["community_id"])
		}
		// A building of their own community is not the mother's.
		if who == "daughter" {
			w.want(w.do("POST", "/api/v1/reports", tok, map[string]any{"category": "elderly", "description": "x", "building_id": bs2[0],
				"urgency": "normal", "photo_ids": []int64{}, "person_id": w.mother}), 400, "invalid_request")
		}
		if got := strings.Join(w.walk("/api/v1/reports?limit=10", tok, "description"), ","); !strings.Contains(got, who+"：妈妈家的水龙头坏了") {
			t.Errorf("%s's reports = %s", who, got)
		}
		enr := w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", course), tok, map[string]any{"person_id": w.mother})
		w.want(enr, 201, "")
		// One place per person, whoever asks.
		w.want(w.do("POST", fmt.Sprintf("/api/v1/courses/%d/enrollments", course), tok, map[string]any{"person_id": w.mother}), 409, "already_enrolled")
		if who == "son" {
			// He leaves the place for his sister to take.
			w.want(w.do("POST", fmt.Sprintf("/api/v1/enrollments/%d/cancel", w.id(enr)), tok, nil), 200, "")
		}
	}

	// A rider finds nobody at her door: both hear of it, and answer it, against her community.
	rider, riderID := w.login("rider")
	if _, err := w.app.Accounts.Grant(context.Background(), w.cid, riderID, account.RoleVolunteer, 0); err != nil {
		t.Fatal(err)
	}
	order := w.id(w.book(son, w.slot(map[string]any{"capacity": 5, "meal": "breakfast"}), w.mother, "delivery"))
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/deliveries/%d/no-answer", order), rider, nil), 200, "")
	var alert int64
	for _, tok := range []string{son, daughter} {
		page := w.do("GET", "/api/v1/me/messages?limit=1", tok, nil).Body["items"].([]any)[0].(map[string]any)["page"].(string)
		if _, err := fmt.Sscanf(page, "/pages/alert/index?id=%d", &alert); err != nil {
			t.Fatalf("the alert's message opens %q", page)
		}
		w.want(w.do("GET", fmt.Sprintf("/api/v1/alerts/%d", alert), tok, nil), 200, "")
	}
	w.want(w.do("POST", fmt.Sprintf("/api/v1/alerts/%d/acknowledge", alert), son, map[string]any{"outcome": "going"}), 200, "")
	r := w.do("POST", fmt.Sprintf("/api/v1/alerts/%d/acknowledge", alert), daughter, map[string]any{"outcome": "safe", "note": "电话打通了"})
	w.want(r, 200, "")
	if r.Body["status"] != "closed" || r.Body["closed_by_name"] != "王小兰" {
		t.Errorf("the daughter's answer = %s", r.Raw)
	}
	// Their own community's staff see none of it.
	staff2, _ := w.testEnv.staff("staff2", cid2)
	if r := w.do("GET", "/api/v1/admin/reports", staff2, nil); strings.Contains(string(r.Raw), "水龙头") {
		t.Errorf("the daughter's community's staff see her mother's reports: %s", r.Raw)
	}
}
