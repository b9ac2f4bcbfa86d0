package canteen

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/validation"
)

// Rule is a subsidy rule of a community: persons aged MinAge..MaxAge (MaxAge 0: no upper
// bound) on the slot's date, with Status when set, get SubsidyFen or Percent of the price, for
// at most DailyLimit subsidised meals a day.
type Rule struct {
	MinAge     int
	MaxAge     int
	Status     string
	SubsidyFen int
	Percent    int
	DailyLimit int
}

// MaxRules caps a community's rules.
const MaxRules = 20

const (
	qRules       = `SELECT min_age, max_age, status, subsidy_fen, subsidy_percent, daily_limit FROM subsidy_rules WHERE community_id = ? ORDER BY sort_order`
	qDeleteRules = `DELETE FROM subsidy_rules WHERE community_id = ?`
	qInsertRule  = `INSERT INTO subsidy_rules (community_id, sort_order, min_age, max_age, status, subsidy_fen, subsidy_percent, daily_limit, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// Rules returns a community's subsidy rules.
func (s *Service) Rules(ctx context.Context, communityID int64) ([]Rule, error) {
	rows, err := s.db.QueryContext(ctx, qRules, communityID)
	if err != nil {
		return nil, fmt.Errorf("subsidy rules: %w", err)
	}
	defer rows.Close()
	out := []Rule{}
	for rows.Next() {
		var (
			r            Rule
			max, fen, pc sql.NullInt64
		)
		if err := rows.Scan(&r.MinAge, &max, &r.Status, &fen, &pc, &r.DailyLimit); err != nil {
			return nil, err
		}
		r.MaxAge, r.SubsidyFen, r.Percent = int(max.Int64), int(fen.Int64), int(pc.Int64)
		out = append(out, r)
	}
	return out, rows.Err()
}

func nullInt(v int) any {
	if v == 0 {
		return nil
	}
	return v
}

// SetRules replaces a community's rules. Orders already booked keep the subsidy they got.
func (s *Service) SetRules(ctx context.Context, communityID int64, rules []Rule) ([]Rule, error) {
	errs := validation.Errors{}
	if len(rules) > MaxRules {
		errs.Add("rules", "最多 20 条")
	}
	for i, r := range rules {
		at := fmt.Sprintf("rules[%d].", i)
		if r.MinAge < 0 || r.MinAge > 150 {
			errs.Add(at+"min_age", "应为 0 到 150")
		}
		if r.MaxAge != 0 && (r.MaxAge < r.MinAge || r.MaxAge > 150) {
			errs.Add(at+"max_age", "应不小于 min_age，且不超过 150")
		}
		if r.Status != "" && !slices.Contains(person.SubsidyStatuses, r.Status) {
			errs.Add(at+"status", "应为 dibao 或 tekun")
		}
		switch {
		case (r.SubsidyFen > 0) == (r.Percent > 0):
			errs.Add(at+"subsidy_fen", "subsidy_fen 与 percent 须填且只填一个")
		case r.SubsidyFen < 0 || r.SubsidyFen > MaxPriceFen:
			errs.Add(at+"subsidy_fen", "金额不正确")
		case r.Percent < 0 || r.Percent > 100:
			errs.Add(at+"percent", "应为 1 到 100")
		}
		if r.DailyLimit < 1 || r.DailyLimit > 3 {
			errs.Add(at+"daily_limit", "应为 1 到 3")
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	err := database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, qDeleteRules, communityID); err != nil {
			return fmt.Errorf("replace subsidy rules: %w", err)
		}
		for i, r := range rules {
			if _, err := tx.ExecContext(ctx, qInsertRule, communityID, i, r.MinAge, nullInt(r.MaxAge), r.Status, nullInt(r.SubsidyFen),
				nullInt(r.Percent), r.DailyLimit, now); err != nil {
				return fmt.Errorf("replace subsidy rules: %w", err)
			}
		}
		return nil
	})
	s.rulesCache.Delete(communityID)
	if err != nil {
		return nil, err
	}
	return s.Rules(ctx, communityID)
}

// rulesTTL bounds how long a replica books with rules another replica has replaced; the
// replica that replaces them forgets its copy at once.
const rulesTTL = 10 * time.Second

type cachedRules struct {
	rules []Rule
	at    time.Time
}

// rulesCached is Rules, kept for a few seconds: bookings read them on every request.
func (s *Service) rulesCached(ctx context.Context, communityID int64) ([]Rule, error) {
	if v, ok := s.rulesCache.Load(communityID); ok {
		if c := v.(cachedRules); time.Since(c.at) < rulesTTL {
			return c.rules, nil
		}
	}
	rules, err := s.Rules(ctx, communityID)
	if err == nil {
		s.rulesCache.Store(communityID, cachedRules{rules: rules, at: time.Now()})
	}
	return rules, err
}

// amount is what the rule gives off a price: percent rounds down to whole fen, never above the
// price.
func (r Rule) amount(price int) int {
	v := r.SubsidyFen
	if r.Percent > 0 {
		v = price * r.Percent / 100
	}
	return min(v, price)
}

func (r Rule) matches(p person.Person, date string) bool {
	if r.Status != "" && p.SubsidyStatus != r.Status {
		return false
	}
	age := person.Age(p.BirthDate, date)
	if age < 0 {
		return r.MinAge == 0 && r.MaxAge == 0
	}
	return age >= r.MinAge && (r.MaxAge == 0 || age <= r.MaxAge)
}

func (r Rule) describe() string {
	who := fmt.Sprintf("%d岁以上", r.MinAge)
	if r.MaxAge > 0 {
		who = fmt.Sprintf("%d-%d岁", r.MinAge, r.MaxAge)
	}
	if r.Status != "" {
		who += map[string]string{person.StatusDibao: "低保", person.StatusTekun: "特困"}[r.Status]
	}
	if r.Percent > 0 {
		return fmt.Sprintf("%s补贴%d%%", who, r.Percent)
	}
	return fmt.Sprintf("%s每餐补贴%d.%02d元", who, r.SubsidyFen/100, r.SubsidyFen%100)
}

// Notes a quote gives when there is no subsidy.
const (
	noteUnverified   = "身份核验后享受补贴"
	noteLimitReached = "今日补贴次数已用完"
)

// Price is quote for orders written outside a booking (the history seeder writes two years of
// them), so that their subsidies follow the same rules.
func Price(rules []Rule, p person.Person, sl Slot, used int) (Quote, int) {
	return quote(rules, p, sl, used)
}

// quote prices a slot for a person who already had used subsidised meals that day: the largest
// subsidy among the rules that match and whose daily limit is not reached, for verified persons
// only. It also answers the daily limit of the rule applied.
func quote(rules []Rule, p person.Person, sl Slot, used int) (Quote, int) {
	q := Quote{PriceFen: sl.PriceFen, PayFen: sl.PriceFen}
	if !p.Verified() {
		q.SubsidyNote = noteUnverified
		return q, 0
	}
	best, note, limit := 0, "", 0
	limited := false
	for _, r := range rules {
		if !r.matches(p, sl.Date) {
			continue
		}
		if used >= r.DailyLimit {
			limited = true
			continue
		}
		if a := r.amount(sl.PriceFen); a > best {
			best, note, limit = a, r.describe(), r.DailyLimit
		}
	}
	if best == 0 && limited {
		note = noteLimitReached
	}
	q.SubsidyFen, q.PayFen, q.SubsidyNote = best, sl.PriceFen-best, note
	return q, limit
}
