// Package history fills a database with two years of a community's life, so that benchmarks and
// the query guard measure what queries cost once the tables have grown: at scale 1.0, 100,000
// persons, 1,000,000 meal orders over two years of meal slots, 100,000 reports with about
// 480,000 steps on their timelines, 50,000 course enrolments, 190,000 inbox messages, and what
// comes with them (users and roles, guardians and their requests, the audit trail, subsidy
// rules, grids, uploads, safety alerts, subscribe consents, the event outbox and the push queue).
//
// It is a seeding tool, and as such the one place that writes every domain's tables itself:
// going through the services would take hours. The rows are the ones the services would have
// written: their statuses, timestamps, frozen prices and subsidies (canteen.Price), personal data
// sealed and hashed with the data key as the person store does (pii.Box), and the steady state
// the clock-driven sweeps leave (no pending order, no overdue report left unescalated). Rows go
// in as multi-row INSERTs with ids chosen here, from a few connections at once, in the SQL that
// MySQL 8.4, MariaDB 10.11 and TiDB share; the tables are analysed at the end so the optimizer
// sees their real sizes.
//
// Seed adds to what a database holds (ids continue after the largest): run it on a database
// nobody writes to meanwhile. The data are the same on every run with the same options.
package history

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/pii"
)

// Options say how much history to make.
type Options struct {
	// Scale multiplies the volumes (1.0: those of the package comment). Meal slots cover two
	// years whatever the scale.
	Scale float64
	// Communities share the volumes (default 1); each has its own buildings, canteens, staff
	// and workers.
	Communities int
	// Now is the end of the history (default time.Now()): orders of today and the coming week
	// are still booked.
	Now time.Time
	// DataKey seals ID cards and phone numbers as the app does; the app must run with the same
	// key to read them. Nil uses a fixed key derived from the package's name, whose values only
	// an app given that key (DefaultDataKey) can open.
	DataKey []byte
	// DataKeyVersion is the data key's version (default 1).
	DataKeyVersion int
	// Log receives progress (nil: none).
	Log *slog.Logger
}

// Stats say what was written.
type Stats struct {
	// Rows are the rows written per table.
	Rows map[string]int64
	Took time.Duration
}

// DefaultDataKey is the key Seed seals with when Options.DataKey is nil.
func DefaultDataKey() []byte {
	k := sha256.Sum256([]byte("linli/history/seed"))
	return k[:]
}

// Volumes at scale 1.0, all communities together.
const (
	volPersons     = 100000
	volResidents   = 40000 // persons with an account of their own
	volGuardians   = 10000 // of the residents: each registered about three relatives
	volOrders      = 1000000
	volReports     = 100000
	volEnrollments = 50000
	volMessages    = 190000
	volBuildings   = 400
	days           = 730 // of history, before today
	ahead          = 7   // days of menus and bookings after today
	workers        = 3   // connections inserting at once
)

// seeded lists the tables Seed writes, analysed at the end.
var seeded = []string{"communities", "buildings", "users", "user_roles", "role_events", "subscription_consents", "persons", "guardians", "guardian_requests",
	"person_audit", "canteens", "meal_slots", "meal_orders", "subsidy_rules", "grids", "grid_buildings", "grid_workers", "reports",
	"report_timeline", "uploads", "outbox", "messages", "push_outbox", "courses", "course_sessions", "enrollments", "attendance",
	"safety_alerts", "safety_alert_steps"}

// Seed writes the history.
func Seed(ctx context.Context, db *sql.DB, o Options) (Stats, error) {
	start := time.Now()
	if o.Scale <= 0 {
		return Stats{}, errors.New("history: scale must be positive")
	}
	if o.Communities <= 0 {
		o.Communities = 1
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	o.Now = o.Now.UTC().Truncate(time.Microsecond)
	if o.DataKey == nil {
		o.DataKey = DefaultDataKey()
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	box, err := pii.NewRotatingBox(o.DataKey, max(o.DataKeyVersion, 1), nil)
	if err != nil {
		return Stats{}, err
	}
	ids, err := nextIDs(ctx, db)
	if err != nil {
		return Stats{}, err
	}
	w := newWorld(o, box, ids)
	o.Log.Info("history: planned", "communities", o.Communities, "persons", len(w.persons), "users", len(w.users))

	s, err := newSink(ctx, db, workers)
	if err != nil {
		return Stats{}, err
	}
	var (
		gens   sync.WaitGroup
		meals  = make(chan mealsDone, 1)
		inbox  = newInbox(o.Scale)
		failMu sync.Mutex
		genErr error
	)
	run := func(name string, f func() error) {
		gens.Go(func() {
			t := time.Now()
			if err := f(); err != nil {
				failMu.Lock()
				genErr = errors.Join(genErr, fmt.Errorf("%s: %w", name, err))
				failMu.Unlock()
				return
			}
			o.Log.Info("history: generated", "part", name, "took", time.Since(t).Round(time.Millisecond).String())
		})
	}
	run("places and accounts", func() error { w.writePlaces(s, inbox); return nil })
	run("meals", func() error { meals <- w.writeMeals(s, inbox); return nil })
	run("courses", func() error { w.writeCourses(s, inbox); return nil })
	md := <-meals
	run("persons", func() error { return w.writePersons(s, md) })
	run("reports", func() error { w.writeReports(s, inbox, md); return nil })
	gens.Wait()
	if genErr == nil {
		w.writeInbox(s, inbox)
	}
	if err := errors.Join(genErr, s.close()); err != nil {
		return Stats{}, err
	}
	o.Log.Info("history: written", "took", time.Since(start).Round(time.Millisecond).String())
	for _, t := range seeded {
		if _, err := db.ExecContext(ctx, "ANALYZE TABLE "+database.QuoteIdent(t)); err != nil {
			return Stats{}, fmt.Errorf("analyze %s: %w", t, err)
		}
	}
	return Stats{Rows: s.rows(), Took: time.Since(start)}, nil
}

// idTables are the tables whose ids Seed chooses, continuing after the largest already there.
var idTables = []string{"communities", "buildings", "users", "role_events", "persons", "guardian_requests", "person_audit", "canteens",
	"meal_slots", "meal_orders", "subsidy_rules", "grids", "reports", "report_timeline", "uploads", "outbox", "messages", "push_outbox",
	"courses", "enrollments", "safety_alerts", "safety_alert_steps"}

// ids hands out each table's ids, to the generators that write it.
type ids map[string]*atomic.Int64

func nextIDs(ctx context.Context, db *sql.DB) (ids, error) {
	out := ids{}
	for _, t := range idTables {
		var last sql.NullInt64
		if err := db.QueryRowContext(ctx, "SELECT MAX(id) FROM "+database.QuoteIdent(t)).Scan(&last); err != nil {
			return nil, fmt.Errorf("last id of %s: %w", t, err)
		}
		out[t] = new(atomic.Int64)
		out[t].Store(last.Int64)
	}
	return out, nil
}

// next takes a table's next id.
func (i ids) next(table string) int64 { return i[table].Add(1) }

// scaled is n at the scale, at least least.
func scaled(n int, scale float64, least int) int {
	return max(least, int(math.Round(float64(n)*scale)))
}

// rng is a generator's own random stream: the same options give the same history.
func rng(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(20260101, stream)) }
