package canteen

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/linli/linli/server/internal/cst"
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
// without orders are absent. A day's count is final once the day before yesterday is past (an
// order is cancelled only before its slot's cut-off, and whatever happens to it later keeps it
// taken), so those days are counted once and kept in Redis: a chart of weeks reads the index of
// its last two days only, not of every order of the weeks. Without Redis every day is counted.
func (s *Service) DayCounts(ctx context.Context, communityID int64, from, to string) ([]DayCount, error) {
	settled := cst.Today(s.now().AddDate(0, 0, -1)) // days before it are final
	counts := map[string]int{}
	var missing []string
	if from < settled {
		last := min(to, dayBefore(settled))
		days := daysBetween(from, last)
		keys := make([]string, len(days))
		for i, d := range days {
			keys[i] = s.dayCountKey(communityID, d)
		}
		vals, err := s.gate.rdb.MGet(ctx, keys...).Result()
		if err != nil {
			vals = make([]any, len(days))
		}
		for i, v := range vals {
			n, ok := v.(string)
			if c, err := strconv.Atoi(n); ok && err == nil {
				counts[days[i]] = c
			} else {
				missing = append(missing, days[i])
			}
		}
	}
	if len(missing) > 0 {
		// The settled days not kept yet, in one read, each kept (a day with none as 0).
		got, err := s.countDays(ctx, communityID, missing[0], missing[len(missing)-1])
		if err != nil {
			return nil, err
		}
		pipe := s.gate.rdb.Pipeline()
		for _, d := range missing {
			counts[d] = got[d]
			pipe.Set(ctx, s.dayCountKey(communityID, d), got[d], dayCountTTL)
		}
		_, _ = pipe.Exec(ctx) // without Redis, counted again next time
	}
	if to >= settled {
		got, err := s.countDays(ctx, communityID, max(from, settled), to)
		if err != nil {
			return nil, err
		}
		maps.Copy(counts, got)
	}
	out := []DayCount{}
	for _, d := range slices.Sorted(maps.Keys(counts)) {
		if counts[d] > 0 {
			out = append(out, DayCount{Date: d, Count: counts[d]})
		}
	}
	return out, nil
}

// dayCountTTL is how long a settled day's count is kept: longer than any chart looks back.
const dayCountTTL = 40 * 24 * time.Hour

func (s *Service) dayCountKey(communityID int64, day string) string {
	return s.gate.prefix + "canteen:daycount:" + strconv.FormatInt(communityID, 10) + ":" + day
}

// countDays counts the orders taken per day from from to to, read from MySQL.
func (s *Service) countDays(ctx context.Context, communityID int64, from, to string) (map[string]int, error) {
	out := map[string]int{}
	_, err := database.Collect(ctx, s.db, qDayCounts, []any{communityID, from, to}, func(r database.Scanner) (struct{}, error) {
		var (
			day time.Time
			n   int
		)
		err := r.Scan(&day, &n)
		out[day.Format(time.DateOnly)] = n
		return struct{}{}, err
	})
	if err != nil {
		return nil, fmt.Errorf("orders per day: %w", err)
	}
	return out, nil
}

// daysBetween lists the days from from to to (YYYY-MM-DD, inclusive).
func daysBetween(from, to string) []string {
	var out []string
	d, err1 := time.Parse(time.DateOnly, from)
	end, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil {
		return nil
	}
	for ; !d.After(end); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(time.DateOnly))
	}
	return out
}

func dayBefore(day string) string {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return d.AddDate(0, 0, -1).Format(time.DateOnly)
}
