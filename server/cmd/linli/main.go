// Command linli is the Linli server: `linli serve` runs the API and the workers, `linli migrate`
// applies sql/, `linli admin ...` bootstraps communities and staff.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "linli:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  linli serve [--demo]       migrate, then serve the API and run the workers
                             (--demo seeds a demo community into an empty database)
  linli migrate              apply pending migrations (creating the database if missing)
  linli admin create-community --name NAME [--lat LAT --lng LNG]
  linli admin locate-community --community ID --lat LAT --lng LNG
      where the community is (its service centre): visitors find the nearest; both empty clear it
  linli admin add-building --community ID --name NAME
  linli admin grant  --community ID (--user ID | --openid OPENID) --role ROLE
  linli admin revoke --community ID (--user ID | --openid OPENID) --role ROLE
      ROLE is staff, grid_worker, canteen_staff or volunteer
  linli admin reseal [--batch N]
      seal personal data again under LINLI_DATA_KEY (version LINLI_DATA_KEY_VERSION), opening
      what LINLI_DATA_KEY_PREVIOUS sealed: the key rotation of docs/operations.md
  linli admin seed-history [--scale F] [--communities N]
      add two years of made-up history (at scale 1.0: 100,000 persons, 1,000,000 meal orders,
      100,000 reports...) for measuring; never on a database with real data`

// run is the whole program; main only wires it to the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return fmt.Errorf("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return migrateCmd(ctx, getenv, stdout)
	case "admin":
		return admin(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintln(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
