package history

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/linli/linli/server/internal/canteen"
	"github.com/linli/linli/server/internal/cst"
	"github.com/linli/linli/server/internal/person"
)

// mealsDone is what the meals leave for the persons and the reports.
type mealsDone struct {
	// noShows counts each person's meals never collected (persons.no_shows), by person index.
	noShows []int32
	// reads are the delivery lists riders opened: each audits the phone numbers on it.
	reads []phoneRead
	// unanswered are the deliveries nobody answered: each raised a safety alert.
	unanswered []unanswered
}

type phoneRead struct {
	person, rider int
	at            time.Time
	note          string
}

type unanswered struct {
	orderID      int64
	person, comm int
	rider        int
	at           time.Time
	what         string
}

// diners are a community's persons who eat at its canteens, drawn in proportion to how often
// they come: a few regulars eat most meals, most come now and then or rarely.
type diners struct {
	persons []int     // person indexes
	cum     []float64 // cumulative weights
	home    []int8    // the canteen each mostly eats at
}

func (w *world) diners(r *rand.Rand, c *comm) *diners {
	d := &diners{}
	total := 0.0
	for _, pi := range c.persons {
		p := &w.persons[pi]
		if !w.elder(p) && (p.born.After(w.now.AddDate(-18, 0, 0)) || !chance(r, 0.1)) {
			continue
		}
		weight := 0.5
		switch x := r.Float64(); {
		case x < 0.03:
			weight = 100
		case x < 0.23:
			weight = 5
		}
		total += weight
		home := int8(0)
		if x := r.Float64(); x > 0.5 {
			home = 1 + int8(min(1, int((x-0.5)/0.3)))
		}
		d.persons, d.cum, d.home = append(d.persons, pi), append(d.cum, total), append(d.home, home%int8(len(c.canteens)))
	}
	return d
}

func (d *diners) draw(r *rand.Rand) int {
	x := r.Float64() * d.cum[len(d.cum)-1]
	return sort.SearchFloat64s(d.cum, x)
}

// Meals of a day: their share of the orders, when they are eaten (Asia/Shanghai), and price.
var meals = []struct {
	name   string
	share  float64
	at     time.Duration
	price  [3]int
	modes  []string
	cutoff int
}{
	{canteen.Breakfast, 0.2, 7*time.Hour + 30*time.Minute, [3]int{500, 400, 400}, []string{canteen.EatIn, canteen.Pickup}, -240},
	{canteen.Lunch, 0.55, 11*time.Hour + 30*time.Minute, [3]int{1500, 1200, 1200}, canteen.Modes, 570},
	{canteen.Dinner, 0.25, 17*time.Hour + 30*time.Minute, [3]int{1200, 1000, 1000}, canteen.Modes, 930},
}

var mealNames = map[string]string{canteen.Breakfast: "早餐", canteen.Lunch: "午餐", canteen.Dinner: "晚餐"}

var orderNotes = []string{"少放辣", "米饭少一点", "不要葱", "帮忙切碎一点"}

var (
	tSlots  = newTable("meal_slots", "id", "community_id", "canteen_id", "meal_date", "meal", "dishes", "capacity", "booked", "price_fen", "book_by", "modes", "closed_at", "close_reason", "created_at", "updated_at")
	tOrders = newTable("meal_orders", "id", "community_id", "canteen_id", "slot_id", "meal_date", "person_id", "booked_by", "capacity", "mode",
		"note", "status", "is_active", "price_fen", "subsidy_fen", "pay_fen", "subsidy_note", "pickup_code", "outcome_note", "outcome_by",
		"outcome_at", "created_at", "updated_at")
)

// writeMeals writes every canteen's meal slots from two years ago to a week ahead, and the
// orders booked for them: in the past served, delivered, cancelled, not collected (no_show) or
// not answered at the door; today and ahead booked or cancelled.
func (w *world) writeMeals(s *sink, in *inbox) mealsDone {
	r := rng(3)
	md := mealsDone{noShows: make([]int32, len(w.persons))}
	slots, orders := s.batch(tSlots), s.batch(tOrders)
	today := cst.Today(w.now)
	todayStart, _ := time.ParseInLocation(time.DateOnly, today, cst.Zone)
	weight := func(d int) float64 {
		day := todayStart.AddDate(0, 0, d)
		x := 1.3
		if d < 0 {
			x = 0.7 + 0.6*float64(d+days)/days
		}
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			x *= 0.8
		}
		if d > 0 {
			x *= []float64{1, 0.8, 0.5, 0.35, 0.25, 0.15, 0.1, 0.05}[min(d, ahead)]
		}
		return x
	}
	sum := 0.0
	for d := -days; d <= ahead; d++ {
		sum += weight(d)
	}
	perDay := float64(scaled(volOrders, w.o.Scale, 1)) / float64(len(w.comms)) / sum
	pools := make([]*diners, len(w.comms))
	for ci, c := range w.comms {
		pools[ci] = w.diners(r, c)
	}
	inSlot := map[int]bool{}
	var told []message
	for d := -days; d <= ahead; d++ {
		day := todayStart.AddDate(0, 0, d)
		date := day.Format(time.DateOnly)
		for ci, c := range w.comms {
			pool := pools[ci]
			used := map[int]int{} // subsidised meals of each person that day
			for ki, ct := range c.canteens {
				code, codeBase := 0, r.IntN(1000000)
				delivered := map[int]bool{}
				rider := pick(r, c.riders)
				for _, ml := range meals {
					slotID := w.ids.next("meal_slots")
					mealAt := day.Add(ml.at)
					bookBy := day.Add(time.Duration(ml.cutoff) * time.Minute)
					opened := maxTime(ct.createdAt, day.AddDate(0, 0, -7).Add(minutes(r.IntN(600))))
					price := ml.price[ki%3]
					sl := canteen.Slot{ID: slotID, Date: date, PriceFen: price}
					var closed time.Time
					reason := ""
					if d < 0 && chance(r, 0.003) {
						closed, reason = day.Add(-minutes(60+r.IntN(1200))), pick(r, closeReasons)
					}
					expected := perDay * weight(d) * ct.share * ml.share
					n := int(expected*(0.85+0.3*r.Float64()) + r.Float64())
					clear(inSlot)
					live := 0
					for range n {
						if len(pool.persons) == 0 {
							break
						}
						var pi int
						found := false
						for range 60 {
							k := pool.draw(r)
							pi = pool.persons[k]
							p := &w.persons[pi]
							if inSlot[pi] || !p.createdAt.Before(minTime(bookBy, w.now)) || (int(pool.home[k]) != ki && !chance(r, 0.2)) {
								continue
							}
							found = true
							break
						}
						if !found {
							continue
						}
						inSlot[pi] = true
						p := &w.persons[pi]
						created := between(r, maxTime(opened, p.createdAt.Add(time.Minute)), minTime(bookBy, w.now))
						by, capacity := w.booker(r, c, pi, created)
						mode := canteen.EatIn
						switch x := r.Float64(); {
						case (p.livingAlone || p.care != person.CareSelf) && x < 0.7:
							mode = canteen.Delivery
						case x > 0.75:
							mode = canteen.Pickup
						}
						if mode == canteen.Delivery && len(ml.modes) < 3 {
							mode = canteen.Pickup
						}
						note := ""
						if chance(r, 0.03) {
							note = pick(r, orderNotes)
						}
						status, outcomeNote, outcomeBy, outcomeAt, updated := canteen.StatusBooked, "", -1, time.Time{}, created
						past := d < 0 || (d == 0 && mealAt.Add(time.Hour).Before(w.now))
						switch {
						case !closed.IsZero():
							status, outcomeNote, updated = canteen.StatusCancelled, "停餐："+reason, closed
						case chance(r, 0.07):
							status, updated = canteen.StatusCancelled, between(r, created, minTime(bookBy, w.now))
						case !past:
						case mode == canteen.Delivery && chance(r, 0.007):
							status, outcomeNote, outcomeBy, outcomeAt = canteen.StatusNoAnswer, "敲门无人应答", rider, mealAt.Add(minutes(10+r.IntN(60)))
						case mode == canteen.Delivery:
							status, outcomeBy, outcomeAt = canteen.StatusDelivered, rider, mealAt.Add(minutes(10+r.IntN(60)))
						case d < 0 && chance(r, 0.05):
							status, updated = canteen.StatusNoShow, day.AddDate(0, 0, 1).Add(minutes(1))
							md.noShows[pi]++
						default:
							status, outcomeBy, outcomeAt = canteen.StatusServed, pick(r, c.kitchen), mealAt.Add(minutes(r.IntN(60)))
						}
						if !outcomeAt.IsZero() {
							updated = outcomeAt
						}
						pp := person.Person{Details: person.Details{BirthDate: p.birth}, SubsidyStatus: p.subsidy}
						if !p.verifiedAt.IsZero() && p.verifiedAt.Before(created) {
							pp.VerifiedAt = p.verifiedAt
						}
						q, _ := canteen.Price(c.rules, pp, sl, used[pi])
						active := int64(1)
						if status == canteen.StatusCancelled {
							active = 0
						} else {
							live++
							if q.SubsidyFen > 0 {
								used[pi]++
							}
							if mode == canteen.Delivery {
								delivered[pi] = true
							}
						}
						id := w.ids.next("meal_orders")
						var outcomeUser int64
						if outcomeBy >= 0 {
							outcomeUser = w.users[outcomeBy].id
						}
						orders.Row().Int(id).Int(c.id).Int(ct.id).Int(slotID).Date(date).Int(p.id).Int(w.users[by].id).Str(capacity).
							Str(mode).Str(note).Str(status).ID(active).Int(int64(q.PriceFen)).Int(int64(q.SubsidyFen)).Int(int64(q.PayFen)).
							Str(q.SubsidyNote).Str(fmt.Sprintf("%06d", (7919*code+codeBase)%1000000)).Str(outcomeNote).ID(outcomeUser).
							Time(outcomeAt).Time(created).Time(updated).End()
						code++
						if status == canteen.StatusNoAnswer {
							md.unanswered = append(md.unanswered, unanswered{orderID: id, person: pi, comm: ci, rider: rider, at: outcomeAt,
								what: day.Format("01-02") + " " + mealNames[ml.name] + "送餐"})
						}
						if !closed.IsZero() {
							for _, u := range w.watchers(pi, closed) {
								told = append(told, message{at: closed, user: u, comm: ci, dedup: fmt.Sprintf("slot_closed:%d", id),
									kind: "meal_cancelled", title: "订餐已取消", page: "/pages/canteen/orders/index",
									body: fmt.Sprintf("%s %s %s 停止供应，订单已取消。原因：%s", ct.name, date, mealNames[ml.name], reason),
									push: &push{template: "meal_notice", data: map[string]string{"thing1": ct.name, "time2": date, "thing3": "停止供应，订单已取消"}}})
							}
						}
					}
					capacity := max(20, (int(expected*1.4)/10+1)*10, live)
					booked := live
					if !closed.IsZero() {
						booked = 0
					}
					slotUpdated := opened
					if !closed.IsZero() {
						slotUpdated = closed
					}
					slots.Row().Int(slotID).Int(c.id).Int(ct.id).Date(date).Str(ml.name).Str(dishes(r, ml.name)).Int(int64(capacity)).
						Int(int64(booked)).Int(int64(price)).Time(bookBy).Str(strings.Join(ml.modes, ",")).Time(closed).Str(reason).
						Time(opened).Time(slotUpdated).End()
				}
				// The rider opened the day's delivery list before lunch: every phone on it is audited.
				if readAt := day.Add(11 * time.Hour); len(delivered) > 0 && readAt.Before(w.now) {
					note := "送餐名单 " + date
					for _, pi := range sortedKeys(delivered) {
						md.reads = append(md.reads, phoneRead{person: pi, rider: rider, at: readAt, note: note})
					}
				}
			}
		}
	}
	slots.Flush()
	orders.Flush()
	in.add(told)
	return md
}

// booker is who booked a person's meal at t, and in what capacity (person.ActFor's).
func (w *world) booker(r *rand.Rand, c *comm, pi int, t time.Time) (int, string) {
	p := &w.persons[pi]
	if p.owner >= 0 {
		return p.owner, string(person.CapSelf)
	}
	for _, g := range p.guardians {
		if g.kind != person.KindRegister || g.askedAt.After(t) {
			continue
		}
		if g.approved(t) {
			return g.user, string(person.CapGuardian)
		}
		return g.user, string(person.CapPendingGuardian)
	}
	return pick(r, c.staff), string(person.CapStaff)
}

func dishes(r *rand.Rand, meal string) string {
	pool, n := mainDishes, 4
	if meal == canteen.Breakfast {
		pool, n = breakfastDishes, 3
	}
	out := make([]canteen.Dish, 0, n+1)
	for _, i := range r.Perm(len(pool))[:n] {
		out = append(out, canteen.Dish{Name: pool[i]})
	}
	if meal != canteen.Breakfast {
		out = append(out, canteen.Dish{Name: "米饭"})
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func sortedKeys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}
