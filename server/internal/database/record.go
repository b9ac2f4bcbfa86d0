package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/go-sql-driver/mysql"
)

// Recorder keeps every distinct statement sent through the pools opened with OpenRecorded, with
// the arguments of its first use: the query guard (server/internal/querycheck) explains them all.
type Recorder struct {
	mu    sync.Mutex
	seen  map[string]int
	stmts []Statement
	// Tests' own statements (a test reading what the server wrote) are left out: they are not
	// the server's (fromTest).
}

// Statement is one statement a recorded pool sent.
type Statement struct {
	Query string
	Args  []any
	// Count is how often it was sent.
	Count int
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder { return &Recorder{seen: map[string]int{}} }

func (r *Recorder) add(query string, args []driver.NamedValue) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i, ok := r.seen[query]; ok {
		r.stmts[i].Count++
		return
	}
	if fromTest() {
		return
	}
	vals := make([]any, len(args))
	for i, a := range args {
		vals[i] = a.Value
	}
	r.seen[query] = len(r.stmts)
	r.stmts = append(r.stmts, Statement{Query: query, Args: vals, Count: 1})
}

// Statements returns what was recorded, in the order first sent.
func (r *Recorder) Statements() []Statement {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.stmts)
}

// fromTest reports whether a _test.go file sent the statement being recorded: whether the first
// caller outside database/sql, the driver and this package is in one. (A test's request to the
// server is served on the test's own goroutine, so a test further down the stack proves nothing.)
func fromTest() bool {
	pcs := make([]uintptr, 32)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	for {
		f, more := frames.Next()
		switch {
		case strings.HasPrefix(f.Function, "database/sql."), strings.HasPrefix(f.Function, "github.com/go-sql-driver/"),
			strings.HasPrefix(f.Function, "github.com/linli/linli/server/internal/database.") && !strings.HasSuffix(f.File, "_test.go"):
		default:
			return strings.HasSuffix(f.File, "_test.go")
		}
		if !more {
			return false
		}
	}
}

// OpenRecorded is Open with every statement the pool sends recorded in rec.
func OpenRecorded(cfg *mysql.Config, rec *Recorder) (*sql.DB, error) {
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("mysql connector: %w", err)
	}
	return pool(recConnector{conn, rec}), nil
}

type recConnector struct {
	driver.Connector
	rec *Recorder
}

func (c recConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &recConn{conn.(mysqlConn), c.rec}, nil
}

// mysqlConn is what the MySQL driver's connections do, and so what a recorded one passes on.
type mysqlConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
	driver.NamedValueChecker
}

type recConn struct {
	mysqlConn
	rec *Recorder
}

// QueryContext and ExecContext record a statement the driver sends as it is; one it skips
// (driver.ErrSkip: it has arguments and is prepared instead) is recorded by its prepared
// statement.
func (c *recConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := c.mysqlConn.QueryContext(ctx, query, args)
	if !errors.Is(err, driver.ErrSkip) {
		c.rec.add(query, args)
	}
	return rows, err
}

func (c *recConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	res, err := c.mysqlConn.ExecContext(ctx, query, args)
	if !errors.Is(err, driver.ErrSkip) {
		c.rec.add(query, args)
	}
	return res, err
}

func (c *recConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := c.mysqlConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return &recStmt{st.(mysqlStmt), query, c.rec}, nil
}

func (c *recConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

type mysqlStmt interface {
	driver.Stmt
	driver.StmtQueryContext
	driver.StmtExecContext
	driver.NamedValueChecker
}

type recStmt struct {
	mysqlStmt
	query string
	rec   *Recorder
}

func (s *recStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.rec.add(s.query, args)
	return s.mysqlStmt.QueryContext(ctx, args)
}

func (s *recStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.rec.add(s.query, args)
	return s.mysqlStmt.ExecContext(ctx, args)
}
