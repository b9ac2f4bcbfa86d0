// Package benchload drives requests at the real HTTP server for the bench commands: each user
// keeps one HTTP/1.1 connection and sends prepared bytes, so that the load generator costs little
// next to the server it measures; a burst releases every request at one instant, a series sends
// requests one after another on a few connections. Results are the answers' statuses and
// latencies.
package benchload

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Conn is one kept-alive HTTP/1.1 connection that sends prepared requests.
type Conn struct {
	net.Conn
	r *bufio.Reader
}

// Dial connects to the server at addr.
func Dial(addr string) (*Conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &Conn{Conn: c, r: bufio.NewReader(c)}, nil
}

// Do sends one request and reads its answer, returning the status.
func (c *Conn) Do(req []byte) (int, error) {
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

// Get is a prepared GET of path with the session's token ("" for none).
func Get(path, token string) []byte {
	auth := ""
	if token != "" {
		auth = "Authorization: Bearer " + token + "\r\n"
	}
	return fmt.Appendf(nil, "GET %s HTTP/1.1\r\nHost: bench\r\n%s\r\n", path, auth)
}

// Post is a prepared POST of a JSON body with the session's token and, as the mini-program
// sends it, an Idempotency-Key (unless noKey).
func Post(path, token string, body []byte, noKey bool) []byte {
	key := ""
	if !noKey {
		key = "Idempotency-Key: " + RandomHex(16) + "\r\n"
	}
	return fmt.Appendf(nil, "POST %s HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"+
		"Authorization: Bearer %s\r\n%sContent-Length: %d\r\n\r\n%s", path, token, key, len(body), body)
}

// Result is the answers of a burst or a series.
type Result struct {
	Statuses  []int
	Latencies []time.Duration
	Wall      time.Duration
	// Errors counts requests that got no answer.
	Errors int
}

// Count is how many answers had the status.
func (r Result) Count(status int) int {
	n := 0
	for _, s := range r.Statuses {
		if s == status {
			n++
		}
	}
	return n
}

// Server5xx is how many answers were server errors.
func (r Result) Server5xx() int {
	n := 0
	for _, s := range r.Statuses {
		if s >= 500 {
			n++
		}
	}
	return n
}

// Not2xx is how many requests got no answer, or one outside 2xx.
func (r Result) Not2xx() int {
	n := 0
	for _, s := range r.Statuses {
		if s < 200 || s > 299 {
			n++
		}
	}
	return n
}

// Rate is the answers per second.
func (r Result) Rate() float64 { return float64(len(r.Statuses)) / r.Wall.Seconds() }

// Pct is the p-th percentile latency.
func (r Result) Pct(p int) time.Duration {
	l := slices.Clone(r.Latencies)
	slices.Sort(l)
	if len(l) == 0 {
		return 0
	}
	return l[min(len(l)-1, len(l)*p/100)]
}

// Burst runs n requests at once, each on its own goroutine released together.
func Burst(n int, call func(i int) (int, error)) Result {
	res := Result{Statuses: make([]int, n), Latencies: make([]time.Duration, n)}
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
			res.Latencies[i] = time.Since(t)
			res.Statuses[i] = status
			if err != nil {
				errors.Add(1)
			}
		})
	}
	ready.Wait()
	t := time.Now()
	close(start)
	wg.Wait()
	res.Wall = time.Since(t)
	res.Errors = int(errors.Load())
	return res
}

// Series sends req n times, one after another on each connection, all connections at once; it
// stops early once limit has passed and at least least requests were answered.
func Series(conns []*Conn, req []byte, n, least int, limit time.Duration) Result {
	var (
		mu    sync.Mutex
		res   Result
		wg    sync.WaitGroup
		sent  atomic.Int64
		start = time.Now()
	)
	for _, c := range conns {
		wg.Go(func() {
			for {
				k := sent.Add(1)
				if k > int64(n) || (k > int64(least) && time.Since(start) > limit) {
					return
				}
				t := time.Now()
				status, err := c.Do(req)
				d := time.Since(t)
				mu.Lock()
				res.Statuses, res.Latencies = append(res.Statuses, status), append(res.Latencies, d)
				if err != nil {
					res.Errors++
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	res.Wall = time.Since(start)
	return res
}

// RandomHex is n random bytes in hex.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// NumCPU is the machine's processors, as /proc/cpuinfo counts them.
func NumCPU() int {
	n := 0
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		n = bytes.Count(b, []byte("processor\t:"))
	}
	return n
}

// Ms is d in milliseconds.
func Ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Median is the middle of v (the upper one of an even count).
func Median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
