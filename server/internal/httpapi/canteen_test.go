package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linli/linli/server/internal/cst"
)

// canteenWorld is a community with a canteen, its staff, a resident with an elder mother
// (verified, living alone, 81) and tomorrow's lunch.
type canteenWorld struct {
	*testEnv
	cid        int64
	bs         []int64
	staff      string
	kitchen    string
	resident   string
	residentID int64
	self       int64 // the resident's own person
	mother     int64
	canteenID  int64
	tomorrow   string
}

func newCanteenWorld(t *testing.T) *canteenWorld {
	t.Parallel()
	return newCanteenWorldTB(t)
}

func newCanteenWorldTB(t testing.TB, opts ...options) *canteenWorld {
	e := newEnvTB(t, opts...)
	w := &canteenWorld{testEnv: e}
	w.cid, w.bs = e.community("中埂社区", "1幢", "2幢")
	w.staff, _ = e.staff("staff", w.cid)
	var kitchenID int64
	w.kitchen, kitchenID = e.login("kitchen")
	if _, err := e.app.Accounts.Grant(context.Background(), w.cid, kitchenID, "canteen_staff", 0); err != nil {
		t.Fatal(err)
	}
	w.resident, w.residentID = e.login("resident")
	w.self = w.onboard(w.resident, "王小明")
	w.mother = e.id(e.do("POST", "/api/v1/persons", w.resident, elder(w.bs[1], "王秀英", idElderF)))
	e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/approve", e.requestFor(w.staff, w.mother, w.residentID)), w.staff, nil), 200, "")
	r := e.do("POST", "/api/v1/admin/canteens", w.staff, map[string]any{"name": "中埂邻里食堂", "address": "中埂社区服务中心一楼"})
	e.want(r, 201, "")
	w.canteenID = e.id(r)
	now := time.Now
	if len(opts) > 0 && opts[0].now != nil {
		now = opts[0].now
	}
	w.tomorrow = now().In(cst.Zone).AddDate(0, 0, 1).Format(time.DateOnly)
	return w
}

// onboard makes a signed-in user a resident with their own person, and returns its id.
func (w *canteenWorld) onboard(tok, name string) int64 {
	w.t.Helper()
	r := w.do("PUT", "/api/v1/me/profile", tok, map[string]any{"name": name, "community_id": w.cid, "building_id": w.bs[0], "unit": "1单元", "room": "301"})
	w.want(r, 200, "")
	return int64(r.Body["person_id"].(float64))
}

// slot adds a meal to the canteen; body fields override the defaults.
func (w *canteenWorld) slot(over map[string]any) int64 {
	w.t.Helper()
	b := map[string]any{"date": w.tomorrow, "meal": "lunch", "dishes": []map[string]any{{"name": "红烧肉"}, {"name": "清炒时蔬"}},
		"capacity": 2, "price_fen": 1500, "modes": []string{"eat_in", "pickup", "delivery"}}
	for k, v := range over {
		b[k] = v
	}
	r := w.do("POST", fmt.Sprintf("/api/v1/admin/canteens/%d/slots", w.canteenID), w.kitchen, b)
	w.want(r, 201, "")
	return w.id(r)
}

// servedSubsidised gives persons of 80 and over 5 yuan a meal, and has the mother's lunch of the
// day booked and served at the counter: the slot and her order.
func (w *canteenWorld) servedSubsidised(day string) (slot, served int64) {
	w.t.Helper()
	w.want(w.do("PUT", "/api/v1/admin/subsidy-rules", w.staff, map[string]any{"rules": []map[string]any{
		{"min_age": 80, "subsidy_fen": 500, "daily_limit": 1}}}), 200, "")
	slot = w.slot(map[string]any{"date": day, "capacity": 10, "book_by": time.Now().Add(time.Hour).Format(time.RFC3339)})
	r := w.book(w.resident, slot, w.mother, "pickup")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/canteens/%d/redeem", w.canteenID), w.kitchen, map[string]any{"pickup_code": r.Body["pickup_code"]}), 200, "")
	return slot, w.id(r)
}

func (w *canteenWorld) book(tok string, slot, personID int64, mode string) resp {
	w.t.Helper()
	return w.do("POST", "/api/v1/meal-orders", tok, map[string]any{"slot_id": slot, "person_id": personID, "mode": mode})
}

func TestCanteenBooking(t *testing.T) {
	w := newCanteenWorld(t)
	slot := w.slot(nil)

	// Menus are public.
	r := w.do("GET", fmt.Sprintf("/api/v1/canteens?community_id=%d", w.cid), "", nil)
	w.want(r, 200, "")
	if items := r.Body["items"].([]any); len(items) != 1 || items[0].(map[string]any)["name"] != "中埂邻里食堂" {
		t.Errorf("canteens = %s", r.Raw)
	}
	w.want(w.do("GET", "/api/v1/canteens", "", nil), 400, "invalid_request")
	if r := w.do("GET", "/api/v1/canteens", w.resident, nil); len(r.Body["items"].([]any)) != 1 {
		t.Errorf("canteens of the caller's community = %s", r.Raw)
	}
	r = w.do("GET", fmt.Sprintf("/api/v1/canteens/%d/slots", w.canteenID), "", nil)
	w.want(r, 200, "")
	s0 := r.Body["items"].([]any)[0].(map[string]any)
	if s0["remaining"] != float64(2) || s0["meal"] != "lunch" || !strings.HasSuffix(s0["book_by"].(string), "T09:30:00+08:00") {
		t.Errorf("slot = %v", s0)
	}
	w.want(w.do("GET", fmt.Sprintf("/api/v1/canteens/%d/slots?from=2026-01-01&to=2026-03-01", w.canteenID), "", nil), 400, "invalid_request")
	w.want(w.do("GET", "/api/v1/canteens/999999/slots", "", nil), 404, "not_found")

	// The price breakdown before booking: the mother is 81 and verified, but no rule yet.
	r = w.do("GET", fmt.Sprintf("/api/v1/meal-quote?slot_id=%d&person_id=%d", slot, w.mother), w.resident, nil)
	w.want(r, 200, "")
	if r.Body["pay_fen"] != float64(1500) || r.Body["subsidy_fen"] != float64(0) {
		t.Errorf("quote = %s", r.Raw)
	}

	// Delivery is for those living alone or needing care.
	w.want(w.book(w.resident, slot, w.self, "delivery"), 409, "mode_not_allowed")
	r = w.book(w.resident, slot, w.mother, "delivery")
	w.want(r, 201, "")
	if r.Body["status"] != "booked" || r.Body["pay_fen"] != float64(1500) || len(r.Body["pickup_code"].(string)) != 6 || r.Body["cancellable"] != true {
		t.Errorf("order = %s", r.Raw)
	}
	motherOrder := w.id(r)
	w.want(w.book(w.resident, slot, w.mother, "eat_in"), 409, "already_booked")
	w.want(w.book(w.resident, slot, w.self, "eat_in"), 201, "")
	// Full.
	other, _ := w.login("neighbour")
	neighbour := w.onboard(other, "李四")
	w.want(w.book(other, slot, neighbour, "eat_in"), 409, "slot_full")
	// Not theirs to book for, exactly as a missing person.
	absent := w.book(other, slot, 999999, "eat_in")
	if got := w.book(other, slot, w.mother, "eat_in"); got.Status != 409 && (got.Status != absent.Status || got.errCode() != absent.errCode()) {
		t.Errorf("booking for another's mother: %d %s vs missing %d %s", got.Status, got.errCode(), absent.Status, absent.errCode())
	}
	// Cancelling frees the seat.
	w.want(w.do("POST", fmt.Sprintf("/api/v1/meal-orders/%d/cancel", motherOrder), other, nil), 404, "not_found")
	r = w.do("POST", fmt.Sprintf("/api/v1/meal-orders/%d/cancel", motherOrder), w.resident, nil)
	w.want(r, 200, "")
	if r.Body["status"] != "cancelled" {
		t.Errorf("cancelled = %s", r.Raw)
	}
	w.want(w.do("POST", fmt.Sprintf("/api/v1/meal-orders/%d/cancel", motherOrder), w.resident, nil), 409, "booking_closed")
	w.want(w.book(other, slot, neighbour, "eat_in"), 201, "")
	// The mother may book again after cancelling... but the slot is full again.
	w.want(w.book(w.resident, slot, w.mother, "pickup"), 409, "slot_full")

	// My orders: both persons', newest first; one person's; a status.
	if got := strings.Join(w.walk("/api/v1/meal-orders?limit=1", w.resident, "status"), ","); got != "booked,cancelled" {
		t.Errorf("orders = %s", got)
	}
	if got := w.walk(fmt.Sprintf("/api/v1/meal-orders?person_id=%d&status=cancelled", w.mother), w.resident, "person_name"); len(got) != 1 || got[0] != "王秀英" {
		t.Errorf("mother's cancelled orders = %v", got)
	}
	w.want(w.do("GET", fmt.Sprintf("/api/v1/meal-orders?person_id=%d", w.mother), other, nil), 404, "not_found")

	// Past the cut-off nobody books or cancels.
	w.want(w.do("PATCH", fmt.Sprintf("/api/v1/admin/slots/%d", slot), w.kitchen, map[string]any{
		"book_by": time.Now().Add(-time.Minute).Format(time.RFC3339), "capacity": 3}), 200, "")
	w.want(w.book(w.resident, slot, w.mother, "pickup"), 409, "booking_closed")
	mine := w.do("GET", "/api/v1/meal-orders?status=booked", w.resident, nil).Body["items"].([]any)[0].(map[string]any)
	if mine["cancellable"] != false {
		t.Errorf("order past cut-off = %v", mine)
	}
	w.want(w.do("POST", fmt.Sprintf("/api/v1/meal-orders/%v/cancel", mine["id"]), w.resident, nil), 409, "booking_closed")

	// Bad input.
	for name, body := range map[string]map[string]any{
		"no slot":   {"person_id": w.self, "mode": "eat_in"},
		"bad mode":  {"slot_id": slot, "person_id": w.self, "mode": "fly"},
		"long note": {"slot_id": slot, "person_id": w.self, "mode": "eat_in", "note": strings.Repeat("多", 201)},
	} {
		if r := w.do("POST", "/api/v1/meal-orders", w.resident, body); r.Status != 400 {
			t.Errorf("%s: %d %s", name, r.Status, r.Raw)
		}
	}
	w.want(w.book(w.resident, 999999, w.self, "eat_in"), 404, "not_found")
}

// TestBookingNeverOversells bursts one slot from many users at once, with the seat gate lost
// in the middle, and cancels concurrently too.
func TestBookingNeverOversells(t *testing.T) {
	w := newCanteenWorld(t)
	const seats, users = 10, 40
	slot := w.slot(map[string]any{"capacity": seats})
	type user struct {
		tok    string
		person int64
	}
	us := make([]user, users)
	for i := range us {
		tok, _ := w.login(fmt.Sprintf("burst-%d", i))
		us[i] = user{tok, w.onboard(tok, fmt.Sprintf("居民%d", i))}
	}
	// A gate that is wrong (far too many seats) must not matter: MySQL decides the seat.
	if err := w.rdb.Set(context.Background(), fmt.Sprintf("%sseats:{%d}", w.prefix, slot), 1000, time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	statuses := make([]int, users)
	orders := make([]int64, users)
	var wg sync.WaitGroup
	for i := range us {
		wg.Go(func() {
			if i == users/2 {
				// Redis loses the gate mid-burst.
				keys, _ := w.rdb.Keys(context.Background(), w.prefix+"seats:*").Result()
				for _, k := range keys {
					w.rdb.Del(context.Background(), k)
				}
			}
			r := w.book(us[i].tok, slot, us[i].person, "eat_in")
			statuses[i] = r.Status
			if r.Status == 201 {
				orders[i] = int64(r.Body["id"].(float64))
			} else if r.errCode() != "slot_full" {
				t.Errorf("booking answered %d %s", r.Status, r.Raw)
			}
		})
	}
	wg.Wait()
	booked := 0
	for _, s := range statuses {
		if s == 201 {
			booked++
		}
	}
	var dbBooked, live int
	if err := w.db.QueryRow(`SELECT booked FROM meal_slots WHERE id = ?`, slot).Scan(&dbBooked); err != nil {
		t.Fatal(err)
	}
	if err := w.db.QueryRow(`SELECT COUNT(*) FROM meal_orders WHERE slot_id = ? AND is_active = 1`, slot).Scan(&live); err != nil {
		t.Fatal(err)
	}
	if booked != seats || dbBooked != seats || live != seats {
		t.Fatalf("booked %d answers, %d in the slot, %d orders; want %d", booked, dbBooked, live, seats)
	}
	// Half the winners cancel while the losers try again: never over, never a seat left free
	// while someone was turned away at the end.
	for i := range us {
		wg.Go(func() {
			if orders[i] != 0 && i%2 == 0 {
				w.want(w.do("POST", fmt.Sprintf("/api/v1/meal-orders/%d/cancel", orders[i]), us[i].tok, nil), 200, "")
			} else if orders[i] == 0 {
				w.book(us[i].tok, slot, us[i].person, "eat_in")
			}
		})
	}
	wg.Wait()
	if err := w.db.QueryRow(`SELECT booked FROM meal_slots WHERE id = ?`, slot).Scan(&dbBooked); err != nil {
		t.Fatal(err)
	}
	if err := w.db.QueryRow(`SELECT COUNT(*) FROM meal_orders WHERE slot_id = ? AND is_active = 1`, slot).Scan(&live); err != nil {
		t.Fatal(err)
	}
	if dbBooked != live || dbBooked > seats {
		t.Errorf("after cancels: slot says %d booked, %d live orders (capacity %d)", dbBooked, live, seats)
	}
	// Whatever seats are free are bookable now: the gate does not turn people away wrongly.
	free := seats - dbBooked
	got := 0
	for i := range us {
		if got == free {
			break
		}
		if w.book(us[i].tok, slot, us[i].person, "eat_in").Status == 201 {
			got++
		}
	}
	if got != free {
		t.Errorf("%d seats were free but only %d could be booked", free, got)
	}
}

func TestSubsidies(t *testing.T) {
	w := newCanteenWorld(t)
	lunch := w.slot(map[string]any{"capacity": 10})
	dinner := w.slot(map[string]any{"capacity": 10, "meal": "dinner"})

	rules := []map[string]any{
		{"min_age": 60, "max_age": 79, "percent": 20, "daily_limit": 2},
		{"min_age": 80, "subsidy_fen": 500, "daily_limit": 1},
		{"min_age": 0, "status": "dibao", "percent": 100, "daily_limit": 1},
	}
	r := w.do("PUT", "/api/v1/admin/subsidy-rules", w.staff, map[string]any{"rules": rules})
	w.want(r, 200, "")
	if len(r.Body["rules"].([]any)) != 3 {
		t.Errorf("rules = %s", r.Raw)
	}
	w.want(w.do("PUT", "/api/v1/admin/subsidy-rules", w.resident, map[string]any{"rules": rules}), 403, "forbidden")
	for name, bad := range map[string]map[string]any{
		"both amounts": {"min_age": 60, "percent": 20, "subsidy_fen": 100, "daily_limit": 1},
		"no amount":    {"min_age": 60, "daily_limit": 1},
		"max below":    {"min_age": 60, "max_age": 50, "percent": 20, "daily_limit": 1},
		"bad status":   {"min_age": 0, "status": "rich", "percent": 20, "daily_limit": 1},
		"no limit":     {"min_age": 60, "percent": 20},
	} {
		if r := w.do("PUT", "/api/v1/admin/subsidy-rules", w.staff, map[string]any{"rules": []map[string]any{bad}}); r.Status != 400 {
			t.Errorf("%s: %d %s", name, r.Status, r.Raw)
		}
	}

	// The mother (81, verified) gets 5.00 off her first meal of the day, not her second.
	r = w.book(w.resident, lunch, w.mother, "eat_in")
	w.want(r, 201, "")
	if r.Body["subsidy_fen"] != float64(500) || r.Body["pay_fen"] != float64(1000) || r.Body["subsidy_note"] == "" {
		t.Errorf("subsidised order = %s", r.Raw)
	}
	lunchOrder := w.id(r)
	r = w.book(w.resident, dinner, w.mother, "eat_in")
	if r.Body["subsidy_fen"] != float64(0) || r.Body["subsidy_note"] != "今日补贴次数已用完" {
		t.Errorf("second meal = %s", r.Raw)
	}
	dinnerOrder := w.id(r)
	// Cancelling the subsidised lunch gives the day's subsidy back to a new booking.
	w.want(w.do("POST", fmt.Sprintf("/api/v1/meal-orders/%d/cancel", lunchOrder), w.resident, nil), 200, "")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/meal-orders/%d/cancel", dinnerOrder), w.resident, nil), 200, "")

	// Booking lunch and dinner at the same moment still subsidises one meal only.
	for range 5 {
		var wg sync.WaitGroup
		ids := make([]float64, 2)
		subsidies := make([]float64, 2)
		for i, slot := range []int64{lunch, dinner} {
			wg.Go(func() {
				r := w.book(w.resident, slot, w.mother, "eat_in")
				ids[i], subsidies[i] = r.Body["id"].(float64), r.Body["subsidy_fen"].(float64)
			})
		}
		wg.Wait()
		if subsidies[0]+subsidies[1] != 500 {
			t.Errorf("two meals booked at once were subsidised %v", subsidies)
		}
		var stored int
		if err := w.db.QueryRow(`SELECT SUM(subsidy_fen) FROM meal_orders WHERE id IN (?, ?)`, ids[0], ids[1]).Scan(&stored); err != nil || stored != 500 {
			t.Errorf("stored subsidies %d, %v", stored, err)
		}
		for _, id := range ids {
			w.want(w.do("POST", fmt.Sprintf("/api/v1/meal-orders/%v/cancel", id), w.resident, nil), 200, "")
		}
	}

	// Only staff set a status; dibao beats the age rule (100% of 15.00).
	w.want(w.do("PUT", fmt.Sprintf("/api/v1/admin/persons/%d/subsidy-status", w.mother), w.resident, map[string]any{"status": "dibao"}), 403, "forbidden")
	w.want(w.do("PUT", fmt.Sprintf("/api/v1/admin/persons/%d/subsidy-status", w.mother), w.staff, map[string]any{"status": "rich"}), 400, "invalid_request")
	w.want(w.do("PUT", fmt.Sprintf("/api/v1/admin/persons/%d/subsidy-status", w.mother), w.staff, map[string]any{"status": "dibao"}), 200, "")
	r = w.book(w.resident, dinner, w.mother, "eat_in")
	if r.Body["subsidy_fen"] != float64(1500) || r.Body["pay_fen"] != float64(0) {
		t.Errorf("dibao order = %s", r.Raw)
	}
	// A later rule change does not rewrite the order.
	w.want(w.do("PUT", "/api/v1/admin/subsidy-rules", w.staff, map[string]any{"rules": []map[string]any{}}), 200, "")
	r = w.do("GET", fmt.Sprintf("/api/v1/meal-orders?person_id=%d&status=booked", w.mother), w.resident, nil)
	if it := r.Body["items"].([]any)[0].(map[string]any); it["subsidy_fen"] != float64(1500) {
		t.Errorf("order after the rules changed = %v", it)
	}

	// An unverified person pays in full, and is told why.
	w.want(w.do("PUT", "/api/v1/admin/subsidy-rules", w.staff, map[string]any{"rules": rules}), 200, "")
	oldMan := elder(w.bs[0], "张大爷", idElderM)
	oldMan["gender"], oldMan["birth_date"] = "male", "1948-08-12"
	pending := w.id(w.do("POST", "/api/v1/persons", w.resident, oldMan))
	r = w.do("GET", fmt.Sprintf("/api/v1/meal-quote?slot_id=%d&person_id=%d", lunch, pending), w.resident, nil)
	if r.Body["subsidy_fen"] != float64(0) || r.Body["subsidy_note"] != "身份核验后享受补贴" {
		t.Errorf("unverified quote = %s", r.Raw)
	}
	// A pending guardian may already book for the person.
	w.want(w.book(w.resident, lunch, pending, "pickup"), 201, "")
}

func TestSlotEditCloseAndTell(t *testing.T) {
	w := newCanteenWorld(t)
	slot := w.slot(map[string]any{"capacity": 3})
	// The resident consented to meal notices (once); the relative who also guards the mother did not.
	w.accept(w.resident, "resident", "meal_notice")
	w.want(w.book(w.resident, slot, w.mother, "eat_in"), 201, "")
	w.want(w.book(w.resident, slot, w.self, "eat_in"), 201, "")

	w.want(w.do("PATCH", fmt.Sprintf("/api/v1/admin/slots/%d", slot), w.kitchen, map[string]any{"capacity": 1}), 409, "capacity_below_booked")
	r := w.do("PATCH", fmt.Sprintf("/api/v1/admin/slots/%d", slot), w.kitchen, map[string]any{"capacity": 2, "dishes": []map[string]any{{"name": "番茄炒蛋"}}})
	w.want(r, 200, "")
	if r.Body["remaining"] != float64(0) || r.Body["dishes"].([]any)[0].(map[string]any)["name"] != "番茄炒蛋" {
		t.Errorf("edited slot = %s", r.Raw)
	}
	w.want(w.do("PATCH", fmt.Sprintf("/api/v1/admin/slots/%d", slot), w.kitchen, map[string]any{"modes": []string{}}), 400, "invalid_request")
	w.want(w.do("PATCH", fmt.Sprintf("/api/v1/admin/slots/%d", slot), w.resident, map[string]any{"capacity": 5}), 403, "forbidden")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/canteens/%d/slots", w.canteenID), w.kitchen, map[string]any{
		"date": w.tomorrow, "meal": "lunch", "dishes": []map[string]any{{"name": "面"}}, "capacity": 5, "price_fen": 800, "modes": []string{"eat_in"}}), 409, "slot_exists")

	before := len(fake.Messages())
	r = w.do("POST", fmt.Sprintf("/api/v1/admin/slots/%d/close", slot), w.kitchen, map[string]any{"reason": "燃气检修"})
	w.want(r, 200, "")
	if r.Body["closed"] != true || r.Body["remaining"] != float64(0) {
		t.Errorf("closed slot = %s", r.Raw)
	}
	if got := w.walk("/api/v1/meal-orders?limit=5", w.resident, "status"); strings.Join(got, ",") != "cancelled,cancelled" {
		t.Errorf("orders after close = %v", got)
	}
	w.want(w.book(w.resident, slot, w.mother, "eat_in"), 409, "booking_closed")
	// Told in the inbox, once per order, and by push while consents last.
	inbox := w.walk("/api/v1/me/messages?limit=10", w.resident, "body")
	if len(inbox) < 2 || !strings.Contains(inbox[0], "燃气检修") {
		t.Errorf("inbox = %v", inbox)
	}
	n, err := w.app.Pushes.RunOnce(context.Background(), 50)
	if err != nil || n != 2 {
		t.Fatalf("pushes sent: %d, %v", n, err)
	}
	sent := fake.Messages()[before:]
	var mine int
	for _, m := range sent {
		if m.ToUser == w.openid("resident") && m.TemplateID == "meal_notice" {
			mine++
		}
	}
	if mine != 1 {
		t.Errorf("pushes to the resident = %d (one consent), all: %v", mine, sent)
	}
	var statuses string
	if err := w.db.QueryRow(`SELECT GROUP_CONCAT(status ORDER BY id) FROM push_outbox`).Scan(&statuses); err != nil {
		t.Fatal(err)
	}
	if statuses != "sent,no_consent" {
		t.Errorf("push statuses = %s", statuses)
	}
	if n, _ := w.app.Pushes.RunOnce(context.Background(), 50); n != 0 {
		t.Errorf("a second run sent %d more", n)
	}
}

func TestKitchenDeliveryAndPickup(t *testing.T) {
	w := newCanteenWorld(t)
	today := time.Now().In(cst.Zone).Format(time.DateOnly)
	// Today's lunch, bookable until an hour from now.
	slot := w.slot(map[string]any{"date": today, "capacity": 10, "book_by": time.Now().Add(time.Hour).Format(time.RFC3339)})
	rider, riderID := w.login("rider")
	if _, err := w.app.Accounts.Grant(context.Background(), w.cid, riderID, "volunteer", 0); err != nil {
		t.Fatal(err)
	}
	worker, workerID := w.login("grid")
	elsewhere, otherID := w.login("grid-elsewhere")
	for _, id := range []int64{workerID, otherID} {
		if _, err := w.app.Accounts.Grant(context.Background(), w.cid, id, "grid_worker", 0); err != nil {
			t.Fatal(err)
		}
	}
	// The mother's building is in the first worker's grid.
	w.want(w.do("POST", "/api/v1/admin/grids", w.staff, map[string]any{"name": "二幢网格", "building_ids": []int64{w.bs[1]}, "worker_user_ids": []int64{workerID}}), 201, "")
	w.want(w.do("PATCH", fmt.Sprintf("/api/v1/persons/%d", w.mother), w.resident, map[string]any{"diet_notes": "糖尿病"}), 200, "")
	delivery := w.id(w.book(w.resident, slot, w.mother, "delivery"))
	r := w.do("POST", "/api/v1/meal-orders", w.resident, map[string]any{"slot_id": slot, "person_id": w.self, "mode": "pickup", "note": "多放辣"})
	w.want(r, 201, "")
	code := r.Body["pickup_code"].(string)

	r = w.do("GET", fmt.Sprintf("/api/v1/admin/canteens/%d/prep-list", w.canteenID), w.kitchen, nil)
	w.want(r, 200, "")
	ps := r.Body["slots"].([]any)[0].(map[string]any)
	if ps["total"] != float64(2) || ps["by_mode"].(map[string]any)["delivery"] != float64(1) ||
		ps["dishes"].([]any)[0].(map[string]any)["count"] != float64(2) || len(ps["diet_notes"].([]any)) != 2 {
		t.Errorf("prep list = %s", r.Raw)
	}
	r = w.do("GET", fmt.Sprintf("/api/v1/admin/canteens/%d/prep-list?format=csv", w.canteenID), w.kitchen, nil)
	if !strings.HasPrefix(string(r.Raw), "\uFEFF日期,餐次") || !strings.Contains(string(r.Raw), "红烧肉×2") || !strings.Contains(string(r.Raw), "糖尿病") {
		t.Errorf("prep csv = %s", r.Raw)
	}

	// The rider's list has the phone in full, and the read is audited.
	r = w.do("GET", "/api/v1/worker/deliveries", rider, nil)
	w.want(r, 200, "")
	b := r.Body["buildings"].([]any)
	if len(b) != 1 || b[0].(map[string]any)["building_name"] != "2幢" {
		t.Fatalf("deliveries = %s", r.Raw)
	}
	stop := b[0].(map[string]any)["orders"].([]any)[0].(map[string]any)
	if stop["phone"] != "13800001234" || stop["diet_notes"] != "糖尿病" || stop["contact_phone"] != "13912345678" {
		t.Errorf("stop = %v", stop)
	}
	w.want(w.do("GET", "/api/v1/worker/deliveries", w.resident, nil), 403, "forbidden")
	r = w.do("GET", fmt.Sprintf("/api/v1/admin/persons/%d/audit", w.mother), w.staff, nil)
	if it := r.Body["items"].([]any)[0].(map[string]any); it["action"] != "phone_read" || it["capacity"] != "rider" || it["actor_user_id"] != float64(riderID) {
		t.Errorf("audit after the rider's read = %v", it)
	}
	// The rider opens the day's list again: the read of the day is on the trail once.
	reads := func() int {
		var n int
		if err := w.db.QueryRow(`SELECT COUNT(*) FROM person_audit WHERE person_id = ? AND action = 'phone_read' AND actor_user_id = ?`, w.mother, riderID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	w.want(w.do("GET", "/api/v1/worker/deliveries", rider, nil), 200, "")
	if n := reads(); n != 1 {
		t.Errorf("the rider's reads of the day's list on the trail: %d, want 1", n)
	}
	r = w.do("GET", fmt.Sprintf("/api/v1/admin/canteens/%d/delivery-list", w.canteenID), w.kitchen, nil)
	w.want(r, 200, "")

	// No answer at the door: the guardian and the grid worker of her building are alerted at once.
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/deliveries/%d/no-answer", delivery+1), rider, nil), 409, "not_delivery")
	r = w.do("POST", fmt.Sprintf("/api/v1/worker/deliveries/%d/no-answer", delivery), rider, map[string]any{"note": "敲门三次"})
	w.want(r, 200, "")
	if r.Body["status"] != "no_answer" {
		t.Errorf("no answer = %s", r.Raw)
	}
	w.want(w.do("POST", fmt.Sprintf("/api/v1/worker/deliveries/%d/delivered", delivery), rider, nil), 409, "already_recorded")
	for name, tok := range map[string]string{"guardian": w.resident, "grid worker": worker} {
		if got := w.walk("/api/v1/me/messages?limit=10", tok, "title"); len(got) == 0 || got[0] != "安危确认：送餐无人应答" {
			t.Errorf("%s inbox = %v", name, got)
		}
	}
	if got := w.walk("/api/v1/me/messages?limit=10", elsewhere, "title"); len(got) != 0 {
		t.Errorf("a worker of another grid was alerted: %v", got)
	}

	// Pick-up: once.
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/canteens/%d/redeem", w.canteenID), w.kitchen, map[string]any{"pickup_code": "12"}), 400, "invalid_request")
	wrong := "000000"
	if code == wrong {
		wrong = "000001"
	}
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/canteens/%d/redeem", w.canteenID), w.kitchen, map[string]any{"pickup_code": wrong}), 404, "not_found")
	r = w.do("POST", fmt.Sprintf("/api/v1/admin/canteens/%d/redeem", w.canteenID), w.kitchen, map[string]any{"pickup_code": code})
	w.want(r, 200, "")
	if r.Body["status"] != "served" || r.Body["person_name"] != "王小明" {
		t.Errorf("redeemed = %s", r.Raw)
	}
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/canteens/%d/redeem", w.canteenID), w.kitchen, map[string]any{"pickup_code": code}), 409, "already_served")

	// Yesterday's uncollected meal becomes a no-show, counted on the person.
	other, _ := w.login("forgetful")
	forgetful := w.onboard(other, "健忘的人")
	stale := w.id(w.book(other, slot, forgetful, "eat_in"))
	if _, err := w.db.Exec(`UPDATE meal_orders SET meal_date = ? WHERE id = ?`, time.Now().AddDate(0, 0, -2).Format(time.DateOnly), stale); err != nil {
		t.Fatal(err)
	}
	if n, err := w.app.Canteens.SweepNoShows(context.Background()); err != nil || n != 1 {
		t.Errorf("no-show sweep: %d, %v", n, err)
	}
	var status string
	var noShows int
	if err := w.db.QueryRow(`SELECT o.status, p.no_shows FROM meal_orders o JOIN persons p ON p.id = o.person_id WHERE o.id = ?`, stale).Scan(&status, &noShows); err != nil {
		t.Fatal(err)
	}
	if status != "no_show" || noShows != 1 {
		t.Errorf("stale order %s, no-shows %d", status, noShows)
	}
}

func TestSubsidyReportAndCopyWeek(t *testing.T) {
	w := newCanteenWorld(t)
	today := time.Now().In(cst.Zone).Format(time.DateOnly)
	slot, served := w.servedSubsidised(today)
	w.want(w.book(w.resident, slot, w.self, "pickup"), 201, "") // not subsidised: not in the report
	// Three more persons had the same meal served, with subsidies of 5, 6 and 7 yuan.
	for i, name := range []string{"甲老人", "乙老人", "丙老人"} {
		tok, _ := w.login(fmt.Sprintf("report-elder-%d", i))
		pid := w.onboard(tok, name)
		if _, err := w.db.Exec(`INSERT INTO meal_orders (community_id, canteen_id, slot_id, meal_date, person_id, booked_by, capacity, mode,
			status, is_active, price_fen, subsidy_fen, pay_fen, pickup_code, created_at, updated_at)
			SELECT community_id, canteen_id, slot_id, meal_date, ?, booked_by, capacity, mode, status, is_active, price_fen, subsidy_fen + ?,
			pay_fen - ?, ?, created_at, updated_at FROM meal_orders WHERE id = ?`, pid, (i+1)*100, (i+1)*100, fmt.Sprintf("9%05d", i), served); err != nil {
			t.Fatal(err)
		}
	}

	// Walked a page of two persons at a time, the report gives each person once, in order, and
	// every page the month's totals.
	month := today[:7]
	var lines []map[string]any
	cursor, pages := "", 0
	for {
		r := w.do("GET", "/api/v1/admin/subsidy-report?limit=2&month="+month+"&cursor="+cursor, w.staff, nil)
		w.want(r, 200, "")
		pages++
		if r.Body["month"] != month || r.Body["total_persons"] != float64(4) || r.Body["total_meals"] != float64(4) ||
			r.Body["total_price_fen"] != float64(6000) || r.Body["total_subsidy_fen"] != float64(2600) {
			t.Errorf("page %d totals = %s", pages, r.Raw)
		}
		for _, l := range r.Body["items"].([]any) {
			lines = append(lines, l.(map[string]any))
		}
		cursor = r.Body["next_cursor"].(string)
		if cursor == "" || pages > 3 {
			break
		}
	}
	if pages != 2 || len(lines) != 4 {
		t.Fatalf("walked %d pages, %d lines: %v", pages, len(lines), lines)
	}
	subsidy := 0.0
	for i, l := range lines {
		if i > 0 && l["person_id"].(float64) <= lines[i-1]["person_id"].(float64) {
			t.Errorf("lines out of order: %v", lines)
		}
		subsidy += l["subsidy_fen"].(float64)
	}
	if l := lines[0]; l["name"] != "王秀英" || l["id_card"] != "330702********0022" || l["meals"] != float64(1) || l["price_fen"] != float64(1500) || subsidy != 2600 {
		t.Errorf("lines = %v", lines)
	}
	r := w.do("GET", "/api/v1/admin/subsidy-report?month="+month, w.staff, nil)
	if len(r.Body["items"].([]any)) != 4 || r.Body["next_cursor"] != "" {
		t.Errorf("one page of the default size = %s", r.Raw)
	}
	w.want(w.do("GET", "/api/v1/admin/subsidy-report?limit=101&month="+month, w.staff, nil), 400, "invalid_request")
	w.want(w.do("GET", "/api/v1/admin/subsidy-report?cursor=bm8.&month="+month, w.staff, nil), 400, "invalid_request")

	// The CSV is the whole month, its totals row the sum of its lines.
	r = w.do("GET", "/api/v1/admin/subsidy-report?format=csv&month="+month, w.staff, nil)
	for _, want := range []string{"王秀英", "甲老人", "乙老人", "丙老人", "合计,,,,4,60.00,26.00"} {
		if !strings.Contains(string(r.Raw), want) {
			t.Errorf("report csv lacks %q: %s", want, r.Raw)
		}
	}
	w.want(w.do("GET", "/api/v1/admin/subsidy-report?format=csv&month=2026-13", w.staff, nil), 400, "invalid_request")

	// The month's totals are kept a while (they read the whole month); the CSV reads it now.
	if _, err := w.db.Exec(`UPDATE meal_orders SET subsidy_fen = subsidy_fen + 100 WHERE id = ?`, served); err != nil {
		t.Fatal(err)
	}
	r = w.do("GET", "/api/v1/admin/subsidy-report?month="+month, w.staff, nil)
	if r.Body["total_subsidy_fen"] != float64(2600) || r.Body["items"].([]any)[0].(map[string]any)["subsidy_fen"] != float64(600) {
		t.Errorf("report after a change = %s", r.Raw)
	}
	if r = w.do("GET", "/api/v1/admin/subsidy-report?format=csv&month="+month, w.staff, nil); !strings.Contains(string(r.Raw), "合计,,,,4,60.00,27.00") {
		t.Errorf("report csv after a change = %s", r.Raw)
	}
	w.want(w.do("GET", "/api/v1/admin/subsidy-report?month=2026-13", w.staff, nil), 400, "invalid_request")
	w.want(w.do("GET", "/api/v1/admin/subsidy-report", w.kitchen, nil), 403, "forbidden")

	// Copy this week's menu to next week.
	next := time.Now().In(cst.Zone).AddDate(0, 0, 7).Format(time.DateOnly)
	start := time.Now().In(cst.Zone).AddDate(0, 0, 1).Format(time.DateOnly)
	w.slot(map[string]any{"date": next, "meal": "dinner"}) // already there: kept
	r = w.do("POST", fmt.Sprintf("/api/v1/admin/canteens/%d/copy-week", w.canteenID), w.kitchen, map[string]any{"week_start": start})
	w.want(r, 200, "")
	items := r.Body["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["date"] != next || items[0].(map[string]any)["meal"] != "lunch" {
		t.Errorf("copied = %s", r.Raw)
	}
}

func TestCanteenStaffScope(t *testing.T) {
	w := newCanteenWorld(t)
	cid2, _ := w.community("西街社区", "1幢")
	otherStaff, _ := w.testEnv.staff("other-staff", cid2)
	slot := w.slot(nil)
	for _, c := range []struct{ method, path string }{
		{"POST", fmt.Sprintf("/api/v1/admin/canteens/%d/slots", w.canteenID)},
		{"PATCH", fmt.Sprintf("/api/v1/admin/slots/%d", slot)},
		{"POST", fmt.Sprintf("/api/v1/admin/slots/%d/close", slot)},
		{"GET", fmt.Sprintf("/api/v1/admin/canteens/%d/prep-list", w.canteenID)},
		{"GET", fmt.Sprintf("/api/v1/admin/canteens/%d/delivery-list", w.canteenID)},
		{"POST", fmt.Sprintf("/api/v1/admin/canteens/%d/redeem", w.canteenID)},
		{"POST", fmt.Sprintf("/api/v1/admin/canteens/%d/copy-week", w.canteenID)},
	} {
		w.want(w.do(c.method, c.path, w.resident, map[string]any{}), 403, "forbidden")
		if r := w.do(c.method, c.path, otherStaff, map[string]any{}); r.Status != 404 {
			t.Errorf("%s %s by another community's staff: %d %s", c.method, c.path, r.Status, r.Raw)
		}
	}
	w.want(w.do("POST", "/api/v1/admin/canteens", w.kitchen, map[string]any{"name": "二食堂"}), 403, "forbidden")

	// Canteen defaults: a later lunch cut-off applies to lunches made afterwards.
	path := fmt.Sprintf("/api/v1/admin/canteens/%d", w.canteenID)
	r := w.do("PATCH", path, w.staff, map[string]any{"cutoffs": map[string]any{"lunch": 600}, "delivery_for_all": true})
	w.want(r, 200, "")
	if r.Body["delivery_for_all"] != true || r.Body["cutoffs"].(map[string]any)["lunch"] != float64(600) || r.Body["cutoffs"].(map[string]any)["dinner"] != float64(930) {
		t.Errorf("patched canteen = %s", r.Raw)
	}
	later := w.slot(map[string]any{"date": time.Now().In(cst.Zone).AddDate(0, 0, 2).Format(time.DateOnly)})
	r = w.do("GET", fmt.Sprintf("/api/v1/canteens/%d/slots?to=%s", w.canteenID, time.Now().In(cst.Zone).AddDate(0, 0, 3).Format(time.DateOnly)), "", nil)
	for _, it := range r.Body["items"].([]any) {
		if sl := it.(map[string]any); sl["id"] == float64(later) && !strings.HasSuffix(sl["book_by"].(string), "T10:00:00+08:00") {
			t.Errorf("slot made after the change = %v", sl)
		}
	}
	for name, body := range map[string]map[string]any{
		"bad meal":    {"cutoffs": map[string]any{"supper": 600}},
		"too early":   {"cutoffs": map[string]any{"lunch": -5000}},
		"empty name":  {"name": " "},
		"wrong field": {"cutoff": 1},
	} {
		if r := w.do("PATCH", path, w.staff, body); r.Status != 400 {
			t.Errorf("%s: %d %s", name, r.Status, r.Raw)
		}
	}
	w.want(w.do("PATCH", path, w.kitchen, map[string]any{"name": "x"}), 403, "forbidden")
	w.want(w.do("PATCH", path, otherStaff, map[string]any{"name": "x"}), 404, "not_found")
	w.want(w.do("POST", "/api/v1/admin/canteens", w.staff, map[string]any{"name": "中埂邻里食堂"}), 409, "name_taken")
	w.want(w.do("POST", "/api/v1/admin/canteens", w.staff, map[string]any{"name": ""}), 400, "invalid_request")
	// A slot whose cut-off has passed may be made (API.md): it is simply closed.
	yesterday := time.Now().In(cst.Zone).AddDate(0, 0, -1).Format(time.DateOnly)
	past := w.slot(map[string]any{"date": yesterday})
	w.want(w.book(w.resident, past, w.self, "eat_in"), 409, "booking_closed")
	r = w.do("GET", fmt.Sprintf("/api/v1/canteens/%d/slots?from=%s&to=%[2]s", w.canteenID, yesterday), "", nil)
	if it := r.Body["items"].([]any); len(it) != 1 || it[0].(map[string]any)["remaining"] != float64(2) {
		t.Errorf("past slot = %s", r.Raw)
	}
	for name, over := range map[string]map[string]any{
		"bad date":   {"date": "2020-13-01"},
		"bad meal":   {"meal": "supper"},
		"no dishes":  {"dishes": []map[string]any{}},
		"zero seats": {"capacity": 0},
		"bad mode":   {"modes": []string{"drone"}},
		"bad price":  {"price_fen": -1},
		"bad cutoff": {"book_by": "tomorrow"},
	} {
		b := map[string]any{"date": w.tomorrow, "meal": "dinner", "dishes": []map[string]any{{"name": "面"}}, "capacity": 5, "price_fen": 800, "modes": []string{"eat_in"}}
		for k, v := range over {
			b[k] = v
		}
		if r := w.do("POST", fmt.Sprintf("/api/v1/admin/canteens/%d/slots", w.canteenID), w.kitchen, b); r.Status != 400 {
			t.Errorf("%s: %d %s", name, r.Status, r.Raw)
		}
	}
}

// TestPushesRetriedWhenWeChatIsDownAndLongTermUncounted: a send WeChat did not take comes back
// with backoff, its consent returned; a long-term template needs no consent.
func TestPushesRetriedWhenWeChatIsDownAndLongTermUncounted(t *testing.T) {
	w := newCanteenWorld(t)
	slot := w.slot(map[string]any{"capacity": 3})
	busy, _ := w.login("busy-wechat-resident")
	busySelf := w.onboard(busy, "钱七")
	w.accept(busy, "busy-wechat-resident", "meal_notice")
	w.want(w.book(busy, slot, busySelf, "eat_in"), 201, "")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/slots/%d/close", slot), w.kitchen, map[string]any{"reason": "停电"}), 200, "")

	clock := time.Now()
	w.app.Pushes.Now = func() time.Time { return clock }
	fake.Busy(w.openid("busy-wechat-resident"), 2)
	before := len(fake.Messages())
	for range 2 {
		if n, err := w.app.Pushes.RunOnce(context.Background(), 10); err != nil || n != 1 {
			t.Fatalf("run: %d, %v", n, err)
		}
		var status string
		var consents int
		if err := w.db.QueryRow(`SELECT status FROM push_outbox`).Scan(&status); err != nil || status != "pending" {
			t.Fatalf("after a busy WeChat: %s, %v", status, err)
		}
		if err := w.db.QueryRow(`SELECT remaining FROM subscription_consents WHERE template_id = 'meal_notice'`).Scan(&consents); err != nil || consents != 1 {
			t.Fatalf("consent not returned: %d, %v", consents, err)
		}
		// Not due again until its backoff passes.
		if n, _ := w.app.Pushes.RunOnce(context.Background(), 10); n != 0 {
			t.Fatal("retried before its backoff")
		}
		clock = clock.Add(10 * time.Minute)
	}
	if n, err := w.app.Pushes.RunOnce(context.Background(), 10); err != nil || n != 1 {
		t.Fatalf("third try: %d, %v", n, err)
	}
	delivered := 0
	for _, m := range fake.Messages()[before:] {
		if m.ToUser == w.openid("busy-wechat-resident") {
			delivered++
		}
	}
	if delivered != 1 {
		t.Errorf("delivered %d times, want once", delivered)
	}

	// Long-term: accepted once, sent again and again, the server counting nothing. The template
	// is this test's own: which templates are long-term is WeChat's (the shared fake's) setting.
	longTerm := "meal_notice_lt_" + w.tag
	fake.SetLongTerm(longTerm)
	w.app.Pushes.Templates = map[string]string{"meal_notice": longTerm}
	w.app.Pushes.LongTerm = []string{"meal_notice"}
	other, _ := w.login("long-term")
	otherSelf := w.onboard(other, "赵六")
	fake.Subscribe(w.openid("long-term"), longTerm, true)
	for _, meal := range []string{"dinner", "breakfast"} {
		s := w.slot(map[string]any{"meal": meal})
		w.want(w.book(other, s, otherSelf, "eat_in"), 201, "")
		w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/slots/%d/close", s), w.kitchen, nil), 200, "")
	}
	if n, err := w.app.Pushes.RunOnce(context.Background(), 10); err != nil || n != 2 {
		t.Fatalf("long-term run: %d, %v", n, err)
	}
	var statuses string
	if err := w.db.QueryRow(`SELECT GROUP_CONCAT(status ORDER BY id) FROM push_outbox WHERE template_key = 'meal_notice' AND user_id = (SELECT id FROM users WHERE openid = ?)`,
		w.openid("long-term")).Scan(&statuses); err != nil || statuses != "sent,sent" {
		t.Errorf("long-term pushes = %s, %v", statuses, err)
	}
	// Turned off in WeChat: the next is refused (43101), recorded, and not retried.
	fake.Subscribe(w.openid("long-term"), longTerm, false)
	s3 := w.slot(map[string]any{"meal": "lunch", "date": time.Now().In(cst.Zone).AddDate(0, 0, 2).Format(time.DateOnly)})
	w.want(w.book(other, s3, otherSelf, "eat_in"), 201, "")
	w.want(w.do("POST", fmt.Sprintf("/api/v1/admin/slots/%d/close", s3), w.kitchen, nil), 200, "")
	if n, err := w.app.Pushes.RunOnce(context.Background(), 10); err != nil || n != 1 {
		t.Fatalf("after turning off: %d, %v", n, err)
	}
	var last string
	if err := w.db.QueryRow(`SELECT status FROM push_outbox WHERE user_id = (SELECT id FROM users WHERE openid = ?) ORDER BY id DESC LIMIT 1`,
		w.openid("long-term")).Scan(&last); err != nil || last != "no_consent" {
		t.Errorf("push after turning off = %s, %v", last, err)
	}
	if n, _ := w.app.Pushes.RunOnce(context.Background(), 10); n != 0 {
		t.Errorf("a refused push was tried again (%d)", n)
	}
}

// TestBookingsWrittenInBatches holds the slot's row so that bookings queue behind the first,
// then lets go: the queued ones are written as one batch, each answered with its own order and
// pick-up code. A second batch holding a person twice is declined and written one by one.
func TestBookingsWrittenInBatches(t *testing.T) {
	w := newCanteenWorld(t)
	slot := w.slot(map[string]any{"capacity": 50})
	const users = 12
	toks, persons := make([]string, users), make([]int64, users)
	for i := range users {
		toks[i], _ = w.login(fmt.Sprintf("batch-%d", i))
		persons[i] = w.onboard(toks[i], fmt.Sprintf("居民%d", i))
	}
	burst := func(who []int) []resp {
		ctx := context.Background()
		tx, err := w.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `SELECT id FROM meal_slots WHERE id = ? FOR UPDATE`, slot); err != nil {
			t.Fatal(err)
		}
		out := make([]resp, len(who))
		var wg sync.WaitGroup
		for k, i := range who {
			wg.Go(func() { out[k] = w.book(toks[i], slot, persons[i], "eat_in") })
		}
		time.Sleep(700 * time.Millisecond) // all but the first queue behind the held row
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		return out
	}
	batched := func() (n, bookings float64) {
		for _, line := range strings.Split(string(w.do("GET", "/metrics", "", nil).Raw), "\n") {
			fmt.Sscanf(line, "linli_meal_batches_total %g", &n)
			fmt.Sscanf(line, "linli_meal_batched_bookings_total %g", &bookings)
		}
		return n, bookings
	}

	answers := burst([]int{0, 1, 2, 3, 4, 5, 6, 7})
	codes := map[string]bool{}
	for k, r := range answers {
		w.want(r, 201, "")
		var person int64
		var code, status string
		if err := w.db.QueryRow(`SELECT person_id, pickup_code, status FROM meal_orders WHERE id = ?`, w.id(r)).Scan(&person, &code, &status); err != nil {
			t.Fatal(err)
		}
		if person != persons[k] || code != r.Body["pickup_code"] || status != "booked" || codes[code] {
			t.Errorf("answer %d: order of person %d, code %s (answered %v), %s", k, person, code, r.Body["pickup_code"], status)
		}
		codes[code] = true
	}
	if n, bookings := batched(); n < 1 || bookings < 2 {
		t.Errorf("batches %v of %v bookings: the queued bookings were not written together", n, bookings)
	}
	var booked int
	if err := w.db.QueryRow(`SELECT booked FROM meal_slots WHERE id = ?`, slot).Scan(&booked); err != nil || booked != 8 {
		t.Errorf("slot booked = %d, %v", booked, err)
	}

	// A person twice in one batch: declined, then one by one: one booked, one already booked.
	before, _ := batched()
	answers = burst([]int{8, 9, 9, 10, 11})
	var got []string
	for _, r := range answers {
		got = append(got, fmt.Sprint(r.Status, r.errCode()))
	}
	sort.Strings(got)
	if strings.Join(got, ",") != "201,201,201,201,409already_booked" {
		t.Errorf("answers = %v", got)
	}
	if after, _ := batched(); after != before {
		t.Errorf("a batch with a duplicate was written (%v → %v)", before, after)
	}
	if err := w.db.QueryRow(`SELECT booked FROM meal_slots WHERE id = ?`, slot).Scan(&booked); err != nil || booked != 12 {
		t.Errorf("slot booked = %d, %v", booked, err)
	}
}

// TestStaffDeliverToo: staff may ride (the mini-program's 我的 offers them 送餐任务): they get the
// delivery list, the read audited in their capacity as rider, and record a delivery. Canteen
// staff, who cook, do not.
func TestStaffDeliverToo(t *testing.T) {
	w := newCanteenWorld(t)
	today := time.Now().In(cst.Zone).Format(time.DateOnly)
	slot := w.slot(map[string]any{"date": today, "capacity": 10, "book_by": time.Now().Add(time.Hour).Format(time.RFC3339)})
	order := w.id(w.book(w.resident, slot, w.mother, "delivery"))
	staffID := int64(w.do("GET", "/api/v1/me", w.staff, nil).Body["id"].(float64))

	r := w.do("GET", "/api/v1/worker/deliveries", w.staff, nil)
	w.want(r, 200, "")
	var list struct {
		Buildings []struct {
			Orders []struct {
				OrderID    int64  `json:"order_id"`
				PersonName string `json:"person_name"`
			} `json:"orders"`
		} `json:"buildings"`
	}
	if err := json.Unmarshal(r.Raw, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Buildings) != 1 || len(list.Buildings[0].Orders) != 1 || list.Buildings[0].Orders[0].OrderID != order {
		t.Fatalf("staff's delivery list = %s", r.Raw)
	}
	r = w.do("GET", fmt.Sprintf("/api/v1/admin/persons/%d/audit", w.mother), w.staff, nil)
	if it := r.Body["items"].([]any)[0].(map[string]any); it["action"] != "phone_read" || it["capacity"] != "rider" || it["actor_user_id"] != float64(staffID) {
		t.Errorf("audit after staff's read = %v", it)
	}
	r = w.do("POST", fmt.Sprintf("/api/v1/worker/deliveries/%d/delivered", order), w.staff, nil)
	w.want(r, 200, "")
	if r.Body["status"] != "delivered" {
		t.Errorf("delivered by staff = %s", r.Raw)
	}
	w.want(w.do("GET", "/api/v1/worker/deliveries", w.kitchen, nil), 403, "forbidden")
}
