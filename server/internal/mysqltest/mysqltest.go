// Package mysqltest gives each test a fresh, migrated MySQL database of its own, copied from a
// template database that is migrated once per run, so tests can run in parallel.
package mysqltest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/linli/linli"
	"github.com/linli/linli/server/internal/database"
)

// DefaultDSN is the server make test uses (scripts/services.sh creates the user).
const DefaultDSN = "linli:linli@tcp(127.0.0.1:3306)/linli_test"

var (
	once     sync.Once
	initErr  error
	admin    *sql.DB
	base     *mysql.Config
	template string
	tables   []string
	seq      atomic.Int64
)

func setup() {
	dsn := os.Getenv("LINLI_TEST_MYSQL_DSN")
	if dsn == "" {
		dsn = DefaultDSN
	}
	base, initErr = database.ParseDSN(dsn)
	if initErr != nil {
		return
	}
	server := base.Clone()
	server.DBName = ""
	if admin, initErr = database.Open(server); initErr != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dropStale(ctx)
	sum, err := migrationsHash()
	if err != nil {
		initErr = err
		return
	}
	template = "linli_tpl_" + sum
	tcfg := base.Clone()
	tcfg.DBName = template
	if initErr = database.EnsureDatabase(ctx, tcfg); initErr != nil {
		return
	}
	tdb, err := database.Open(tcfg)
	if err != nil {
		initErr = err
		return
	}
	defer tdb.Close()
	if initErr = database.Migrate(ctx, tdb, linli.Migrations(), slog.New(slog.DiscardHandler)); initErr != nil {
		return
	}
	rows, err := admin.QueryContext(ctx, "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'", template)
	if err != nil {
		initErr = err
		return
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if initErr = rows.Scan(&name); initErr != nil {
			return
		}
		tables = append(tables, name)
	}
	initErr = rows.Err()
}

// migrationsHash names the template after the migrations, so a changed migration makes a new one.
func migrationsHash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(linli.Migrations(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(linli.Migrations(), path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:12], err
}

// dropStale removes databases left by test processes that were killed before their cleanup.
func dropStale(ctx context.Context) {
	rows, err := admin.QueryContext(ctx, "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'linli\\_t\\_%'")
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		parts := strings.Split(name, "_")
		if len(parts) < 4 {
			continue
		}
		pid, err := strconv.Atoi(parts[2])
		if err != nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); os.IsNotExist(err) {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+database.QuoteIdent(name))
	}
}

// NewDB returns a pool on a fresh database with every migration applied, dropped when t ends.
func NewDB(t testing.TB) *sql.DB {
	t.Helper()
	db, _ := newDB(t, true)
	return db
}

// NewDSN returns the DSN of a fresh database with every migration applied, dropped when t ends.
func NewDSN(t testing.TB) string {
	t.Helper()
	_, dsn := newDB(t, true)
	return dsn
}

// EmptyDSN returns the DSN of a database name that does not exist yet (dropped when t ends), for
// tests of creating and migrating it.
func EmptyDSN(t testing.TB) string {
	t.Helper()
	_, dsn := newDB(t, false)
	return dsn
}

// Record has every database NewDB opens from now on send its statements through rec (the query
// guard explains them; see server/internal/querycheck).
func Record(rec *database.Recorder) { recorder.Store(rec) }

var recorder atomic.Pointer[database.Recorder]

func newDB(t testing.TB, create bool) (*sql.DB, string) {
	t.Helper()
	db, dsn, drop, err := Fresh(create)
	t.Cleanup(func() {
		if db != nil {
			db.Close()
		}
		if err := drop(); err != nil {
			t.Errorf("mysqltest: %v", err)
		}
	})
	if err != nil {
		t.Fatalf("mysqltest: %v", err)
	}
	return db, dsn
}

// Fresh is NewDB (create) or EmptyDSN (!create) outside a test (a TestMain, say): drop removes
// the database, and is to be called whatever the error.
func Fresh(create bool) (db *sql.DB, dsn string, drop func() error, err error) {
	once.Do(setup)
	drop = func() error { return nil }
	if initErr != nil {
		return nil, "", drop, fmt.Errorf("%v (is MariaDB running? make test starts it)", initErr)
	}
	ctx := context.Background()
	name := fmt.Sprintf("linli_t_%d_%d", os.Getpid(), seq.Add(1))
	drop = func() error {
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+database.QuoteIdent(name)); err != nil {
			return fmt.Errorf("drop %s: %w", name, err)
		}
		return nil
	}
	cfg := base.Clone()
	cfg.DBName = name
	if !create {
		return nil, cfg.FormatDSN(), drop, nil
	}
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+database.QuoteIdent(name)+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		return nil, "", drop, fmt.Errorf("create %s: %w", name, err)
	}
	for _, tbl := range tables {
		dst := database.QuoteIdent(name) + "." + database.QuoteIdent(tbl)
		src := database.QuoteIdent(template) + "." + database.QuoteIdent(tbl)
		if _, err := admin.ExecContext(ctx, "CREATE TABLE "+dst+" LIKE "+src); err != nil {
			return nil, "", drop, fmt.Errorf("copy table %s: %w", tbl, err)
		}
		if _, err := admin.ExecContext(ctx, "INSERT INTO "+dst+" SELECT * FROM "+src); err != nil {
			return nil, "", drop, fmt.Errorf("copy rows of %s: %w", tbl, err)
		}
	}
	if rec := recorder.Load(); rec != nil {
		db, err = database.OpenRecorded(cfg, rec)
	} else {
		db, err = database.Open(cfg)
	}
	if err != nil {
		return nil, "", drop, fmt.Errorf("open %s: %w", name, err)
	}
	db.SetMaxOpenConns(10)
	return db, cfg.FormatDSN(), drop, nil
}
