// Package database opens MySQL-compatible databases (MySQL 8.4, MariaDB 10.11, TiDB) and applies
// the migrations of sql/.
package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// ParseDSN reads a go-sql-driver DSN and sets what every connection of ours needs: times in UTC,
// parsed into time.Time, and the shared collation.
func ParseDSN(dsn string) (*mysql.Config, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse mysql dsn: %w", errors.New(strings.ReplaceAll(err.Error(), dsn, "<dsn>")))
	}
	if cfg.DBName == "" {
		return nil, errors.New("parse mysql dsn: no database name")
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.Collation = "utf8mb4_unicode_ci"
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["time_zone"] = "'+00:00'"
	// Arguments are escaped by the driver (safe with utf8mb4) instead of a server-side prepare,
	// execute and close per statement: half the round trips.
	cfg.InterpolateParams = true
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.ReadTimeout == 0 {
		cfg.ReadTimeout = 30 * time.Second
	}
	if cfg.WriteTimeout == 0 {
		cfg.WriteTimeout = 30 * time.Second
	}
	return cfg, nil
}

// Open opens a pool on cfg. MariaDB allows 151 connections by default: a replica keeps to 40, so
// three replicas and the admin tools fit.
func Open(cfg *mysql.Config) (*sql.DB, error) {
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("mysql connector: %w", err)
	}
	return pool(conn), nil
}

// pool opens the pool over a connector with the server's settings.
func pool(conn driver.Connector) *sql.DB {
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(40)
	// As many idle as open: a burst must not close and reopen connections.
	db.SetMaxIdleConns(40)
	db.SetConnMaxLifetime(30 * time.Minute)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db
}

// EnsureDatabase creates cfg's database when it is missing.
func EnsureDatabase(ctx context.Context, cfg *mysql.Config) error {
	return onServer(ctx, cfg, "CREATE DATABASE IF NOT EXISTS "+QuoteIdent(cfg.DBName)+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
}

// DropDatabase drops cfg's database if it exists (the benchmark's own, made afresh each run).
func DropDatabase(ctx context.Context, cfg *mysql.Config) error {
	return onServer(ctx, cfg, "DROP DATABASE IF EXISTS "+QuoteIdent(cfg.DBName))
}

// onServer runs one statement on cfg's server, outside any database.
func onServer(ctx context.Context, cfg *mysql.Config, q string) error {
	server := cfg.Clone()
	server.DBName = ""
	db, err := Open(server)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("database %s: %w", cfg.DBName, err)
	}
	return nil
}

// QuoteIdent quotes a schema or table name.
func QuoteIdent(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// Migrate applies every pending migration of fsys (files at its root). Replicas that start
// together take turns through goose's lock table, which works on all three engines.
func Migrate(ctx context.Context, db *sql.DB, fsys fs.FS, log *slog.Logger) error {
	locker, err := lock.NewMySQLTableLocker(
		lock.WithTableLockTimeout(200*time.Millisecond, 1500),
		lock.WithTableLogger(log),
	)
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectMySQL, db, fsys,
		goose.WithLocker(locker),
		goose.WithDisableGlobalRegistry(true),
	)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range results {
		log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "took_ms", r.Duration.Milliseconds())
	}
	return nil
}

// MySQL error numbers translated at the store boundaries.
const (
	errDuplicate    = 1062
	errDeadlock     = 1213
	errLockWaitTime = 1205
)

// IsDuplicate reports whether err is a duplicate-key violation.
func IsDuplicate(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == errDuplicate
}

func isRetryable(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && (me.Number == errDeadlock || me.Number == errLockWaitTime)
}

// InTx runs fn in a transaction and commits it. A deadlock or lock-wait timeout is retried once,
// from the start, since MySQL has already rolled the transaction back.
func InTx(ctx context.Context, db *sql.DB, fn func(tx *sql.Tx) error) error {
	err := inTxOnce(ctx, db, fn)
	if isRetryable(err) {
		err = inTxOnce(ctx, db, fn)
	}
	return err
}

func inTxOnce(ctx context.Context, db *sql.DB, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Queryer is a *sql.DB, *sql.Tx or *sql.Conn.
type Queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Int64s runs a query of one integer column (ids, mostly) and answers its values, never nil.
func Int64s(ctx context.Context, q Queryer, query string, args ...any) ([]int64, error) {
	out, err := Collect(ctx, q, query, args, func(r Scanner) (int64, error) {
		var v int64
		return v, r.Scan(&v)
	})
	if err != nil {
		return nil, fmt.Errorf("ids: %w", err)
	}
	return out, nil
}

// Scanner is a *sql.Row or *sql.Rows (an alias, so that func(interface{ Scan(...any) error })
// scanners fit).
type Scanner = interface{ Scan(dest ...any) error }

// Collect runs query and reads every row with scan; never nil.
func Collect[T any](ctx context.Context, q Queryer, query string, args []any, scan func(Scanner) (T, error)) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Int64Pairs runs a query of two integer columns and answers its rows, never nil.
func Int64Pairs(ctx context.Context, q Queryer, query string, args ...any) ([][2]int64, error) {
	out, err := Collect(ctx, q, query, args, func(r Scanner) (p [2]int64, err error) {
		return p, r.Scan(&p[0], &p[1])
	})
	if err != nil {
		return nil, fmt.Errorf("pairs: %w", err)
	}
	return out, nil
}

// InList is the placeholders of an IN list for ids ("?, ?, ?") and the ids as arguments.
func InList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}

// likeEscaper takes LIKE's own characters literally.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// LikePrefix is a LIKE pattern matching values that start with s: unlike LikeAny, an index on
// the column serves it.
func LikePrefix(s string) string { return likeEscaper.Replace(s) + "%" }

// LikeAny is a LIKE pattern matching s anywhere in a value.
func LikeAny(s string) string { return "%" + likeEscaper.Replace(s) + "%" }

// Contains is the condition that column col holds s anywhere, with its argument; for s "" it is
// TRUE, with none. Meant for a community's settings (canteens, buildings, grids), whose few rows
// an index on the text would not help read.
func Contains(col, s string) (string, []any) {
	if s == "" {
		return "TRUE", nil
	}
	return col + " LIKE ?", []any{LikeAny(s)}
}
