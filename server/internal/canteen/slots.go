package canteen

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/notify"
	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/validation"
)

const (
	slotCols    = `id, community_id, canteen_id, meal_date, meal, dishes, capacity, booked, price_fen, book_by, modes, closed_at, close_reason, created_at, updated_at`
	qInsertSlot = `INSERT INTO meal_slots (community_id, canteen_id, meal_date, meal, dishes, capacity, booked, price_fen, book_by, modes, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)`
	qSlot        = `SELECT ` + slotCols + ` FROM meal_slots WHERE id = ?`
	qLockSlot    = `SELECT ` + slotCols + ` FROM meal_slots WHERE id = ? FOR UPDATE`
	qSlotsOf     = `SELECT ` + slotCols + ` FROM meal_slots WHERE canteen_id = ? AND meal_date BETWEEN ? AND ? ORDER BY meal_date, created_at, id`
	qUpdateSlot  = `UPDATE meal_slots SET dishes = ?, capacity = ?, price_fen = ?, book_by = ?, modes = ?, updated_at = ? WHERE id = ?`
	qCloseSlot   = `UPDATE meal_slots SET closed_at = ?, close_reason = ?, booked = 0, updated_at = ? WHERE id = ?`
	qSlotOrders  = `SELECT id, person_id FROM meal_orders WHERE slot_id = ? AND is_active = 1 AND status = 'booked' ORDER BY id`
	qCancelByIDs = `UPDATE meal_orders SET status = 'cancelled', is_active = NULL, outcome_note = ?, updated_at = ? WHERE id = ?`
)

func scanSlot(row interface{ Scan(...any) error }) (Slot, error) {
	var (
		s             Slot
		date          time.Time
		dishes, modes string
		closed        sql.NullTime
	)
	err := row.Scan(&s.ID, &s.CommunityID, &s.CanteenID, &date, &s.Meal, &dishes, &s.Capacity, &s.Booked, &s.PriceFen,
		&s.BookBy, &modes, &closed, &s.CloseReason, &s.CreatedAt, &s.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Slot{}, ErrNotFound
	}
	if err != nil {
		return Slot{}, err
	}
	s.Date = date.Format(time.DateOnly)
	if err := json.Unmarshal([]byte(dishes), &s.Dishes); err != nil {
		return Slot{}, fmt.Errorf("slot %d dishes: %w", s.ID, err)
	}
	s.Modes = strings.Split(modes, ",")
	if closed.Valid {
		s.ClosedAt = closed.Time
	}
	return s, nil
}

// SlotInput is what staff give for a slot. Zero BookBy takes the canteen's default cut-off.
type SlotInput struct {
	Date     string
	Meal     string
	Dishes   []Dish
	Capacity int
	PriceFen int
	BookBy   time.Time
	Modes    []string
}

func checkDishes(errs validation.Errors, dishes []Dish) []Dish {
	out := make([]Dish, 0, len(dishes))
	switch {
	case len(dishes) == 0:
		errs.Add("dishes", validation.Required)
	case len(dishes) > MaxDishes:
		errs.Add("dishes", "最多 20 道菜")
	}
	for i, d := range dishes {
		dishText.Clean(errs, fmt.Sprintf("dishes[%d].name", i), &d.Name)
		out = append(out, d)
	}
	return out
}

func checkModes(errs validation.Errors, modes []string) []string {
	out := []string{}
	for _, m := range Modes {
		if slices.Contains(modes, m) {
			out = append(out, m)
		}
	}
	for _, m := range modes {
		if !slices.Contains(Modes, m) {
			errs.Add("modes", "应为 eat_in、pickup、delivery")
		}
	}
	if len(out) == 0 {
		errs.Add("modes", validation.Required)
	}
	return out
}

func checkCapacity(errs validation.Errors, capacity int) {
	if capacity < 1 || capacity > MaxCapacity {
		errs.Add("capacity", "应为 1 到 10000 之间的整数")
	}
}

func checkPrice(errs validation.Errors, price int) {
	if price < 0 || price > MaxPriceFen {
		errs.Add("price_fen", "应为 0 到 100000 之间的整数（分）")
	}
}

// check checks a slot's input. A date or cut-off already past is allowed (API.md): the slot is
// simply closed for booking; both lie in the window of what staff schedule.
func (in *SlotInput) check(now time.Time) error {
	errs := validation.Errors{}
	window := validation.Schedule(now)
	window.Date(errs, "date", in.Date)
	if !in.BookBy.IsZero() {
		window.Time(errs, "book_by", in.BookBy)
	}
	if !slices.Contains(Meals, in.Meal) {
		errs.Add("meal", "应为 breakfast、lunch 或 dinner")
	}
	in.Dishes = checkDishes(errs, in.Dishes)
	in.Modes = checkModes(errs, in.Modes)
	checkCapacity(errs, in.Capacity)
	checkPrice(errs, in.PriceFen)
	return errs.Err()
}

// CreateSlot adds a meal to a canteen's menu.
func (s *Service) CreateSlot(ctx context.Context, c Canteen, in SlotInput) (Slot, error) {
	if err := in.check(s.now()); err != nil {
		return Slot{}, err
	}
	if in.BookBy.IsZero() {
		in.BookBy = c.DefaultBookBy(in.Date, in.Meal)
	}
	now := s.now().UTC()
	id, err := s.insertSlot(ctx, s.db, c, in, now)
	if err != nil {
		return Slot{}, err
	}
	sl, err := s.Slot(ctx, id)
	if err == nil {
		// Ready before the first burst of bookings.
		s.gate.build(ctx, sl, now)
	}
	return sl, err
}

func (s *Service) insertSlot(ctx context.Context, q execer, c Canteen, in SlotInput, now time.Time) (int64, error) {
	dishes, _ := json.Marshal(in.Dishes)
	res, err := q.ExecContext(ctx, qInsertSlot, c.CommunityID, c.ID, in.Date, in.Meal, string(dishes), in.Capacity, in.PriceFen,
		in.BookBy.UTC(), strings.Join(in.Modes, ","), now, now)
	if database.IsDuplicate(err) {
		return 0, ErrSlotExists
	}
	if err != nil {
		return 0, fmt.Errorf("insert slot: %w", err)
	}
	return res.LastInsertId()
}

// Slot returns one slot.
func (s *Service) Slot(ctx context.Context, id int64) (Slot, error) {
	sl, err := scanSlot(s.db.QueryRowContext(ctx, qSlot, id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Slot{}, fmt.Errorf("slot %d: %w", id, err)
	}
	return sl, err
}

const qSlotAndCanteen = `SELECT s.id, s.community_id, s.canteen_id, s.meal_date, s.meal, s.dishes, s.capacity, s.booked, s.price_fen,
	s.book_by, s.modes, s.closed_at, s.close_reason, s.created_at, s.updated_at,
	c.id, c.community_id, c.name, c.address, c.delivery_for_all, c.cutoff_breakfast, c.cutoff_lunch, c.cutoff_dinner, c.created_at
	FROM meal_slots s JOIN canteens c ON c.id = s.canteen_id WHERE s.id = ?`

// slotAndCanteen reads a slot and its canteen in one query.
func (s *Service) slotAndCanteen(ctx context.Context, id int64) (Slot, Canteen, error) {
	var (
		c          Canteen
		bf, lu, di int
	)
	sl, err := scanSlot(withExtra{s.db.QueryRowContext(ctx, qSlotAndCanteen, id),
		[]any{&c.ID, &c.CommunityID, &c.Name, &c.Address, &c.DeliveryForAll, &bf, &lu, &di, &c.CreatedAt}})
	if err != nil {
		if !errors.Is(err, ErrNotFound) {
			err = fmt.Errorf("slot %d: %w", id, err)
		}
		return Slot{}, Canteen{}, err
	}
	c.Cutoffs = map[string]int{Breakfast: bf, Lunch: lu, Dinner: di}
	return sl, c, nil
}

// slotTTL bounds how long a replica books against a slot's menu, modes and canteen as they
// were; the replica that edits a slot forgets its copy at once.
const slotTTL = 5 * time.Second

type cachedSlot struct {
	slot    Slot
	canteen Canteen
	at      time.Time
}

// slotCached is slotAndCanteen, kept for a few seconds: a burst of bookings reads one slot
// over and over.
func (s *Service) slotCached(ctx context.Context, id int64) (Slot, Canteen, error) {
	if v, ok := s.slots.Load(id); ok {
		if c := v.(cachedSlot); time.Since(c.at) < slotTTL {
			return c.slot, c.canteen, nil
		}
	}
	sl, c, err := s.slotAndCanteen(ctx, id)
	if err == nil {
		s.slots.Store(id, cachedSlot{slot: sl, canteen: c, at: time.Now()})
	}
	return sl, c, err
}

// withExtra scans a row whose leading columns another scanner reads, and the rest into extra.
type withExtra struct {
	row   *sql.Row
	extra []any
}

func (w withExtra) Scan(dst ...any) error { return w.row.Scan(append(dst, w.extra...)...) }

// SlotIn returns a slot of the community.
func (s *Service) SlotIn(ctx context.Context, communityID, id int64) (Slot, error) {
	sl, err := s.Slot(ctx, id)
	if err == nil && sl.CommunityID != communityID {
		return Slot{}, ErrNotFound
	}
	return sl, err
}

// Slots lists a canteen's slots from one date to another (at most 31 days), by date and meal.
func (s *Service) Slots(ctx context.Context, canteenID int64, from, to string) ([]Slot, error) {
	out, err := database.Collect(ctx, s.db, qSlotsOf, []any{canteenID, from, to}, scanSlot)
	if err != nil {
		return nil, fmt.Errorf("slots: %w", err)
	}
	slices.SortStableFunc(out, func(a, b Slot) int {
		if a.Date != b.Date {
			return strings.Compare(a.Date, b.Date)
		}
		return slices.Index(Meals, a.Meal) - slices.Index(Meals, b.Meal)
	})
	return out, nil
}

// CheckRange checks a from/to pair of dates, defaulting to the week from today.
func (s *Service) CheckRange(from, to string) (string, string, error) {
	if from == "" {
		from = s.today()
	}
	errs := validation.Errors{}
	window := validation.Records(s.now())
	f, ok := window.Date(errs, "from", from)
	if !ok {
		return "", "", errs.Err()
	}
	if to == "" {
		to = min(f.AddDate(0, 0, 6).Format(time.DateOnly), window.Last)
	}
	t, ok := window.Date(errs, "to", to)
	switch {
	case !ok:
	case t.Before(f):
		errs.Add("to", "不能早于开始日期")
	case t.Sub(f) > (MaxDays-1)*24*time.Hour:
		errs.Add("to", "最多查询 31 天")
	}
	return from, to, errs.Err()
}

// SlotPatch changes only what it sets.
type SlotPatch struct {
	Dishes   *[]Dish
	Capacity *int
	PriceFen *int
	BookBy   *time.Time
	Modes    *[]string
}

// UpdateSlot edits a slot; the capacity never goes below what is booked.
func (s *Service) UpdateSlot(ctx context.Context, communityID, id int64, p SlotPatch) (Slot, error) {
	errs := validation.Errors{}
	if p.BookBy != nil {
		validation.Schedule(s.now()).Time(errs, "book_by", *p.BookBy)
	}
	err := database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		sl, err := scanSlot(tx.QueryRowContext(ctx, qLockSlot, id))
		if err != nil {
			return err
		}
		if sl.CommunityID != communityID {
			return ErrNotFound
		}
		if p.Dishes != nil {
			sl.Dishes = checkDishes(errs, *p.Dishes)
		}
		if p.Modes != nil {
			sl.Modes = checkModes(errs, *p.Modes)
		}
		if p.Capacity != nil {
			checkCapacity(errs, *p.Capacity)
			sl.Capacity = *p.Capacity
		}
		if p.PriceFen != nil {
			checkPrice(errs, *p.PriceFen)
			sl.PriceFen = *p.PriceFen
		}
		if p.BookBy != nil {
			sl.BookBy = p.BookBy.UTC()
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if sl.Capacity < sl.Booked {
			return ErrCapacityBelow
		}
		dishes, _ := json.Marshal(sl.Dishes)
		_, err = tx.ExecContext(ctx, qUpdateSlot, string(dishes), sl.Capacity, sl.PriceFen, sl.BookBy, strings.Join(sl.Modes, ","),
			s.now().UTC(), id)
		return err
	})
	if err != nil {
		return Slot{}, err
	}
	s.slots.Delete(id)
	s.gate.forget(ctx, id)
	return s.Slot(ctx, id)
}

// CloseSlot closes a slot: its orders are cancelled and each person's guardians (or the person)
// are told, in the inbox and by push where they consented.
func (s *Service) CloseSlot(ctx context.Context, staffID, communityID, id int64, reason string) (Slot, error) {
	if err := noteText.Check("reason", &reason); err != nil {
		return Slot{}, err
	}
	now := s.now().UTC()
	err := database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		sl, err := scanSlot(tx.QueryRowContext(ctx, qLockSlot, id))
		if err != nil {
			return err
		}
		if sl.CommunityID != communityID {
			return ErrNotFound
		}
		if sl.Closed() {
			return nil
		}
		orders, err := database.Int64Pairs(ctx, tx, qSlotOrders, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, qCloseSlot, now, reason, now, id); err != nil {
			return fmt.Errorf("close slot %d: %w", id, err)
		}
		c, err := scanCanteen(tx.QueryRowContext(ctx, qCanteen, sl.CanteenID))
		if err != nil {
			return err
		}
		body := fmt.Sprintf("%s %s %s 停止供应，订单已取消。", c.Name, sl.Date, mealNames[sl.Meal])
		if reason != "" {
			body += "原因：" + reason
		}
		for _, o := range orders {
			if _, err := tx.ExecContext(ctx, qCancelByIDs, "停餐："+reason, now, o[0]); err != nil {
				return fmt.Errorf("cancel order %d: %w", o[0], err)
			}
			if err := s.tellPerson(ctx, tx, o[1], fmt.Sprintf("slot_closed:%d", o[0]), notify.Message{
				CommunityID: communityID, Kind: "meal_cancelled", Title: "订餐已取消", Body: body, Page: "/pages/canteen/orders/index", CreatedAt: now,
			}, &notify.Push{TemplateKey: "meal_notice", Page: "/pages/canteen/orders/index", Data: map[string]string{
				"thing1": c.Name, "time2": sl.Date, "thing3": "停止供应，订单已取消",
			}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Slot{}, err
	}
	s.slots.Delete(id)
	s.gate.forget(ctx, id)
	return s.Slot(ctx, id)
}

var mealNames = map[string]string{Breakfast: "早餐", Lunch: "午餐", Dinner: "晚餐"}

// tellPerson tells a person's account and every guardian (approved or pending).
func (s *Service) tellPerson(ctx context.Context, tx *sql.Tx, personID int64, dedup string, m notify.Message, push *notify.Push) error {
	users, err := person.Watchers(ctx, tx, personID)
	if err != nil {
		return err
	}
	for _, uid := range users {
		if err := notify.Tell(ctx, tx, uid, dedup, m, push); err != nil {
			return err
		}
	}
	return nil
}

// CopyWeek copies the menu of the 7 days before weekStart to weekStart and the 6 days after,
// with the canteen's default cut-offs; meals already on the menu are kept. It answers the new
// slots.
func (s *Service) CopyWeek(ctx context.Context, c Canteen, weekStart string) ([]Slot, error) {
	// The whole week it fills lies in the window of what staff schedule.
	errs := validation.Errors{}
	window := validation.Schedule(s.now())
	start, ok := window.Date(errs, "week_start", weekStart)
	if ok && !window.Has(start.AddDate(0, 0, 6).Format(time.DateOnly)) {
		errs.Add("week_start", fmt.Sprintf("这一周应在 %s 到 %s 之间", window.First, window.Last))
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	from := start.AddDate(0, 0, -7).Format(time.DateOnly)
	to := start.AddDate(0, 0, -1).Format(time.DateOnly)
	last, err := s.Slots(ctx, c.ID, from, to)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	var created []int64
	for _, sl := range last {
		d, _ := time.Parse(time.DateOnly, sl.Date)
		date := d.AddDate(0, 0, 7).Format(time.DateOnly)
		in := SlotInput{Date: date, Meal: sl.Meal, Dishes: sl.Dishes, Capacity: sl.Capacity, PriceFen: sl.PriceFen,
			BookBy: c.DefaultBookBy(date, sl.Meal), Modes: sl.Modes}
		id, err := s.insertSlot(ctx, s.db, c, in, now)
		if errors.Is(err, ErrSlotExists) {
			continue
		}
		if err != nil {
			return nil, err
		}
		created = append(created, id)
	}
	out := make([]Slot, 0, len(created))
	for _, id := range created {
		sl, err := s.Slot(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, sl)
	}
	return out, nil
}
