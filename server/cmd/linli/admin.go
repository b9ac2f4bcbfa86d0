package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/community"
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
	accounts := account.NewService(db, nil, redisPrefix, nil, nil, time.Now)

	switch args[0] {
	case "create-community":
		c, err := communities.Create(ctx, *name)
		if err != nil {
			return fmt.Errorf("create community: %w", err)
		}
		fmt.Fprintln(stdout, c.ID)
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
	default:
		fmt.Fprintln(stderr, usage)
		return fmt.Errorf("admin: unknown subcommand %q", args[0])
	}
	return nil
}
