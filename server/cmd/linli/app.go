package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/linli/linli"
	"github.com/linli/linli/server/internal/config"
	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/person"
)

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// openDB creates the database when missing, migrates it, and returns a pool.
func openDB(ctx context.Context, dsn string, log *slog.Logger) (*sql.DB, error) {
	cfg, err := database.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	if err := database.EnsureDatabase(ctx, cfg); err != nil {
		return nil, err
	}
	db, err := database.Open(cfg)
	if err != nil {
		return nil, err
	}
	if err := database.Migrate(ctx, db, linli.Migrations(), log); err != nil {
		db.Close()
		return nil, err
	}
	// Data a migration adds that only Go can compute.
	if n, err := person.FillInitials(ctx, db); err != nil {
		db.Close()
		return nil, err
	} else if n > 0 {
		log.Info("filled in the pinyin initials of persons", "persons", n)
	}
	return db, nil
}

// mysqlDSN is what migrate and admin use: they need only MySQL, not the whole configuration.
func mysqlDSN(getenv func(string) string) string {
	if dsn := getenv("LINLI_MYSQL_DSN"); dsn != "" {
		return dsn
	}
	return config.DefaultMySQLDSN
}

func migrateCmd(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	db, err := openDB(ctx, mysqlDSN(getenv), newLogger(stdout))
	if err != nil {
		return err
	}
	return db.Close()
}

// localDataKey is where a local run keeps the data key it generated (git-ignored).
const localDataKey = ".linli/data.key"

// dataKey is LINLI_DATA_KEY, or in fake mode a key generated once and kept in a local file so
// the next run can still read its data. Real mode never starts without one.
func dataKey(cfg config.Config, getenv func(string) string, log *slog.Logger) ([]byte, error) {
	if cfg.DataKey != nil {
		return cfg.DataKey, nil
	}
	if !cfg.WechatFake {
		return nil, errors.New("LINLI_DATA_KEY is required (base64 of 32 bytes; generate one with: head -c 32 /dev/urandom | base64)")
	}
	path := getenv("LINLI_DATA_KEY_FILE")
	if path == "" {
		path = localDataKey
	}
	if raw, err := os.ReadFile(path); err == nil {
		key, err := config.ParseDataKey(string(raw))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		log.Warn("LINLI_DATA_KEY is not set: using the local key file (local runs only)", "file", path)
		return key, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600); err != nil {
		return nil, err
	}
	log.Warn("LINLI_DATA_KEY is not set: generated a local key; set LINLI_DATA_KEY in production", "file", path)
	return key, nil
}
