// Command bench-reports measures how long a report takes from its submission (the answer to
// POST /api/v1/reports) to the grid worker's subscribe message reaching WeChat (the fake
// WeChat's record of it), at a steady rate, through the real HTTP server, event pipeline and
// push sender, with real MariaDB and Redis.
//
//	go run ./server/cmd/bench-reports -rate 20 -seconds 15
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/app"
	"github.com/linli/linli/server/internal/benchenv"
	"github.com/linli/linli/server/internal/config"
	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/report"
	"github.com/linli/linli/server/internal/wechat"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-reports:", err)
		os.Exit(1)
	}
}

func run() error {
	rate := flag.Int("rate", 20, "reports per second")
	seconds := flag.Int("seconds", 15, "how long to submit")
	dsn := flag.String("dsn", benchenv.DSN(), "MySQL DSN; the database name is replaced by linli_bench_reports")
	redisURL := flag.String("redis", benchenv.RedisURL(), "Redis URL")
	flag.Parse()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	tpl := map[string]string{}
	for _, k := range config.TemplateKeys {
		tpl[k] = k
	}
	env, err := benchenv.Open(ctx, benchenv.Options{DSN: *dsn, RedisURL: *redisURL, Database: "linli_bench_reports", Prefix: "benchr:",
		Templates: tpl, LongTerm: []string{"report_assigned"}})
	if err != nil {
		return err
	}
	defer env.Close()
	a := env.App
	token, err := seed(ctx, a, env.Fake)
	if err != nil {
		return err
	}
	// The server's own background work, as `linli serve` runs it.
	var wg sync.WaitGroup
	wg.Go(func() { a.Events.Run(ctx) })
	wg.Go(func() { a.Pushes.Run(ctx, 200*time.Millisecond) })
	defer wg.Wait()
	defer cancel()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: a.Handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	total := *rate * *seconds
	fmt.Printf("submitting %d reports at %d/s for %d s...\n", total, *rate, *seconds)
	submitted := make([]time.Time, total)
	failed := 0
	tick := time.NewTicker(time.Second / time.Duration(*rate))
	var sw sync.WaitGroup
	var mu sync.Mutex
	for i := range total {
		<-tick.C
		sw.Go(func() {
			body := fmt.Sprintf(`{"category":"repair","description":"压测报事 #%d","building_id":1,"urgency":"normal","photo_ids":[]}`, i)
			req, _ := http.NewRequest("POST", base+"/api/v1/reports", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			r, err := http.DefaultClient.Do(req)
			at := time.Now()
			if err == nil {
				r.Body.Close()
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil || r.StatusCode != 201 {
				failed++
				return
			}
			submitted[i] = at
		})
	}
	tick.Stop()
	sw.Wait()

	// Wait for the pushes to arrive.
	number := regexp.MustCompile(`#(\d+)`)
	deadline := time.Now().Add(30 * time.Second)
	var lat []time.Duration
	for time.Now().Before(deadline) {
		lat = lat[:0]
		for _, m := range env.Fake.Messages() {
			mm := number.FindStringSubmatch(m.Data["thing2"])
			if len(mm) != 2 {
				continue
			}
			i, _ := strconv.Atoi(mm[1])
			if i < total && !submitted[i].IsZero() {
				lat = append(lat, max(0, m.SentAt.Sub(submitted[i])))
			}
		}
		if len(lat) >= total-failed {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	slices.Sort(lat)
	if len(lat) == 0 {
		return errors.New("no push arrived")
	}
	pct := func(p int) time.Duration { return lat[min(len(lat)-1, len(lat)*p/100)] }
	fmt.Printf("\n%d submitted (%d failed), %d pushes arrived\n", total-failed, failed, len(lat))
	fmt.Printf("submit → worker push: p50 %v  p99 %v  max %v  (goal p99 < 1s)\n",
		pct(50).Round(time.Millisecond), pct(99).Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
	if failed > 0 || len(lat) != total-failed {
		return fmt.Errorf("%d submissions failed, %d pushes missing", failed, total-failed-len(lat))
	}
	return nil
}

// seed makes a community whose building 1 is in a grid with a worker on duty, and a resident
// who reports; it answers the resident's session token.
func seed(ctx context.Context, a *app.App, fake *wechat.Fake) (string, error) {
	c, err := a.Communities.Create(ctx, "压测社区")
	if err != nil {
		return "", err
	}
	b, err := a.Communities.AddBuilding(ctx, c.ID, "1幢")
	if err != nil {
		return "", err
	}
	worker, err := a.Accounts.UserIDByOpenID(ctx, "fake-bench-worker")
	if err != nil {
		return "", err
	}
	// The worker turned on 接收派单提醒 (a long-term template): the server knows, and WeChat does.
	if _, err := a.Notify.AddConsents(ctx, worker, []string{"report_assigned"}); err != nil {
		return "", err
	}
	fake.Subscribe("fake-bench-worker", "report_assigned", true)
	if _, err := a.Accounts.Grant(ctx, c.ID, worker, account.RoleGridWorker, 0); err != nil {
		return "", err
	}
	if _, err := a.Reports.SaveGrid(ctx, c.ID, 0, report.GridInput{Name: "网格", BuildingIDs: []int64{b.ID}, WorkerIDs: []int64{worker}}); err != nil {
		return "", err
	}
	resident, err := a.Accounts.UserIDByOpenID(ctx, "fake-bench-resident")
	if err != nil {
		return "", err
	}
	if _, err := a.Persons.SaveOwn(ctx, resident, person.Profile{CommunityID: c.ID, BuildingID: b.ID, Name: "压测居民", Unit: "1", Room: "101"}); err != nil {
		return "", err
	}
	token, _, err := a.Accounts.Sessions().Create(ctx, resident)
	return token, err
}
