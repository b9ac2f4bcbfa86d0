package canteen

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/linli/linli/server/internal/cst"
	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/safety"
	"github.com/linli/linli/server/internal/validation"
)

// PrepSlot is what the kitchen makes for one slot.
type PrepSlot struct {
	SlotID int64
	Meal   string
	Total  int
	ByMode map[string]int
	Dishes []DishCount
	Notes  []PrepNote
}

// DishCount is how many portions of a dish.
type DishCount struct {
	Name  string
	Count int
}

// PrepNote is an order the kitchen must mind: a person's diet notes or the order's note.
type PrepNote struct {
	OrderID    int64
	PersonName string
	Mode       string
	DietNotes  string
	Note       string
}

// live are the statuses of orders the kitchen cooks for.
const live = `o.status IN ('booked', 'served', 'delivered', 'no_answer', 'no_show')`

const qPrepOrders = `SELECT o.id, o.slot_id, o.mode, o.note, COALESCE(p.name, ''), COALESCE(p.diet_notes, '')
	FROM meal_orders o LEFT JOIN persons p ON p.id = o.person_id
	WHERE o.canteen_id = ? AND o.meal_date = ? AND ` + live + ` ORDER BY o.created_at, o.id`

// PrepList is the kitchen's list for a canteen's day.
func (s *Service) PrepList(ctx context.Context, c Canteen, date string) ([]PrepSlot, error) {
	slots, err := s.Slots(ctx, c.ID, date, date)
	if err != nil {
		return nil, err
	}
	out := make([]PrepSlot, 0, len(slots))
	index := map[int64]int{}
	for _, sl := range slots {
		index[sl.ID] = len(out)
		ps := PrepSlot{SlotID: sl.ID, Meal: sl.Meal, ByMode: map[string]int{EatIn: 0, Pickup: 0, Delivery: 0}, Notes: []PrepNote{}}
		for _, d := range sl.Dishes {
			ps.Dishes = append(ps.Dishes, DishCount{Name: d.Name})
		}
		out = append(out, ps)
	}
	rows, err := s.db.QueryContext(ctx, qPrepOrders, c.ID, date)
	if err != nil {
		return nil, fmt.Errorf("prep list: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			n      PrepNote
			slotID int64
		)
		if err := rows.Scan(&n.OrderID, &slotID, &n.Mode, &n.Note, &n.PersonName, &n.DietNotes); err != nil {
			return nil, err
		}
		i, ok := index[slotID]
		if !ok {
			continue
		}
		ps := &out[i]
		ps.Total++
		ps.ByMode[n.Mode]++
		if n.DietNotes != "" || n.Note != "" {
			ps.Notes = append(ps.Notes, n)
		}
	}
	for i := range out {
		for j := range out[i].Dishes {
			out[i].Dishes[j].Count = out[i].Total
		}
	}
	return out, rows.Err()
}

// Stop is one delivery on a rider's list. Phone is in full: the rider must be able to call.
type Stop struct {
	OrderID      int64
	CanteenName  string
	Meal         string
	PersonID     int64
	PersonName   string
	BuildingID   int64
	BuildingName string
	Unit         string
	Room         string
	Phone        string
	ContactName  string
	ContactPhone string
	DietNotes    string
	Note         string
	Status       string
}

const qDeliveries = `SELECT o.id, COALESCE(c.name, ''), COALESCE(s.meal, ''), o.person_id, o.note, o.status FROM meal_orders o
	LEFT JOIN canteens c ON c.id = o.canteen_id LEFT JOIN meal_slots s ON s.id = o.slot_id
	WHERE o.community_id = ? AND o.meal_date = ? AND o.mode = 'delivery' AND (o.canteen_id = ? OR ? = 0) AND ` + live

// Deliveries lists a day's delivery orders of a community (or of one canteen), sorted by
// building, unit and room, and audits that the reader saw each person's phone.
func (s *Service) Deliveries(ctx context.Context, readerID, communityID, canteenID int64, date string, capacity person.Capacity) ([]Stop, error) {
	rows, err := s.db.QueryContext(ctx, qDeliveries, communityID, date, canteenID, canteenID)
	if err != nil {
		return nil, fmt.Errorf("deliveries: %w", err)
	}
	var stops []Stop
	for rows.Next() {
		var st Stop
		if err := rows.Scan(&st.OrderID, &st.CanteenName, &st.Meal, &st.PersonID, &st.Note, &st.Status); err != nil {
			rows.Close()
			return nil, err
		}
		stops = append(stops, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	seen := make([]int64, 0, len(stops))
	for _, st := range stops {
		seen = append(seen, st.PersonID)
	}
	slices.Sort(seen)
	seen = slices.Compact(seen)
	persons, err := s.persons.ManyInCommunity(ctx, communityID, seen)
	if err != nil {
		return nil, err
	}
	for i := range stops {
		st := &stops[i]
		p := persons[st.PersonID]
		st.PersonName, st.BuildingID, st.BuildingName, st.Unit, st.Room = p.Name, p.BuildingID, p.BuildingName, p.Unit, p.Room
		st.Phone, st.DietNotes = p.Phone, p.DietNotes
		if len(p.Contacts) > 0 {
			st.ContactName, st.ContactPhone = p.Contacts[0].Name, p.Contacts[0].Phone
		}
	}
	// By address, and in the order booked within one.
	slices.SortFunc(stops, func(a, b Stop) int {
		if c := strings.Compare(a.BuildingName+"\x00"+a.Unit+"\x00"+a.Room, b.BuildingName+"\x00"+b.Unit+"\x00"+b.Room); c != 0 {
			return c
		}
		return cmp.Compare(a.OrderID, b.OrderID)
	})
	if err := s.persons.RecordReads(ctx, readerID, communityID, capacity, seen, "送餐名单 "+date); err != nil {
		return nil, err
	}
	return stops, nil
}

const (
	qLockDelivery = `SELECT community_id, person_id, mode, status FROM meal_orders WHERE id = ? FOR UPDATE`
	qOutcome      = `UPDATE meal_orders SET status = ?, outcome_note = ?, outcome_by = ?, outcome_at = ?, updated_at = ? WHERE id = ?`
	qOrderMeal    = `SELECT o.meal_date, s.meal FROM meal_orders o JOIN meal_slots s ON s.id = o.slot_id WHERE o.id = ?`
)

// RecordDelivery records a rider's outcome for a delivery order: delivered, or no answer at the
// door. No answer raises a safety alert (安危确认, package safety) in the same transaction.
func (s *Service) RecordDelivery(ctx context.Context, riderID, communityID, orderID int64, delivered bool, note string) (Order, error) {
	if err := noteText.Check("note", &note); err != nil {
		return Order{}, err
	}
	now := s.now().UTC()
	err := database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		var (
			community, personID int64
			mode, status        string
		)
		err := tx.QueryRowContext(ctx, qLockDelivery, orderID).Scan(&community, &personID, &mode, &status)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && community != communityID) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("lock order %d: %w", orderID, err)
		}
		switch {
		case mode != Delivery:
			return ErrNotDelivery
		case status == StatusCancelled:
			return ErrNotFound
		case status != StatusBooked:
			return ErrOutcomeRecorded
		}
		outcome := StatusDelivered
		if !delivered {
			outcome = StatusNoAnswer
		}
		if _, err := tx.ExecContext(ctx, qOutcome, outcome, note, riderID, now, now, orderID); err != nil {
			return fmt.Errorf("record delivery %d: %w", orderID, err)
		}
		if delivered {
			return nil
		}
		return s.alertNoAnswer(ctx, tx, communityID, orderID, personID, riderID, note, now)
	})
	if err != nil {
		return Order{}, err
	}
	return s.Order(ctx, orderID)
}

// alertNoAnswer raises the safety alert of a delivery nobody answered, in the transaction that
// records it.
func (s *Service) alertNoAnswer(ctx context.Context, tx *sql.Tx, communityID, orderID, personID, riderID int64, note string, now time.Time) error {
	var (
		day  time.Time
		meal string
	)
	if err := tx.QueryRowContext(ctx, qOrderMeal, orderID).Scan(&day, &meal); err != nil {
		return fmt.Errorf("meal of order %d: %w", orderID, err)
	}
	_, err := s.alerts.Raise(ctx, tx, safety.Raise{CommunityID: communityID, PersonID: personID, OrderID: orderID, RiderID: riderID,
		What: day.Format("01-02") + " " + mealNames[meal] + "送餐", Note: note}, now)
	return err
}

var codePattern = regexp.MustCompile(`^[0-9]{6}$`)

const (
	qByCode     = `SELECT id, mode, status FROM meal_orders WHERE canteen_id = ? AND meal_date = ? AND pickup_code = ? AND is_active = 1 FOR UPDATE`
	qServeOrder = `UPDATE meal_orders SET status = 'served', outcome_by = ?, outcome_at = ?, updated_at = ? WHERE id = ?`
)

// Redeem closes today's order with the pick-up code at the canteen's counter, once.
func (s *Service) Redeem(ctx context.Context, staffID int64, c Canteen, code string) (Order, error) {
	code = strings.TrimSpace(code)
	if !codePattern.MatchString(code) {
		return Order{}, validation.Field("pickup_code", "取餐码为 6 位数字")
	}
	now := s.now().UTC()
	var id int64
	err := database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		var mode, status string
		err := tx.QueryRowContext(ctx, qByCode, c.ID, s.today(), code).Scan(&id, &mode, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("redeem: %w", err)
		}
		switch {
		case status == StatusServed:
			return ErrAlreadyServed
		case mode == Delivery || status != StatusBooked:
			return ErrNotFound
		}
		_, err = tx.ExecContext(ctx, qServeOrder, staffID, now, now, id)
		return err
	})
	if err != nil {
		return Order{}, err
	}
	return s.Order(ctx, id)
}

const (
	// qStale reads, through idx_meal_orders_status_day, booked orders of past days only.
	qStale = `SELECT id, person_id FROM meal_orders WHERE status = 'booked' AND meal_date < ? AND mode IN ('eat_in', 'pickup')
		LIMIT ?`
	qNoShow      = `UPDATE meal_orders SET status = 'no_show', updated_at = ? WHERE id = ? AND status = 'booked'`
	qCountNoShow = `UPDATE persons SET no_shows = no_shows + 1 WHERE id = ?`
)

// SweepNoShows marks orders to eat in or pick up that nobody collected by the end of their day
// as no_show, and counts them on the person. It answers how many it marked.
func (s *Service) SweepNoShows(ctx context.Context) (int, error) {
	now := s.now().UTC()
	marked := 0
	for {
		batch, err := database.Int64Pairs(ctx, s.db, qStale, s.today(), sweepBatch)
		if err != nil || len(batch) == 0 {
			return marked, err
		}
		for _, o := range batch {
			err := database.InTx(ctx, s.db, func(tx *sql.Tx) error {
				res, err := tx.ExecContext(ctx, qNoShow, now, o[0])
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n == 1 {
					marked++
					_, err = tx.ExecContext(ctx, qCountNoShow, o[1])
				}
				return err
			})
			if err != nil {
				return marked, fmt.Errorf("no-show sweep: %w", err)
			}
		}
	}
}

// ReportLine is one person's subsidised meals in a month.
type ReportLine struct {
	PersonID   int64
	Name       string
	IDCard     string
	Address    string
	Meals      int
	PriceFen   int
	SubsidyFen int
}

// The subsidy report counts a month's orders served or delivered with a subsidy. Its pages walk
// idx_meal_orders_report (community_id, person_id, meal_date, status, subsidy_fen, price_fen) in
// person order, so GROUP BY ends after LIMIT persons, having read their orders in the index
// alone; the optimizer, which sees the month's range on idx_meal_orders_day as smaller, is told.
const (
	reportWhere = `o.community_id = ? AND o.meal_date BETWEEN ? AND ? AND o.subsidy_fen > 0 AND o.status IN ('served', 'delivered')`
	qReport     = `SELECT o.person_id, COUNT(*), SUM(o.price_fen), SUM(o.subsidy_fen)
	FROM meal_orders o FORCE INDEX (idx_meal_orders_report)
	WHERE ` + reportWhere + ` AND o.person_id > ?
	%s GROUP BY o.person_id ORDER BY o.person_id LIMIT ?`
	// reportSearch narrows the report to persons whose name starts with the search (names are
	// stored in clear; ID cards are sealed), found through idx_persons_name.
	reportSearch  = `AND o.person_id IN (SELECT p.id FROM persons p WHERE p.community_id = ? AND p.name LIKE ?)`
	qReportTotals = `SELECT COUNT(DISTINCT o.person_id), COUNT(*), COALESCE(SUM(o.price_fen), 0), COALESCE(SUM(o.subsidy_fen), 0)
	FROM meal_orders o FORCE INDEX (idx_meal_orders_day) WHERE ` + reportWhere
)

// A month's subsidy totals read the whole month's orders (tens of thousands in a large
// community, about 100 ms), so they are kept in Redis: briefly while the month is open or has
// just ended (meals of its last day are still being served, delivered or swept), an hour after.
const (
	totalsOpenTTL    = time.Minute
	totalsSettledTTL = time.Hour
	// totalsSettleDays is how long after its last day a month's totals may still change.
	totalsSettleDays = 2
)

// ReportTotals are a month's subsidised meals in all: the persons, their meals, prices and
// subsidies.
type ReportTotals struct {
	Persons    int
	Meals      int
	PriceFen   int
	SubsidyFen int
}

// reportMonth reads a month (YYYY-MM) as its first and last day.
func (s *Service) reportMonth(month string) (string, string, error) {
	errs := validation.Errors{}
	start, ok := validation.Records(s.now()).Month(errs, "month", month)
	if !ok {
		return "", "", errs.Err()
	}
	return start.Format(time.DateOnly), start.AddDate(0, 1, -1).Format(time.DateOnly), nil
}

// SubsidyReport is a page of a community's subsidised meals of a month (YYYY-MM), per person in
// person order: the meals served or delivered with a subsidy, which the community claims from
// the subsidy funds. It answers the cursor of the next page ("" after the last).
func (s *Service) SubsidyReport(ctx context.Context, communityID int64, month, search string, p paging.ByID) ([]ReportLine, string, error) {
	from, to, err := s.reportMonth(month)
	if err != nil {
		return nil, "", err
	}
	q, args := fmt.Sprintf(qReport, ""), []any{communityID, from, to, p.After}
	if search != "" {
		q, args = fmt.Sprintf(qReport, reportSearch), append(args, communityID, database.LikePrefix(search))
	}
	out, err := database.Collect(ctx, s.db, q, append(args, p.Limit+1), func(r database.Scanner) (l ReportLine, err error) {
		return l, r.Scan(&l.PersonID, &l.Meals, &l.PriceFen, &l.SubsidyFen)
	})
	if err != nil {
		return nil, "", fmt.Errorf("subsidy report: %w", err)
	}
	out, next := paging.TrimByID(out, p.Limit, func(l ReportLine) int64 { return l.PersonID })
	ids := make([]int64, len(out))
	for i, l := range out {
		ids[i] = l.PersonID
	}
	persons, err := s.persons.ManyInCommunity(ctx, communityID, ids)
	if err != nil {
		return nil, "", err
	}
	for i := range out {
		p := persons[out[i].PersonID]
		out[i].Name, out[i].IDCard = p.Name, p.IDCard
		out[i].Address = strings.TrimSpace(p.BuildingName + " " + p.Unit + " " + p.Room)
	}
	return out, next, nil
}

// SubsidyTotals are the totals of a month's subsidy report, as counted at most totalsOpenTTL ago
// (totalsSettledTTL for a settled month). Without Redis they are counted each time.
func (s *Service) SubsidyTotals(ctx context.Context, communityID int64, month string) (ReportTotals, error) {
	from, to, err := s.reportMonth(month)
	if err != nil {
		return ReportTotals{}, err
	}
	key := fmt.Sprintf("%ssubsidy-totals:%d:%s", s.prefix, communityID, from)
	var t ReportTotals
	if v, err := s.rdb.Get(ctx, key).Result(); err == nil {
		if _, err := fmt.Sscan(v, &t.Persons, &t.Meals, &t.PriceFen, &t.SubsidyFen); err == nil {
			return t, nil
		}
	}
	v, err, _ := s.rebuilds.Do(key, func() (any, error) {
		var t ReportTotals
		err := s.db.QueryRowContext(ctx, qReportTotals, communityID, from, to).Scan(&t.Persons, &t.Meals, &t.PriceFen, &t.SubsidyFen)
		return t, err
	})
	if err != nil {
		return ReportTotals{}, fmt.Errorf("subsidy totals: %w", err)
	}
	t = v.(ReportTotals)
	ttl := totalsSettledTTL
	if last, _ := time.ParseInLocation(time.DateOnly, to, cst.Zone); s.now().Before(last.AddDate(0, 0, 1+totalsSettleDays)) {
		ttl = totalsOpenTTL
	}
	// A Redis that cannot keep them only costs the next call a count.
	_ = s.rdb.Set(ctx, key, fmt.Sprint(t.Persons, t.Meals, t.PriceFen, t.SubsidyFen), ttl).Err()
	return t, nil
}
