package report

import (
	"context"
	"fmt"
	"time"

	"github.com/linli/linli/server/internal/database"
)

// Counts are a community's open reports as staff watch them.
type Counts struct {
	// Open are submitted, assigned, accepted, returned or escalated; Overdue those past a
	// deadline or escalated; Flagged those the content check asked staff to look at.
	Open, Overdue, Flagged int
	// Escalated counts escalated reports by level.
	Escalated map[string]int
}

// CategoryStat is what a category's reports came to over a period.
type CategoryStat struct {
	Key, Name       string
	Count, Resolved int
	// AvgResolveMinutes is from submission to resolution; -1 when none was resolved.
	AvgResolveMinutes int
}

const (
	openStatuses = `'submitted', 'assigned', 'accepted', 'returned', 'escalated'`
	qCounts      = `SELECT level, status = 'escalated',
		(status IN ('assigned', 'submitted') AND accept_by < ?) OR (status = 'accepted' AND resolve_by < ?) OR status = 'escalated',
		flagged, COUNT(*)
		FROM reports WHERE community_id = ? AND status IN (` + openStatuses + `)
		GROUP BY level, status = 'escalated',
		(status IN ('assigned', 'submitted') AND accept_by < ?) OR (status = 'accepted' AND resolve_by < ?) OR status = 'escalated', flagged`
	qCategoryStats = `SELECT category_key, MAX(category_name), COUNT(*),
		SUM(CASE WHEN status IN ('resolved', 'closed') AND resolved_at IS NOT NULL THEN 1 ELSE 0 END),
		COALESCE(AVG(CASE WHEN status IN ('resolved', 'closed') AND resolved_at IS NOT NULL THEN TIMESTAMPDIFF(MINUTE, created_at, resolved_at) END), -1)
		FROM reports WHERE community_id = ? AND created_at >= ? AND created_at < ?
		GROUP BY category_key ORDER BY COUNT(*) DESC, category_key`
)

// OpenCounts counts a community's open reports at now.
func (s *Service) OpenCounts(ctx context.Context, communityID int64, now time.Time) (Counts, error) {
	out := Counts{Escalated: map[string]int{LevelMinor: 0, LevelMajor: 0, LevelUrgent: 0}}
	now = now.UTC()
	type line struct {
		level                       string
		escalated, overdue, flagged bool
		n                           int
	}
	lines, err := database.Collect(ctx, s.db, qCounts, []any{now, now, communityID, now, now}, func(r database.Scanner) (line, error) {
		var l line
		return l, r.Scan(&l.level, &l.escalated, &l.overdue, &l.flagged, &l.n)
	})
	if err != nil {
		return Counts{}, fmt.Errorf("report counts: %w", err)
	}
	for _, l := range lines {
		out.Open += l.n
		if l.overdue {
			out.Overdue += l.n
		}
		if l.flagged {
			out.Flagged += l.n
		}
		if l.escalated {
			out.Escalated[l.level] += l.n
		}
	}
	return out, nil
}

// CategoryStats is what each category's reports made in [from, to) came to, most reported first.
func (s *Service) CategoryStats(ctx context.Context, communityID int64, from, to time.Time) ([]CategoryStat, error) {
	out, err := database.Collect(ctx, s.db, qCategoryStats, []any{communityID, from.UTC(), to.UTC()}, func(r database.Scanner) (CategoryStat, error) {
		var c CategoryStat
		var avg float64
		err := r.Scan(&c.Key, &c.Name, &c.Count, &c.Resolved, &avg)
		c.AvgResolveMinutes = int(avg + 0.5)
		if avg < 0 {
			c.AvgResolveMinutes = -1
		}
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("reports per category: %w", err)
	}
	return out, nil
}
