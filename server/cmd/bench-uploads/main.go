// Command bench-uploads measures the memory the server takes when uploads arrive at once:
// N users each POST /api/v1/uploads at the same instant, through the real HTTP server with
// MariaDB and Redis, and the process's peak resident memory is read from the kernel (VmHWM in
// /proc/self/status, reset before each burst through /proc/self/clear_refs). The server and this
// load generator are one process, so the figure counts both; the files are made before the
// reset and counted in the base. It runs under the memory limit serve sets (app.LimitMemory;
// GOMEMLIMIT overrides it, as for serve). It fails unless every answer is the one expected and,
// for the files that must, the peak stays under 300 MB.
//
//	go run ./server/cmd/bench-uploads -n 10
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/linli/linli/server/internal/benchenv"
	"github.com/linli/linli/server/internal/upload"
	"github.com/linli/linli/server/internal/upload/uploadtest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-uploads:", err)
		os.Exit(1)
	}
}

// goalRSS is what the server may reach while uploads arrive (the issue: four 7000×7000 PNGs of
// 16-bit colour at once took it to 3 GB).
const goalRSS = 300 << 20

// scenario is one burst: every user sends the same file at once.
type scenario struct {
	name string
	make func() ([]byte, error)
	// want is the answer every upload must get; 0 when 201 and 503 are both fair (a queue for
	// the decode turns that may outlast its wait).
	want int
}

func run() error {
	n := flag.Int("n", 10, "uploads at once, each from a user of its own")
	dsn := flag.String("dsn", benchenv.DSN(), "MySQL DSN; the database name is replaced by linli_bench_uploads")
	redisURL := flag.String("redis", benchenv.RedisURL(), "Redis URL")
	flag.Parse()
	ctx := context.Background()

	env, err := benchenv.Open(ctx, benchenv.Options{DSN: *dsn, RedisURL: *redisURL, Database: "linli_bench_uploads", Prefix: "benchu:"})
	if err != nil {
		return err
	}
	defer env.Close()
	tokens := make([]string, *n)
	for i := range tokens {
		uid, err := env.App.Accounts.UserIDByOpenID(ctx, fmt.Sprintf("fake-bench-uploader-%d", i))
		if err != nil {
			return err
		}
		if tokens[i], _, err = env.App.Accounts.Sessions().Create(ctx, uid); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	// serve's timeouts.
	srv := &http.Server{Handler: env.App.Handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, WriteTimeout: 60 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/api/v1/uploads"

	scenarios := []scenario{
		{"7000×7000 PNG, 16-bit RGBA (the probe's)", func() ([]byte, error) { return uploadtest.PNG16(7000, 7000), nil }, 413},
		{"16384×16384 WebP bomb, 124 bytes", func() ([]byte, error) { return uploadtest.WebPBomb(), nil }, 413},
		{"phone photo: 4032×3024 JPEG, turned", phonePhoto, 0},
		{"at the decode limit: 4000×4000 PNG, RGBA", atTheLimit, 0},
		{"at the size limit: 10 MB JPEG", atTheSizeLimit, 0},
	}
	limit := "none"
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		limit = fmt.Sprintf("%d MiB", l>>20)
	}
	fmt.Printf("%d uploads at once; decode limit %d MiB, %d decodes and %d MiB of bodies at once; memory limit %s; GOMAXPROCS %d\n\n",
		*n, upload.DefaultMaxDecode>>20, upload.DefaultDecodes, upload.DefaultBodies>>20, limit, runtime.GOMAXPROCS(0))
	fmt.Printf("%-42s %9s  %-16s %8s %8s %8s %9s\n", "file", "size", "answers", "base", "peak", "heap", "last")
	var failed []string
	for _, sc := range scenarios {
		data, err := sc.make()
		if err != nil {
			return err
		}
		body, contentType := multipartBody(data)
		data = nil
		r, err := burst(url, tokens, body, contentType)
		if err != nil {
			return err
		}
		fmt.Printf("%-42s %9s  %-16s %7.0fM %7.0fM %7.0fM %9s\n", sc.name, size(len(body)), r.answers(),
			mb(r.base), mb(r.peak), mb(r.heap), r.last.Round(time.Millisecond))
		for code, count := range r.statuses {
			if (sc.want != 0 && code != sc.want) || (sc.want == 0 && code != 201 && code != 503) {
				failed = append(failed, fmt.Sprintf("%s: %d answered %d", sc.name, count, code))
			}
		}
		if r.peak > goalRSS {
			failed = append(failed, fmt.Sprintf("%s: peak %.0f MB over the goal of %d MB", sc.name, mb(r.peak), goalRSS>>20))
		}
	}
	fmt.Printf("\npeak: the process's VmHWM during the burst; base: its VmRSS before; heap: the most heap\n" +
		"objects seen (runtime/metrics, sampled every 5 ms); last: the slowest answer. Goal: peak < 300 MB.\n")
	if len(failed) > 0 {
		return errors.New(strings.Join(failed, "; "))
	}
	return nil
}

// result is what a burst gave.
type result struct {
	statuses         map[int]int
	base, peak, heap uint64
	last             time.Duration
}

func (r result) answers() string {
	codes := make([]int, 0, len(r.statuses))
	for c := range r.statuses {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d×%d", r.statuses[c], c))
	}
	return strings.Join(parts, " ")
}

// burst sends body from every user at once, after freeing what came before and resetting the
// process's peak resident memory.
func burst(url string, tokens []string, body []byte, contentType string) (result, error) {
	r := result{statuses: map[int]int{}}
	runtime.GC()
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return r, fmt.Errorf("reset the peak resident memory: %w", err)
	}
	var err error
	if r.base, err = procStatus("VmRSS"); err != nil {
		return r, err
	}
	var done atomic.Bool
	heap := make(chan uint64)
	go func() { heap <- sampleHeap(&done) }()

	start := make(chan struct{})
	var (
		wg sync.WaitGroup
		mu sync.Mutex
	)
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: len(tokens), MaxIdleConnsPerHost: len(tokens)}}
	for i, token := range tokens {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", contentType)
			// As the mini-program sends: the server then holds the body for its hash too.
			req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), i))
			<-start
			t0 := time.Now()
			resp, err := client.Do(req)
			status := 0
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				status = resp.StatusCode
			}
			mu.Lock()
			defer mu.Unlock()
			r.statuses[status]++
			r.last = max(r.last, time.Since(t0))
		})
	}
	close(start)
	wg.Wait()
	done.Store(true)
	r.heap = <-heap
	client.CloseIdleConnections()
	r.peak, err = procStatus("VmHWM")
	return r, err
}

// sampleHeap reports the most bytes in heap objects seen until done.
func sampleHeap(done *atomic.Bool) uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var most uint64
	for !done.Load() {
		metrics.Read(s)
		most = max(most, s[0].Value.Uint64())
		time.Sleep(5 * time.Millisecond)
	}
	return most
}

// procStatus reads a field of /proc/self/status in bytes.
func procStatus(field string) (uint64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/self/status", field)
}

func multipartBody(data []byte) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "photo")
	_, _ = fw.Write(data)
	_ = mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// phonePhoto is what a phone's camera gives: 12 MP, 4:2:0, with an EXIF orientation of a
// quarter turn (a portrait taken upright), and enough texture to weigh a few MB.
func phonePhoto() ([]byte, error) {
	img := textured(4032, 3024, 24)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		return nil, err
	}
	return uploadtest.JPEGWithExif(b.Bytes(), 6), nil
}

// atTheLimit is a picture whose decoding takes just under the limit: 4000×4000 RGBA is 64 MB.
func atTheLimit() ([]byte, error) {
	img := image.NewNRGBA(image.Rect(0, 0, 4000, 4000))
	for y := range 4000 {
		for x := range 4000 {
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(x), uint8(y), uint8(x^y), 0xff-uint8(x>>4)
		}
	}
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}

// atTheSizeLimit is a JPEG of noise that is as large as an upload may be (10 MB).
func atTheSizeLimit() ([]byte, error) {
	for side := 3000; side > 500; side -= side / 20 {
		img := textured(side, side, 255)
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
			return nil, err
		}
		if b.Len() <= upload.MaxSize-4<<10 {
			return b.Bytes(), nil
		}
	}
	return nil, errors.New("no JPEG under the size limit")
}

// textured is a gradient with noise of the given amplitude, as 4:2:0 planes.
func textured(w, h, noise int) image.Image {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	rng := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			img.Y[y*img.YStride+x] = uint8((x+y)/32 + rng.IntN(noise+1))
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(128+rng.IntN(noise/4+1)), uint8(100+rng.IntN(noise/4+1))
	}
	return img
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }

func size(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KB", n>>10)
}
