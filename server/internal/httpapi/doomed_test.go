package httpapi_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/linli/linli/server/internal/redistest"
)

// gateWatch watches the seat gates (keys "<prefix>seats:{slot}") through a Redis client of the
// test's own: after each command that names one, it reads the gate's value (through another
// client) and keeps it, so a test sees every value a gate took, however briefly.
type gateWatch struct {
	prefix string
	read   *redis.Client
	mu     sync.Mutex
	values map[string][]string
}

func (g *gateWatch) note(ctx context.Context, cmds ...redis.Cmder) {
	for _, c := range cmds {
		for _, a := range c.Args() {
			if key, ok := a.(string); ok && strings.HasPrefix(key, g.prefix+"seats:") {
				v, _ := g.read.Get(ctx, key).Result()
				g.mu.Lock()
				g.values[key] = append(g.values[key], v)
				g.mu.Unlock()
			}
		}
	}
}

// seen answers the values a slot's gate took since the last call.
func (g *gateWatch) seen(slot int64) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	key := fmt.Sprintf("%sseats:{%d}", g.prefix, slot)
	out := g.values[key]
	delete(g.values, key)
	return out
}

func (g *gateWatch) DialHook(next redis.DialHook) redis.DialHook { return next }

func (g *gateWatch) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		g.note(ctx, cmd)
		return err
	}
}

func (g *gateWatch) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		g.note(ctx, cmds...)
		return err
	}
}

// TestDoomedBookingsLeaveTheLastSeatsAlone: a booking that will be refused whatever the seats (a
// person the caller may not act for, a missing one, another community's, a mode the person may
// not have) never holds one of a slot's last seats, not even for the moment before it is
// refused: taking a token first and giving it back made a loop of them turn a free seat away as
// full. The table runs against a slot with one seat left and one with the reserve left.
func TestDoomedBookingsLeaveTheLastSeatsAlone(t *testing.T) {
	t.Parallel()
	read, _ := redistest.New(t)
	watch := &gateWatch{read: read, values: map[string][]string{}}
	w := newCanteenWorldTB(t, options{redisHook: watch})
	watch.prefix = w.prefix
	west, westBs := w.community("西街社区", "1幢")
	westerner, _ := w.login("westerner")
	r := w.do("PUT", "/api/v1/me/profile", westerner, map[string]any{"name": "西街居民", "community_id": west, "building_id": westBs[0], "unit": "1", "room": "1"})
	w.want(r, 200, "")
	westSelf := int64(r.Body["person_id"].(float64))
	stranger, _ := w.login("stranger")
	w.onboard(stranger, "陌生人")

	tests := []struct {
		name     string
		tok      string
		person   int64
		mode     string
		wantCode string
	}{
		{"another's person", stranger, w.mother, "eat_in", "not_found"},
		{"a missing person", stranger, 99999999, "eat_in", "not_found"},
		{"another community's person", westerner, westSelf, "eat_in", "not_found"},
		{"a mode not allowed", w.resident, w.self, "delivery", "mode_not_allowed"},
	}
	for meal, seats := range map[string]int{"lunch": 1, "dinner": 10} {
		slot := w.slot(map[string]any{"capacity": seats, "meal": meal})
		free := fmt.Sprint(seats)
		for _, tt := range tests {
			watch.seen(slot)
			r := w.book(tt.tok, slot, tt.person, tt.mode)
			if r.errCode() != tt.wantCode {
				t.Errorf("%d seats, %s: got %d %s, want %s", seats, tt.name, r.Status, r.Raw, tt.wantCode)
			}
			for _, v := range watch.seen(slot) {
				if v != free {
					t.Errorf("%d seats, %s: while it was refused the gate showed %s seats free, want %s throughout", seats, tt.name, v, free)
				}
			}
		}
		// The watch does see a seat taken: a booking that can happen takes it through the gate.
		w.want(w.book(w.resident, slot, w.self, "eat_in"), 201, "")
		if got, want := watch.seen(slot), fmt.Sprint(seats-1); !slices.Contains(got, want) {
			t.Errorf("%d seats: a booking went through, the gate showed %v, want %s among them", seats, got, want)
		}
	}
}

// TestBookingsLimitedPerUser: a user books at most BookingsPerMinute times a minute (429
// rate_limited beyond), far above what a family does; others are not affected, and the next
// minute the user books again.
func TestBookingsLimitedPerUser(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Now()}
	w := newCanteenWorldTB(t, options{now: clk.Now})
	slot := w.slot(map[string]any{"capacity": 5})
	order := w.id(w.book(w.resident, slot, w.self, "eat_in"))
	for i := 1; i < 30; i++ {
		// Refused bookings count as much as successful ones.
		w.want(w.book(w.resident, slot, w.self, "eat_in"), 409, "already_booked")
	}
	w.want(w.book(w.resident, slot, w.mother, "eat_in"), 429, "rate_limited")
	other, _ := w.login("other")
	w.want(w.book(other, slot, w.onboard(other, "邻居"), "eat_in"), 201, "")
	// Cancelling is not limited.
	w.want(w.do("POST", fmt.Sprintf("/api/v1/meal-orders/%d/cancel", order), w.resident, nil), 200, "")
	clk.Add(time.Minute)
	w.want(w.book(w.resident, slot, w.mother, "eat_in"), 201, "")
}

// TestDoomedBurstLeavesTheLastSeat: a burst of bookings bound to be refused (another's person),
// more at once than are checked before they take a seat, never makes a slot's last free seat
// answer slot_full to a booking that can happen, sent in the middle of the burst, round after
// round.
func TestDoomedBurstLeavesTheLastSeat(t *testing.T) {
	t.Parallel()
	w := newCanteenWorldTB(t)
	day, err := time.Parse(time.DateOnly, w.tomorrow)
	if err != nil {
		t.Fatal(err)
	}
	const burst, rounds = 30, 6
	for round := range rounds {
		slot := w.slot(map[string]any{"capacity": 1, "date": day.AddDate(0, 0, round).Format(time.DateOnly)})
		stranger, _ := w.login(fmt.Sprintf("stranger-%d", round))
		w.onboard(stranger, "陌生人")
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			codes = map[string]int{}
			legit resp
		)
		for i := range burst {
			wg.Go(func() {
				r := w.book(stranger, slot, w.mother, "eat_in")
				mu.Lock()
				codes[r.errCode()]++
				mu.Unlock()
			})
			if i == burst/3 {
				wg.Go(func() { legit = w.book(w.resident, slot, w.self, "eat_in") })
			}
		}
		wg.Wait()
		if legit.Status != 201 {
			t.Errorf("round %d: the booking for the last seat got %d %s during a doomed burst (%v)", round, legit.Status, legit.Raw, codes)
		}
		// Once the seat is taken the gate answers the rest as full, unchecked.
		if codes["not_found"]+codes["rate_limited"]+codes["slot_full"] != burst || codes["not_found"] == 0 {
			t.Errorf("round %d: the doomed bookings answered %v", round, codes)
		}
	}
}
