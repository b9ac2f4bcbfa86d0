package report

import (
	"context"
	"fmt"
	"slices"
	"sync"
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
// The figures of a period are reused for statsFor (the overview's chart of 30 days is a
// dashboard that staff keep open and refresh; it reads a month of reports each time otherwise).
func (s *Service) CategoryStats(ctx context.Context, communityID int64, from, to time.Time) ([]CategoryStat, error) {
	key := statsKey{communityID, from.UnixNano(), to.UnixNano()}
	if out, ok := s.stats.get(key, s.now()); ok {
		return out, nil
	}
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
	s.stats.put(key, out, s.now())
	return out, nil
}

// statsFor is how long CategoryStats reuses a period's figures.
const statsFor = 5 * time.Minute

type statsKey struct {
	community, from, to int64
}

type statsEntry struct {
	at    time.Time
	stats []CategoryStat
}

// statsCache keeps the figures of the periods asked for lately, in this process.
type statsCache struct {
	mu sync.Mutex
	m  map[statsKey]statsEntry
}

func (c *statsCache) get(k statsKey, now time.Time) ([]CategoryStat, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || now.Sub(e.at) >= statsFor || now.Before(e.at) {
		return nil, false
	}
	return slices.Clone(e.stats), true
}

func (c *statsCache) put(k statsKey, stats []CategoryStat, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= 1000 {
		c.m = map[statsKey]statsEntry{} // a process sees few periods; a full cache starts over
	}
	c.m[k] = statsEntry{now, slices.Clone(stats)}
}
