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
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/linli/linli/server/internal/app"
	"github.com/linli/linli/server/internal/benchenv"
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
	conns := make([]*rawConn, o.users)
	for i := range conns {
		if conns[i], err = dialRaw(ln.Addr().String()); err != nil {
			return err
		}
		defer conns[i].Close()
	}
	healthz := []byte("GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n")

	// Warm up: the server's goroutines, the pools.
	burst(o.users, func(i int) (int, error) { return conns[i].do(healthz) })
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

	fmt.Printf("\n%d users burst one slot of %d seats, %d rounds, on %d CPUs\n\n", o.users, o.seats, o.rounds, numCPU())
	fmt.Printf("%-6s %7s %9s %5s %9s %9s %10s %10s %7s\n", "round", "booked", "oversold", "5xx", "p50", "p99", "book/s", "healthz/s", "ratio")
	var ratios, p99s []float64
	failed := false
	for r := 1; r <= o.rounds; r++ {
		hz := burst(o.users, func(i int) (int, error) { return conns[i].do(healthz) })
		slot, err := w.slot(ctx, a, r, o.seats)
		if err != nil {
			return err
		}
		reqs := make([][]byte, o.users)
		for i := range reqs {
			body, _ := json.Marshal(map[string]any{"slot_id": slot, "person_id": w.persons[i], "mode": "eat_in"})
			key := ""
			if !*noKeys {
				key = "Idempotency-Key: " + randomHex(16) + "\r\n"
			}
			reqs[i] = fmt.Appendf(nil, "POST /api/v1/meal-orders HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"+
				"Authorization: Bearer %s\r\n%sContent-Length: %d\r\n\r\n%s", w.tokens[i], key, len(body), body)
		}
		res := burst(o.users, func(i int) (int, error) { return conns[i].do(reqs[i]) })
		var inDB int
		if err := db.QueryRowContext(ctx, `SELECT booked FROM meal_slots WHERE id = ?`, slot).Scan(&inDB); err != nil {
			return err
		}
		booked := res.count(http.StatusCreated)
		oversold := max(0, max(booked, inDB)-o.seats)
		ratio := res.rate() / hz.rate()
		ratios, p99s = append(ratios, ratio), append(p99s, ms(res.pct(99)))
		fmt.Printf("%-6d %7d %9d %5d %7.1fms %7.1fms %10.0f %10.0f %7.2f\n", r, booked, oversold, res.server5xx(),
			ms(res.pct(50)), ms(res.pct(99)), res.rate(), hz.rate(), ratio)
		if *verbose {
			for _, st := range []int{201, 409} {
				var l []time.Duration
				for i, s := range res.statuses {
					if s == st {
						l = append(l, res.latencies[i])
					}
				}
				slices.Sort(l)
				if len(l) > 0 {
					fmt.Printf("   %d: n=%d min %.1fms p50 %.1fms max %.1fms\n", st, len(l), ms(l[0]), ms(l[len(l)/2]), ms(l[len(l)-1]))
				}
			}
		}
		if booked != o.seats || inDB != o.seats || oversold != 0 || res.server5xx() != 0 || res.errors > 0 {
			failed = true
		}
		if other := o.users - booked - res.count(http.StatusConflict); other != 0 {
			fmt.Printf("       %d answers were neither 201 nor 409 (transport errors: %d)\n", other, res.errors)
			failed = true
		}
	}
	fmt.Printf("\nmedian over rounds: p99 %.1f ms (goal < 100), ratio %.2f (goal >= 0.30)\n", median(p99s), median(ratios))
	if failed {
		return errors.New("a round booked other than exactly the seats, oversold, or answered 5xx")
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func numCPU() int {
	n := 0
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		n = bytes.Count(b, []byte("processor\t:"))
	}
	return n
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
	w := &world{communityID: c.ID, canteen: ct, tokens: make([]string, users), persons: make([]int64, users)}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  atomic.Int64
	)
	for range 16 {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= users {
					return
				}
				err := func() error {
					uid, err := a.Accounts.UserIDByOpenID(ctx, fmt.Sprintf("bench-%d", i))
					if err != nil {
						return err
					}
					p, err := a.Persons.SaveOwn(ctx, uid, person.Profile{CommunityID: c.ID, BuildingID: b.ID, Name: fmt.Sprintf("居民%d", i), Unit: "1", Room: fmt.Sprint(i)})
					if err != nil {
						return err
					}
					tok, _, err := a.Accounts.Sessions().Create(ctx, uid)
					w.tokens[i], w.persons[i] = tok, p.ID
					return err
				}()
				if err != nil {
					mu.Lock()
					first = err
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return w, first
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

// result is one burst's answers.
type result struct {
	statuses  []int
	latencies []time.Duration
	wall      time.Duration
	errors    int
}

func (r result) count(status int) int {
	n := 0
	for _, s := range r.statuses {
		if s == status {
			n++
		}
	}
	return n
}

func (r result) server5xx() int {
	n := 0
	for _, s := range r.statuses {
		if s >= 500 {
			n++
		}
	}
	return n
}

func (r result) rate() float64 { return float64(len(r.statuses)) / r.wall.Seconds() }

func (r result) pct(p int) time.Duration {
	l := slices.Clone(r.latencies)
	slices.Sort(l)
	if len(l) == 0 {
		return 0
	}
	return l[min(len(l)-1, len(l)*p/100)]
}

// burst runs n requests at once, each on its own goroutine released together.
func burst(n int, call func(i int) (int, error)) result {
	res := result{statuses: make([]int, n), latencies: make([]time.Duration, n)}
	var (
		wg     sync.WaitGroup
		ready  sync.WaitGroup
		start  = make(chan struct{})
		errors atomic.Int64
	)
	ready.Add(n)
	for i := range n {
		wg.Go(func() {
			ready.Done()
			<-start
			t := time.Now()
			status, err := call(i)
			res.latencies[i] = time.Since(t)
			res.statuses[i] = status
			if err != nil {
				errors.Add(1)
			}
		})
	}
	ready.Wait()
	t := time.Now()
	close(start)
	wg.Wait()
	res.wall = time.Since(t)
	res.errors = int(errors.Load())
	return res
}

// rawConn is one kept-alive HTTP/1.1 connection that sends prepared requests.
type rawConn struct {
	net.Conn
	r *bufio.Reader
}

func dialRaw(addr string) (*rawConn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &rawConn{Conn: c, r: bufio.NewReader(c)}, nil
}

// do sends one request and reads its answer, returning the status.
func (c *rawConn) do(req []byte) (int, error) {
	if _, err := c.Write(req); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
