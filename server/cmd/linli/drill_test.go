package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/linli/linli/server/internal/mysqltest"
)

// The fault drills run `linli serve` as a process of its own (this test binary, re-run with
// LINLI_DRILL_SERVE=1), against a database and a redis-server of their own, so that killing
// the process and flushing Redis touch nothing else.
func TestMain(m *testing.M) {
	if os.Getenv("LINLI_DRILL_SERVE") == "1" {
		err := run(context.Background(), []string{"serve", "--demo"}, os.Getenv, os.Stdout, os.Stderr)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// ownRedis starts a redis-server on a free port, without persistence, for this test alone.
func ownRedis(t *testing.T) (*redis.Client, string) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not installed (scripts/services.sh installs it)")
	}
	port := freePort(t)
	cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url := fmt.Sprintf("redis://127.0.0.1:%d/0", port)
	opt, _ := redis.ParseURL(url)
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	for range 100 {
		if rdb.Ping(context.Background()).Err() == nil {
			return rdb, url
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("redis-server did not start")
	return nil, ""
}

// server is one `linli serve` process of a drill.
type server struct {
	cmd  *exec.Cmd
	base string
	out  *syncBuffer
}

func startServer(t *testing.T, env []string) *server {
	t.Helper()
	port := freePort(t)
	s := &server{base: fmt.Sprintf("http://127.0.0.1:%d", port), out: &syncBuffer{}}
	s.cmd = exec.Command(os.Args[0], "-test.run=^$")
	s.cmd.Env = append(append(os.Environ(), env...), "LINLI_DRILL_SERVE=1", fmt.Sprintf("LINLI_HTTP_ADDR=127.0.0.1:%d", port))
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.cmd.Process.Kill(); _ = s.cmd.Wait() })
	for range 200 {
		if r, err := http.Get(s.base + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return s
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server never became ready:\n%s", s.out.String())
	return nil
}

// kill ends the process at once, as a crash or an OOM kill would.
func (s *server) kill() {
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

func (s *server) login(t *testing.T, code string) string {
	t.Helper()
	r, err := http.Post(s.base+"/api/v1/auth/login", "application/json", strings.NewReader(`{"code":"`+code+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var body struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Token == "" {
		t.Fatalf("login %s: %d %v", code, r.StatusCode, err)
	}
	return body.Token
}

// submit files n reports from building 1 (the demo grid's) at once and answers the ids that
// were accepted (201).
func (s *server) submit(t *testing.T, token string, n int) []int64 {
	t.Helper()
	var (
		mu  sync.Mutex
		ids []int64
		wg  sync.WaitGroup
	)
	for i := range n {
		wg.Go(func() {
			body := fmt.Sprintf(`{"category":"repair","description":"演练报事 %d","building_id":1,"urgency":"normal","photo_ids":[]}`, i)
			req, _ := http.NewRequest("POST", s.base+"/api/v1/reports", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			r, err := http.DefaultClient.Do(req)
			if err != nil {
				return
			}
			defer r.Body.Close()
			var out struct {
				ID int64 `json:"id"`
			}
			if r.StatusCode == 201 && json.NewDecoder(r.Body).Decode(&out) == nil {
				mu.Lock()
				ids = append(ids, out.ID)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return ids
}

// waitAssigned waits until every report of ids is assigned.
func waitAssigned(t *testing.T, db *sql.DB, rdb *redis.Client, ids []int64, s *server) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var open, all int
		if err := db.QueryRow(`SELECT COUNT(*) FROM reports WHERE status <> 'assigned'`).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(`SELECT COUNT(*) FROM reports`).Scan(&all); err != nil {
			t.Fatal(err)
		}
		if open == 0 && all >= len(ids) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	rows, _ := db.Query(`SELECT o.id, o.published_at IS NOT NULL, o.done_at IS NOT NULL, o.attempts, o.last_error FROM outbox o
		JOIN reports r ON r.id = CAST(JSON_VALUE(o.payload, '$.report_id') AS SIGNED) WHERE r.status <> 'assigned'`)
	if rows != nil {
		for rows.Next() {
			var (
				id              int64
				published, done bool
				attempts        int
				lastErr         string
			)
			_ = rows.Scan(&id, &published, &done, &attempts, &lastErr)
			t.Logf("stuck event %d: published %v done %v attempts %d %s", id, published, done, attempts, lastErr)
		}
		rows.Close()
	}
	ctx := context.Background()
	groups, err := rdb.XInfoGroups(ctx, "linli:stream:report.submitted").Result()
	t.Logf("groups %+v %v", groups, err)
	info, err := rdb.XInfoStream(ctx, "linli:stream:report.submitted").Result()
	t.Logf("stream %+v %v", info, err)
	msgs, _ := rdb.XRange(ctx, "linli:stream:report.submitted", "-", "+").Result()
	for _, m := range msgs {
		t.Logf("entry %s %v", m.ID, m.Values)
	}
	// What the running server's goroutines are doing, for the log.
	_ = s.cmd.Process.Signal(syscall.SIGQUIT)
	time.Sleep(500 * time.Millisecond)
	t.Fatalf("reports never all assigned; server said:\n%s", s.out.String())
}

// checkOnce proves every report accepted was filed, and every report filed (some whose answer
// the kill cut off too) was assigned once, its worker's inbox entry written once and its push
// queued once and sent at most once.
func checkOnce(t *testing.T, db *sql.DB, accepted []int64) {
	t.Helper()
	for _, id := range accepted {
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM reports WHERE id = ?`, id).Scan(&n); err != nil || n != 1 {
			t.Fatalf("accepted report %d is not on file (%v)", id, err)
		}
	}
	var reports, assigned, inbox, pushes, sentTwice, dupSteps int
	q := func(query string, dst *int) {
		if err := db.QueryRow(query).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	q(`SELECT COUNT(*) FROM reports`, &reports)
	want := reports
	q(`SELECT COUNT(*) FROM report_timeline WHERE action = 'assigned'`, &assigned)
	q(`SELECT COUNT(*) FROM (SELECT report_id FROM report_timeline WHERE action = 'assigned' GROUP BY report_id HAVING COUNT(*) > 1) d`, &dupSteps)
	q(`SELECT COUNT(*) FROM messages WHERE title = '新的报事任务'`, &inbox)
	q(`SELECT COUNT(*) FROM push_outbox WHERE template_key = 'report_assigned'`, &pushes)
	q(`SELECT COUNT(*) FROM (SELECT dedup_key FROM push_outbox WHERE status = 'sent' GROUP BY user_id, dedup_key HAVING COUNT(*) > 1) d`, &sentTwice)
	if reports != want || assigned != want || dupSteps != 0 || inbox != want || pushes != want || sentTwice != 0 {
		t.Errorf("%d reports: %d assigned (%d twice), %d inbox entries, %d pushes (%d sent twice)", reports, assigned, dupSteps, inbox, pushes, sentTwice)
	}
}

func TestDrillKillAndFlushAll(t *testing.T) {
	if testing.Short() {
		t.Skip("fault drills")
	}
	dsn := mysqltest.EmptyDSN(t)
	rdb, redisURL := ownRedis(t)
	env := []string{
		"LINLI_MYSQL_DSN=" + dsn, "LINLI_REDIS_URL=" + redisURL, "LINLI_WECHAT_FAKE=1",
		"LINLI_DATA_KEY_FILE=" + filepath.Join(t.TempDir(), "data.key"), "LINLI_UPLOAD_DIR=" + t.TempDir(),
		"LINLI_EVENT_CLAIM_IDLE=500ms",
	}

	// Kill the process that dispatches in the middle of a burst.
	a := startServer(t, env)
	db := openTestDB(t, dsn)
	token := a.login(t, "demo-resident")
	// The kill lands while reports are still arriving and being dispatched: after a first batch
	// is accepted (however slowly a cold machine serves it), while more are on their way.
	first := a.submit(t, token, 10)
	if len(first) == 0 {
		t.Fatalf("the server accepted no report; it said:\n%s", a.out.String())
	}
	killed := make(chan struct{})
	go func() {
		time.Sleep(50 * time.Millisecond)
		a.kill()
		close(killed)
	}()
	for len(first) < 200 {
		got := a.submit(t, token, 10)
		first = append(first, got...)
		if len(got) < 10 {
			break
		}
	}
	<-killed
	var waiting int
	if err := db.QueryRow(`SELECT COUNT(*) FROM reports WHERE status = 'submitted'`).Scan(&waiting); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d reports accepted before the kill, %d of them not yet dispatched", len(first), waiting)
	if len(first) == 0 {
		t.Fatal("no report was accepted before the kill")
	}
	b := startServer(t, env)
	token = b.login(t, "demo-resident")
	second := b.submit(t, token, 20)
	all := append(first, second...)
	waitAssigned(t, db, rdb, all, b)
	checkOnce(t, db, all)

	// Redis loses everything in the middle of a run: pending work comes back from MySQL.
	third := b.submit(t, token, 20)
	if err := rdb.FlushAll(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	token = b.login(t, "demo-resident") // sessions went with Redis
	fourth := b.submit(t, token, 20)
	all = append(append(all, third...), fourth...)
	waitAssigned(t, db, rdb, all, b)
	checkOnce(t, db, all)
}
