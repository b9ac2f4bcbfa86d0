// Command bench-canteen bursts one meal slot through the real HTTP server, with real MariaDB (or
// MySQL) and Redis: N users book at once for C seats. It prints how many were booked, oversold
// and answered 5xx, the latency percentiles, and the booking rate divided by the rate of
// GET /healthz measured in the same run at the same concurrency.
//
//	go run ./server/cmd/bench-canteen -users 1000 -seats 100 -rounds 5
//
// It uses a database of its own (linli_bench, dropped and made afresh) and a Redis key prefix of
// its own, so it never touches other data.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/linli/linli/server/internal/app"
	"github.com/linli/linli/server/internal/benchenv"
	"github.com/linli/linli/server/internal/benchload"
	"github.com/linli/linli/server/internal/canteen"
	"github.com/linli/linli/server/internal/cst"
	"github.com/linli/linli/server/internal/person"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-canteen:", err)
		os.Exit(1)
	}
}

type options struct {
	users, seats, rounds int
	dsn, redisURL        string
}

func run() error {
	var o options
	flag.IntVar(&o.users, "users", 1000, "users bursting the slot at once (the concurrency)")
	flag.IntVar(&o.seats, "seats", 100, "seats in the slot")
	flag.IntVar(&o.rounds, "rounds", 5, "rounds, each a fresh slot and a /healthz burst")
	flag.StringVar(&o.dsn, "dsn", benchenv.DSN(), "MySQL DSN; the database name is replaced by linli_bench")
	flag.StringVar(&o.redisURL, "redis", benchenv.RedisURL(), "Redis URL")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the bursts to this file")
	verbose := flag.Bool("v", false, "also print each round's latencies of booked (201) and turned-away (409) answers")
	noKeys := flag.Bool("no-idempotency-keys", false, "send no Idempotency-Key (the mini-program always sends one)")
	flag.Parse()
	ctx := context.Background()

	// The server's own Redis settings, a database and key prefix of the bench's own.
	env, err := benchenv.Open(ctx, benchenv.Options{DSN: o.dsn, RedisURL: o.redisURL, Database: "linli_bench", Prefix: "bench:"})
	if err != nil {
		return err
	}
	defer env.Close()
	db, a := env.DB, env.App
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: a.Handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	fmt.Printf("seeding %d users...\n", o.users)
	w, err := seed(ctx, a, o.users)
	if err != nil {
		return err
	}
	// One kept-alive connection per user, written and read by that user's goroutine: the load
	// generator should cost little next to the server it measures.
	conns := make([]*benchload.Conn, o.users)
	for i := range conns {
		if conns[i], err = benchload.Dial(ln.Addr().String()); err != nil {
			return err
		}
		defer conns[i].Close()
	}
	healthz := []byte("GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n")

	// Warm up: the server's goroutines, the pools.
	benchload.Burst(o.users, func(i int) (int, error) { return conns[i].Do(healthz) })
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	fmt.Printf("\n%d users burst one slot of %d seats, %d rounds, on %d CPUs\n\n", o.users, o.seats, o.rounds, benchload.NumCPU())
	fmt.Printf("%-6s %7s %9s %5s %9s %9s %10s %10s %7s\n", "round", "booked", "oversold", "5xx", "p50", "p99", "book/s", "healthz/s", "ratio")
	var ratios, p99s []float64
	failed := false
	for r := 1; r <= o.rounds; r++ {
		hz := benchload.Burst(o.users, func(i int) (int, error) { return conns[i].Do(healthz) })
		slot, err := w.slot(ctx, a, r, o.seats)
		if err != nil {
			return err
		}
		reqs := make([][]byte, o.users)
		for i := range reqs {
			body, _ := json.Marshal(map[string]any{"slot_id": slot, "person_id": w.persons[i], "mode": "eat_in"})
			reqs[i] = benchload.Post("/api/v1/meal-orders", w.tokens[i], body, *noKeys)
		}
		res := benchload.Burst(o.users, func(i int) (int, error) { return conns[i].Do(reqs[i]) })
		var inDB int
		if err := db.QueryRowContext(ctx, `SELECT booked FROM meal_slots WHERE id = ?`, slot).Scan(&inDB); err != nil {
			return err
		}
		booked := res.Count(http.StatusCreated)
		oversold := max(0, max(booked, inDB)-o.seats)
		ratio := res.Rate() / hz.Rate()
		ratios, p99s = append(ratios, ratio), append(p99s, benchload.Ms(res.Pct(99)))
		fmt.Printf("%-6d %7d %9d %5d %7.1fms %7.1fms %10.0f %10.0f %7.2f\n", r, booked, oversold, res.Server5xx(),
			benchload.Ms(res.Pct(50)), benchload.Ms(res.Pct(99)), res.Rate(), hz.Rate(), ratio)
		if *verbose {
			for _, st := range []int{201, 409} {
				var l []time.Duration
				for i, s := range res.Statuses {
					if s == st {
						l = append(l, res.Latencies[i])
					}
				}
				slices.Sort(l)
				if len(l) > 0 {
					fmt.Printf("   %d: n=%d min %.1fms p50 %.1fms max %.1fms\n", st, len(l), benchload.Ms(l[0]), benchload.Ms(l[len(l)/2]), benchload.Ms(l[len(l)-1]))
				}
			}
		}
		if booked != o.seats || inDB != o.seats || oversold != 0 || res.Server5xx() != 0 || res.Errors > 0 {
			failed = true
		}
		if other := o.users - booked - res.Count(http.StatusConflict); other != 0 {
			fmt.Printf("       %d answers were neither 201 nor 409 (transport errors: %d)\n", other, res.Errors)
			failed = true
		}
	}
	fmt.Printf("\nmedian over rounds: p99 %.1f ms (goal < 100), ratio %.2f (goal >= 0.30)\n", benchload.Median(p99s), benchload.Median(ratios))
	if failed {
		return errors.New("a round booked other than exactly the seats, oversold, or answered 5xx")
	}
	return nil
}

// world is the seeded community: a canteen and users with their own persons and sessions.
type world struct {
	communityID int64
	canteen     canteen.Canteen
	tokens      []string
	persons     []int64
}

func seed(ctx context.Context, a *app.App, users int) (*world, error) {
	c, err := a.Communities.Create(ctx, "压测社区")
	if err != nil {
		return nil, err
	}
	b, err := a.Communities.AddBuilding(ctx, c.ID, "1幢")
	if err != nil {
		return nil, err
	}
	ct, err := a.Canteens.CreateCanteen(ctx, c.ID, "压测食堂", "", false)
	if err != nil {
		return nil, err
	}
	rs, err := benchenv.Residents(ctx, a, person.Profile{CommunityID: c.ID, BuildingID: b.ID, Name: "居民", Unit: "1"}, users, "bench-")
	if err != nil {
		return nil, err
	}
	w := &world{communityID: c.ID, canteen: ct}
	for _, r := range rs {
		w.tokens, w.persons = append(w.tokens, r.Token), append(w.persons, r.PersonID)
	}
	return w, nil
}

// slot adds round r's lunch, some days ahead so each round has its own.
func (w *world) slot(ctx context.Context, a *app.App, r, seats int) (int64, error) {
	date := time.Now().In(cst.Zone).AddDate(0, 0, r).Format(time.DateOnly)
	sl, err := a.Canteens.CreateSlot(ctx, w.canteen, canteen.SlotInput{
		Date: date, Meal: canteen.Lunch, Dishes: []canteen.Dish{{Name: "红烧肉"}}, Capacity: seats, PriceFen: 1500,
		BookBy: time.Now().Add(24 * time.Hour * time.Duration(r)), Modes: []string{canteen.EatIn},
	})
	return sl.ID, err
}
