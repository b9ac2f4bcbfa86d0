package canteen

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/linli/linli/server/internal/database"
)

// BoardSlot is one slot of a day as the overview shows it.
type BoardSlot struct {
	CanteenID   int64
	CanteenName string
	SlotID      int64
	Meal        string
	Capacity    int
	// Booked counts the orders taken (neither cancelled nor still being written), Served those
	// handed over (served at the counter or delivered).
	Booked, Served int
	Closed         bool
	ByMode         map[string]int
}

// DayCount is the number of orders taken for one day.
type DayCount struct {
	Date  string
	Count int
}

// takenStatuses are the statuses of an order that took a seat.
const takenStatuses = `'booked', 'served', 'delivered', 'no_answer', 'no_show'`

const (
	qBoard = `SELECT s.canteen_id, c.name, s.id, s.meal, s.capacity, s.closed_at IS NOT NULL, COALESCE(o.mode, ''), COALESCE(o.status, ''), COUNT(o.id)
		FROM meal_slots s JOIN canteens c ON c.id = s.canteen_id
		LEFT JOIN meal_orders o ON o.slot_id = s.id AND o.status IN (` + takenStatuses + `)
		WHERE s.community_id = ? AND s.meal_date = ?
		GROUP BY s.canteen_id, c.name, s.id, s.meal, s.capacity, s.closed_at, o.mode, o.status`
	qDayCounts = `SELECT meal_date, COUNT(*) FROM meal_orders WHERE community_id = ? AND meal_date >= ? AND meal_date <= ?
		AND status IN (` + takenStatuses + `) GROUP BY meal_date`
)

// Board is a day's slots of every canteen of a community with their orders by mode, in canteen
// and meal order.
func (s *Service) Board(ctx context.Context, communityID int64, date string) ([]BoardSlot, error) {
	type line struct {
		slot         BoardSlot
		mode, status string
		n            int
	}
	lines, err := database.Collect(ctx, s.db, qBoard, []any{communityID, date}, func(r database.Scanner) (line, error) {
		var l line
		err := r.Scan(&l.slot.CanteenID, &l.slot.CanteenName, &l.slot.SlotID, &l.slot.Meal, &l.slot.Capacity, &l.slot.Closed, &l.mode, &l.status, &l.n)
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("board of %s: %w", date, err)
	}
	var out []BoardSlot
	at := map[int64]int{}
	for _, l := range lines {
		i, ok := at[l.slot.SlotID]
		if !ok {
			l.slot.ByMode = map[string]int{EatIn: 0, Pickup: 0, Delivery: 0}
			out = append(out, l.slot)
			i = len(out) - 1
			at[l.slot.SlotID] = i
		}
		if l.n == 0 {
			continue
		}
		b := &out[i]
		b.Booked += l.n
		b.ByMode[l.mode] += l.n
		if l.status == StatusServed || l.status == StatusDelivered {
			b.Served += l.n
		}
	}
	slices.SortFunc(out, func(a, b BoardSlot) int {
		if a.CanteenID != b.CanteenID {
			return int(a.CanteenID - b.CanteenID)
		}
		return slices.Index(Meals, a.Meal) - slices.Index(Meals, b.Meal)
	})
	return out, nil
}

// DayCounts counts the orders taken for each day from from to to (YYYY-MM-DD, inclusive); days
// without orders are absent.
func (s *Service) DayCounts(ctx context.Context, communityID int64, from, to string) ([]DayCount, error) {
	out, err := database.Collect(ctx, s.db, qDayCounts, []any{communityID, from, to}, func(r database.Scanner) (DayCount, error) {
		var d DayCount
		var day time.Time
		err := r.Scan(&day, &d.Count)
		d.Date = day.Format(time.DateOnly)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("orders per day: %w", err)
	}
	return out, nil
}
