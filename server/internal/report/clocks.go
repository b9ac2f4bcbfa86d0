package report

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// A report's clocks: accept_by and resolve_by are its category's windows counted from a hand-off,
// the first when it is submitted (dispatch keeps them), and again whenever it is handed out anew:
// staff assign it, the reporter reopens it, or its worker's role is taken back and it goes back
// to dispatch. Accepting (or claiming) leaves resolve_by as it is, as the first acceptance does,
// unless it has already passed: then the whole resolve window counts from the acceptance. A
// clock is never restarted in the past, so Escalate cannot take back at once a report just
// handed out.
const (
	restartClocks         = `accept_by = ?, resolve_by = ?`
	restartOverdueResolve = `resolve_by = CASE WHEN resolve_by < ? THEN ? ELSE resolve_by END`
	qReportCategory       = `SELECT community_id, category_key FROM reports WHERE id = ?`
)

// deadlines are the category's accept_by and resolve_by for a hand-off at from.
func (c Category) deadlines(from time.Time) (acceptBy, resolveBy time.Time) {
	return from.Add(time.Duration(c.AcceptMinutes) * time.Minute), from.Add(time.Duration(c.ResolveMinutes) * time.Minute)
}

// overdueResolveArgs are the arguments of restartOverdueResolve for an acceptance at now.
func (c Category) overdueResolveArgs(now time.Time) []any {
	_, resolveBy := c.deadlines(now)
	return []any{now, resolveBy}
}

// window is the category whose windows a report's clocks follow: the built-in safety check for
// one (as it was filed), else the community's category of the key as it is now, else (a
// category since removed) the built-in one of that key, else the built-in 其他.
func (s *Service) window(ctx context.Context, communityID int64, key string) (Category, error) {
	if key == SafetyCheck.Key {
		return SafetyCheck, nil
	}
	cat, ok, err := s.Category(ctx, communityID, key)
	if err != nil || ok {
		return cat, err
	}
	for _, k := range []string{key, "other"} {
		if i := slices.IndexFunc(DefaultCategories, func(c Category) bool { return c.Key == k }); i >= 0 {
			return DefaultCategories[i], nil
		}
	}
	return Category{}, fmt.Errorf("report: no built-in category %q", "other")
}

// clockOf is the window of a report (its community and category never change).
func (s *Service) clockOf(ctx context.Context, id int64) (Category, error) {
	var (
		communityID int64
		key         string
	)
	err := s.db.QueryRowContext(ctx, qReportCategory, id).Scan(&communityID, &key)
	if errors.Is(err, sql.ErrNoRows) {
		return Category{}, ErrNotFound
	}
	if err != nil {
		return Category{}, fmt.Errorf("category of report %d: %w", id, err)
	}
	return s.window(ctx, communityID, key)
}
