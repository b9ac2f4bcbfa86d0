package history

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Rows go to MySQL as multi-row INSERTs written as SQL text: values are literals this package
// makes (numbers, dates, X'..' binaries, and strings quoted by doubling the quote, which means the
// same whatever sql_mode says of backslashes), so the driver neither interpolates nor prepares,
// and a statement carries up to maxRows rows or about maxBytes.
const (
	maxRows  = 2000
	maxBytes = 1 << 20
)

// table is a table's name and the columns a batch fills, in order.
type table struct {
	name string
	cols []string
	head string
}

func newTable(name string, cols ...string) *table {
	return &table{name: name, cols: cols, head: "INSERT INTO " + name + " (" + strings.Join(cols, ", ") + ") VALUES "}
}

// statement is one INSERT ready to send.
type statement struct {
	table string
	sql   []byte
	rows  int
}

// sink runs statements on a few connections in parallel and counts the rows per table.
type sink struct {
	ctx    context.Context
	jobs   chan statement
	wg     sync.WaitGroup
	mu     sync.Mutex
	err    error
	failed atomic.Bool
	counts sync.Map // table name → *atomic.Int64
	// free keeps the buffers of statements sent, for the next ones.
	free chan []byte
}

func newSink(ctx context.Context, db *sql.DB, workers int) (*sink, error) {
	s := &sink{ctx: ctx, jobs: make(chan statement, 2*workers), free: make(chan []byte, 4*workers)}
	conns := make([]*sql.Conn, workers)
	for i := range conns {
		c, err := db.Conn(ctx)
		if err != nil {
			for _, c := range conns[:i] {
				c.Close()
			}
			return nil, fmt.Errorf("seed connection: %w", err)
		}
		conns[i] = c
	}
	for _, c := range conns {
		s.wg.Go(func() {
			defer c.Close()
			for st := range s.jobs {
				if s.failed.Load() {
					continue
				}
				if _, err := c.ExecContext(ctx, string(st.sql)); err != nil {
					s.fail(fmt.Errorf("insert into %s: %w", st.table, err))
					continue
				}
				s.count(st.table).Add(int64(st.rows))
				select {
				case s.free <- st.sql[:0]:
				default:
				}
			}
		})
	}
	return s, nil
}

func (s *sink) buffer() []byte {
	select {
	case b := <-s.free:
		return b
	default:
		return make([]byte, 0, maxBytes+64<<10)
	}
}

func (s *sink) count(table string) *atomic.Int64 {
	v, _ := s.counts.LoadOrStore(table, new(atomic.Int64))
	return v.(*atomic.Int64)
}

func (s *sink) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = err
	}
	s.failed.Store(true)
}

// send queues a statement; it answers false once the seeding failed or was cancelled.
func (s *sink) send(st statement) bool {
	if s.failed.Load() {
		return false
	}
	select {
	case s.jobs <- st:
		return true
	case <-s.ctx.Done():
		s.fail(s.ctx.Err())
		return false
	}
}

// close waits for every statement queued and answers the first error.
func (s *sink) close() error {
	close(s.jobs)
	s.wg.Wait()
	return s.err
}

// rows answers the rows written per table.
func (s *sink) rows() map[string]int64 {
	out := map[string]int64{}
	s.counts.Range(func(k, v any) bool {
		out[k.(string)] = v.(*atomic.Int64).Load()
		return true
	})
	return out
}

// batch builds one table's INSERTs a row at a time: Row, then one call per column, then End.
// It is used by one goroutine.
type batch struct {
	t    *table
	s    *sink
	buf  []byte
	rows int
	vals int
}

func (s *sink) batch(t *table) *batch { return &batch{t: t, s: s} }

// Row starts a row.
func (b *batch) Row() *batch {
	if b.buf == nil {
		b.buf = append(b.s.buffer(), b.t.head...)
	}
	if b.rows > 0 {
		b.buf = append(b.buf, ',')
	}
	b.buf = append(b.buf, '(')
	b.vals = 0
	return b
}

func (b *batch) sep() {
	if b.vals > 0 {
		b.buf = append(b.buf, ',')
	}
	b.vals++
}

// End closes the row, and sends the statement when it is full.
func (b *batch) End() {
	if b.vals != len(b.t.cols) {
		panic(fmt.Sprintf("history: %s row has %d values for %d columns", b.t.name, b.vals, len(b.t.cols)))
	}
	b.buf = append(b.buf, ')')
	b.rows++
	if b.rows >= maxRows || len(b.buf) >= maxBytes {
		b.Flush()
	}
}

// Flush sends what is buffered.
func (b *batch) Flush() {
	if b.rows == 0 {
		return
	}
	b.s.send(statement{table: b.t.name, sql: b.buf, rows: b.rows})
	b.buf, b.rows = nil, 0
}

// Int writes an integer.
func (b *batch) Int(v int64) *batch {
	b.sep()
	b.buf = strconv.AppendInt(b.buf, v, 10)
	return b
}

// ID writes an id, NULL for 0.
func (b *batch) ID(v int64) *batch {
	if v == 0 {
		return b.Null()
	}
	return b.Int(v)
}

// Bool writes TRUE or FALSE as 1 or 0.
func (b *batch) Bool(v bool) *batch {
	if v {
		return b.Int(1)
	}
	return b.Int(0)
}

// Null writes NULL.
func (b *batch) Null() *batch {
	b.sep()
	b.buf = append(b.buf, "NULL"...)
	return b
}

// Str writes a string literal. Strings here are made by this package and never hold a backslash
// or NUL, whose meaning in a literal depends on sql_mode.
func (b *batch) Str(v string) *batch {
	if strings.ContainsAny(v, "\\\x00") {
		panic(fmt.Sprintf("history: %q has a backslash or NUL", v))
	}
	b.sep()
	b.buf = append(b.buf, '\'')
	for i := 0; i < len(v); i++ {
		if v[i] == '\'' {
			b.buf = append(b.buf, '\'')
		}
		b.buf = append(b.buf, v[i])
	}
	b.buf = append(b.buf, '\'')
	return b
}

// Bin writes bytes as X'..', NULL for none.
func (b *batch) Bin(v []byte) *batch {
	if len(v) == 0 {
		return b.Null()
	}
	b.sep()
	b.buf = append(b.buf, "X'"...)
	b.buf = hex.AppendEncode(b.buf, v)
	b.buf = append(b.buf, '\'')
	return b
}

// Time writes a DATETIME(6) in UTC, NULL for the zero time.
func (b *batch) Time(t time.Time) *batch {
	if t.IsZero() {
		return b.Null()
	}
	b.sep()
	b.buf = append(b.buf, '\'')
	b.buf = t.UTC().AppendFormat(b.buf, "2006-01-02 15:04:05.000000")
	b.buf = append(b.buf, '\'')
	return b
}

// Date writes a DATE given as YYYY-MM-DD, NULL for "".
func (b *batch) Date(d string) *batch {
	if d == "" {
		return b.Null()
	}
	return b.Str(d)
}
