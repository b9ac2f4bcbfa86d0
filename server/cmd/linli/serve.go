package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/linli/linli"
	"github.com/linli/linli/server/internal/app"
	"github.com/linli/linli/server/internal/config"
	"github.com/linli/linli/server/internal/redisconn"
	"github.com/linli/linli/server/internal/wechat"
)

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	demo := fl.Bool("demo", false, "seed a demo community when the database is empty, and print how to log in")
	if err := fl.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := newLogger(stdout)
	log.Info("memory limit", "bytes", app.LimitMemory(getenv))
	key, err := dataKey(cfg, getenv, log)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg.MySQLDSN, log)
	if err != nil {
		return err
	}
	defer db.Close()
	rdb, err := redisconn.Open(ctx, cfg.RedisURL)
	if err != nil {
		return err
	}
	defer rdb.Close()

	var fake *wechat.Fake
	var fakeURL *url.URL
	if cfg.WechatFake {
		fake = wechat.NewFake(time.Now)
		for _, key := range cfg.WechatLongTerm {
			fake.SetLongTerm(cfg.WechatTemplates[key])
		}
		var stop func()
		if fakeURL, stop, err = fake.Start(); err != nil {
			return err
		}
		defer stop()
		log.Warn("using the fake WeChat: for tests and local runs only", "addr", fakeURL.Host)
	}
	// The library reads this global on every call; it is set once, here.
	util.DefaultHTTPClient = wechat.NewHTTPClient(fakeURL)
	wx := wechat.New(wechat.Config{AppID: cfg.WechatAppID, Secret: cfg.WechatSecret}, wechat.NewCache(rdb, cfg.RedisPrefix))

	a, err := app.New(app.Options{
		DB: db, Redis: rdb, KeyPrefix: cfg.RedisPrefix, Log: log, Now: time.Now, DataKey: key,
		DataKeyVersion: cfg.DataKeyVersion, PreviousDataKey: cfg.PreviousDataKey,
		WeChat: wx, Templates: cfg.WechatTemplates, TrustedProxies: cfg.TrustedProxies, Fake: fake,
		UploadDir: cfg.UploadDir, PublicURL: cfg.PublicURL, LongTerm: cfg.WechatLongTerm, Console: consoleFiles(cfg),
		LoginsPerMinute: cfg.LoginsPerMinute,
	})
	if err != nil {
		return err
	}
	a.Events.ClaimIdle = cfg.EventClaimIdle
	if *demo {
		if err := seedDemo(ctx, a, cfg.WechatTemplates, log); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		if fake != nil {
			acceptDemoPushes(fake, cfg.WechatTemplates)
		}
	}

	srv := &http.Server{
		Addr:              cfg.HTTPAddr,
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	log.Info("serving", "addr", ln.Addr().String(), "fake_wechat", cfg.WechatFake)
	if *demo {
		printLoginHelp(stdout, ln.Addr())
	}
	wctx, stopWorkers := context.WithCancel(ctx)
	defer stopWorkers()
	workers := runWorkers(wctx, a, log)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	stopWorkers()
	workers.Wait()
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// runWorkers starts the background work of the API's process: sending queued pushes, relaying
// and handling events (report dispatch), escalating overdue reports and safety alerts nobody
// confirmed, marking meals nobody collected as no-shows, and clearing orders a crash left
// half-made.
func runWorkers(ctx context.Context, a *app.App, log *slog.Logger) *sync.WaitGroup {
	var wg sync.WaitGroup
	wg.Go(func() { a.Pushes.Run(ctx, 200*time.Millisecond) })
	wg.Go(func() { a.Events.Run(ctx) })
	wg.Go(func() {
		t := time.NewTicker(30 * time.Second)
		defer t.Stop()
		for {
			if _, err := a.Reports.Escalate(ctx); err != nil && ctx.Err() == nil {
				log.Warn("report escalation", "error", err.Error())
			}
			if _, err := a.Courses.Remind(ctx); err != nil && ctx.Err() == nil {
				log.Warn("course reminders", "error", err.Error())
			}
			if n, err := a.Safety.Escalate(ctx); err != nil && ctx.Err() == nil {
				log.Warn("safety alert escalation", "error", err.Error())
			} else if n > 0 {
				log.Info("safety alerts escalated", "alerts", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
	wg.Go(func() {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			if _, err := a.Canteens.SweepPending(ctx); err != nil && ctx.Err() == nil {
				log.Warn("pending-order sweep", "error", err.Error())
			}
			if n, err := a.Canteens.SweepNoShows(ctx); err != nil && ctx.Err() == nil {
				log.Warn("no-show sweep", "error", err.Error())
			} else if n > 0 {
				log.Info("meals marked no-show", "orders", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
	return &wg
}

// consoleFiles is the console the binary serves: its embedded build, or LINLI_CONSOLE_DIR.
func consoleFiles(cfg config.Config) fs.FS {
	if cfg.ConsoleDir != "" {
		return os.DirFS(cfg.ConsoleDir)
	}
	return linli.Console()
}
