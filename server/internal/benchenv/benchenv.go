// Package benchenv sets up what the benchmark commands run against: a database of their own,
// made afresh and migrated; their own key prefix in Redis, with the server's Redis settings; the
// fake WeChat, reached as the real client reaches WeChat; and the app wired as serve wires it,
// under the memory limit serve sets.
package benchenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/util"

	"github.com/linli/linli"
	"github.com/linli/linli/server/internal/app"
	"github.com/linli/linli/server/internal/config"
	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/redisconn"
	"github.com/linli/linli/server/internal/wechat"
)

// Getenv is os.Getenv with a default.
func Getenv(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// DSN and RedisURL are the addresses a bench uses unless flags say otherwise.
func DSN() string      { return Getenv("LINLI_MYSQL_DSN", config.DefaultMySQLDSN) }
func RedisURL() string { return Getenv("LINLI_REDIS_URL", config.DefaultRedisURL) }

// Options say where and what.
type Options struct {
	DSN, RedisURL string
	// Database replaces the DSN's database name; it is dropped and made afresh.
	Database string
	// Prefix starts the bench's Redis keys (a random part is added); they are removed on Close.
	Prefix string
	// Templates and LongTerm are the subscribe templates, as LINLI_WECHAT_TEMPLATES and
	// LINLI_WECHAT_LONG_TERM give them to serve.
	Templates map[string]string
	LongTerm  []string
}

// Env is a bench's world. Close undoes it.
type Env struct {
	DB    *sql.DB
	Redis *redis.Client
	App   *app.App
	// Fake is the fake WeChat; its Messages are the pushes the app sent.
	Fake *wechat.Fake
	// DataKey is the app's personal-data key (made afresh for each Env).
	DataKey []byte
	undo    []func()
}

// Open makes the database, connects to Redis, starts the fake WeChat and wires the app.
func Open(ctx context.Context, o Options) (e *Env, err error) {
	e = &Env{}
	defer func() {
		if err != nil {
			e.Close()
		}
	}()
	cfg, err := database.ParseDSN(o.DSN)
	if err != nil {
		return nil, err
	}
	cfg.DBName = o.Database
	if err := database.DropDatabase(ctx, cfg); err != nil {
		return nil, err
	}
	if err := database.EnsureDatabase(ctx, cfg); err != nil {
		return nil, err
	}
	e.undo = append(e.undo, func() { _ = database.DropDatabase(context.Background(), cfg) })
	if e.DB, err = database.Open(cfg); err != nil {
		return nil, err
	}
	e.undo = append(e.undo, func() { e.DB.Close() })
	if err := database.Migrate(ctx, e.DB, linli.Migrations(), slog.New(slog.DiscardHandler)); err != nil {
		return nil, err
	}
	if e.Redis, err = redisconn.Open(ctx, o.RedisURL); err != nil {
		return nil, err
	}
	e.undo = append(e.undo, func() { e.Redis.Close() })
	prefix := o.Prefix + randomHex(4) + ":"
	e.undo = append(e.undo, func() { cleanRedis(e.Redis, prefix) })

	e.Fake = wechat.NewFake(time.Now)
	for _, key := range o.LongTerm {
		e.Fake.SetLongTerm(o.Templates[key])
	}
	fakeURL, stopFake, err := e.Fake.Start()
	if err != nil {
		return nil, err
	}
	e.undo = append(e.undo, stopFake)
	util.DefaultHTTPClient = wechat.NewHTTPClient(fakeURL)
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	e.DataKey = key
	app.LimitMemory(os.Getenv)
	uploads, err := os.MkdirTemp("", "linli-bench-uploads-")
	if err != nil {
		return nil, err
	}
	e.undo = append(e.undo, func() { _ = os.RemoveAll(uploads) })
	e.App, err = app.New(app.Options{
		DB: e.DB, Redis: e.Redis, KeyPrefix: prefix, Log: slog.New(slog.DiscardHandler), Now: time.Now, DataKey: key,
		WeChat:    wechat.New(wechat.Config{AppID: "wxbench", Secret: "bench"}, wechat.NewCache(e.Redis, prefix)),
		Templates: o.Templates, LongTerm: o.LongTerm, TrustedProxies: []string{"127.0.0.1"},
		UploadDir: uploads, PublicURL: "http://localhost",
	})
	return e, err
}

// Close stops the fake WeChat, removes the bench's Redis keys, closes the connections and drops
// the database.
func (e *Env) Close() {
	for i := len(e.undo) - 1; i >= 0; i-- {
		e.undo[i]()
	}
	e.undo = nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func cleanRedis(rdb *redis.Client, prefix string) {
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		rdb.Del(ctx, iter.Val())
	}
}

// Resident is a user with a record of their own and a session.
type Resident struct {
	UserID, PersonID int64
	Token            string
}

// Residents makes n residents of pr's community as a new user would become one (sign-in, then
// their profile), each named pr.Name and a number, with WeChat openids starting with prefix, and
// a session each; 16 at a time.
func Residents(ctx context.Context, a *app.App, pr person.Profile, n int, prefix string) ([]Resident, error) {
	out := make([]Resident, n)
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
				if i >= n {
					return
				}
				err := func() error {
					uid, err := a.Accounts.UserIDByOpenID(ctx, fmt.Sprintf("%s%d", prefix, i))
					if err != nil {
						return err
					}
					p := pr
					p.Name, p.Room = fmt.Sprintf("%s%d", pr.Name, i), fmt.Sprint(i)
					own, err := a.Persons.SaveOwn(ctx, uid, p)
					if err != nil {
						return err
					}
					tok, _, err := a.Accounts.Sessions().Create(ctx, uid)
					out[i] = Resident{UserID: uid, PersonID: own.ID, Token: tok}
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
	return out, first
}
