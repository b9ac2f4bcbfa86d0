package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/community"
	"github.com/linli/linli/server/internal/config"
	"github.com/linli/linli/server/internal/history"
	"github.com/linli/linli/server/internal/pii"
	"github.com/linli/linli/server/internal/reseal"
)

// admin runs the bootstrap commands. They need MySQL only: roles are read afresh on every
// request, so a grant acts at once in sessions already open.
func admin(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return errors.New("admin: no subcommand given")
	}
	fl := flag.NewFlagSet("admin "+args[0], flag.ContinueOnError)
	fl.SetOutput(stderr)
	name := fl.String("name", "", "name")
	communityID := fl.Int64("community", 0, "community id")
	userID := fl.Int64("user", 0, "user id")
	openid := fl.String("openid", "", "WeChat openid (the account is created if it never signed in)")
	role := fl.String("role", "", "staff, grid_worker, canteen_staff or volunteer")
	batch := fl.Int("batch", 200, "rows per transaction (reseal)")
	scale := fl.Float64("scale", 1, "volumes of the history, 1.0 as docs/performance.md gives them (seed-history)")
	communityCount := fl.Int("communities", 1, "communities the history is shared among (seed-history)")
	lat := fl.String("lat", "", "latitude of the community's service centre, e.g. 29.4519")
	lng := fl.String("lng", "", "longitude of the community's service centre, e.g. 119.8923")
	if err := fl.Parse(args[1:]); err != nil {
		return err
	}
	db, err := openDB(ctx, mysqlDSN(getenv), slog.New(slog.NewJSONHandler(stderr, nil)))
	if err != nil {
		return err
	}
	defer db.Close()
	communities := community.NewService(db, time.Now)
	// Granting needs no sessions, WeChat or personal-data key.
	accounts := account.NewService(db, nil, config.DefaultRedisPrefix, nil, nil, time.Now)

	switch args[0] {
	case "create-community":
		la, ln, err := point(*lat, *lng)
		if err != nil {
			return err
		}
		c, err := communities.Create(ctx, *name)
		if err != nil {
			return fmt.Errorf("create community: %w", err)
		}
		if la != nil {
			if _, err := communities.Locate(ctx, c.ID, la, ln); err != nil {
				return fmt.Errorf("locate community: %w", err)
			}
		}
		fmt.Fprintln(stdout, c.ID)
	case "locate-community":
		la, ln, err := point(*lat, *lng)
		if err != nil {
			return err
		}
		if _, err := communities.Locate(ctx, *communityID, la, ln); err != nil {
			return fmt.Errorf("locate community %d: %w", *communityID, err)
		}
		fmt.Fprintln(stdout, *communityID)
	case "add-building":
		b, err := communities.AddBuilding(ctx, *communityID, *name)
		if err != nil {
			return fmt.Errorf("add building: %w", err)
		}
		fmt.Fprintln(stdout, b.ID)
	case "grant", "revoke":
		if _, err := communities.Get(ctx, *communityID); err != nil {
			return fmt.Errorf("community %d: %w", *communityID, err)
		}
		uid := *userID
		switch {
		case uid != 0 && *openid != "":
			return errors.New("give --user or --openid, not both")
		case *openid != "":
			if uid, err = accounts.UserIDByOpenID(ctx, *openid); err != nil {
				return err
			}
		case uid == 0:
			return errors.New("--user or --openid is required")
		}
		if args[0] == "grant" {
			if _, err := accounts.Grant(ctx, *communityID, uid, account.Role(*role), 0); err != nil {
				return fmt.Errorf("grant: %w", err)
			}
		} else if err := accounts.Revoke(ctx, *communityID, uid, account.Role(*role), 0); err != nil {
			return fmt.Errorf("revoke: %w", err)
		}
		fmt.Fprintln(stdout, uid)
	case "reseal":
		return resealCmd(ctx, db, getenv, *batch, stdout)
	case "seed-history":
		return seedHistory(ctx, db, getenv, *scale, *communityCount, stdout, stderr)
	default:
		fmt.Fprintln(stderr, usage)
		return fmt.Errorf("admin: unknown subcommand %q", args[0])
	}
	return nil
}

// point reads --lat and --lng: both, or neither (nil, nil: no place).
func point(lat, lng string) (*float64, *float64, error) {
	if lat == "" && lng == "" {
		return nil, nil, nil
	}
	la, err1 := strconv.ParseFloat(lat, 64)
	ln, err2 := strconv.ParseFloat(lng, 64)
	if err1 != nil || err2 != nil {
		return nil, nil, errors.New("--lat and --lng must both be numbers, e.g. --lat 29.4519 --lng 119.8923")
	}
	return &la, &ln, nil
}

// resealCmd seals every personal value again under the current data key, then says whether the
// previous key may go.
func resealCmd(ctx context.Context, db *sql.DB, getenv func(string) string, batch int, stdout io.Writer) error {
	key, version, previous, err := config.DataKeys(getenv)
	if err != nil {
		return err
	}
	if key == nil {
		return errors.New("reseal: LINLI_DATA_KEY is required (the new key; the old one in LINLI_DATA_KEY_PREVIOUS)")
	}
	if batch < 1 || batch > 5000 {
		return errors.New("reseal: --batch must be 1 to 5000")
	}
	box, err := pii.NewRotatingBox(key, version, previous)
	if err != nil {
		return err
	}
	counts, err := reseal.Run(ctx, db, box, batch)
	for _, c := range counts {
		fmt.Fprintf(stdout, "%s: %d sealed again\n", c.Column, c.Resealed)
	}
	if err != nil {
		return fmt.Errorf("reseal: %w", err)
	}
	stale, err := reseal.Stale(ctx, db, box)
	if err != nil {
		return err
	}
	if stale > 0 {
		fmt.Fprintf(stdout, "%d values are still sealed with another key (written meanwhile?): run reseal again\n", stale)
		return nil
	}
	fmt.Fprintf(stdout, "every value is sealed with key version %d: LINLI_DATA_KEY_PREVIOUS can be removed\n", version)
	return nil
}

// seedHistory fills the database with two years of history (package history), sealing personal
// data with the key serve would use.
func seedHistory(ctx context.Context, db *sql.DB, getenv func(string) string, scale float64, communities int, stdout, stderr io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	key, err := dataKey(cfg, getenv, log)
	if err != nil {
		return err
	}
	st, err := history.Seed(ctx, db, history.Options{Scale: scale, Communities: communities, DataKey: key,
		DataKeyVersion: cfg.DataKeyVersion, Log: log})
	if err != nil {
		return fmt.Errorf("seed history: %w", err)
	}
	tables := slices.Sorted(maps.Keys(st.Rows))
	for _, t := range tables {
		fmt.Fprintf(stdout, "%-20s %10d\n", t, st.Rows[t])
	}
	fmt.Fprintf(stdout, "seeded in %s\n", st.Took.Round(time.Millisecond))
	return nil
}
