package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/app"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/person"
)

// Demo login codes: the fake WeChat turns code X into openid fake-X.
const (
	demoResident = "demo-resident"
	demoWorker   = "demo-worker"
	demoStaff    = "demo-staff"
)

// seedDemo fills an empty database with a demo community; a database with any community is
// left alone.
func seedDemo(ctx context.Context, a *app.App, log *slog.Logger) error {
	existing, _, err := a.Communities.List(ctx, paging.Page{Limit: 1})
	if err != nil || len(existing) > 0 {
		return err
	}
	c, err := a.Communities.Create(ctx, "中埂社区")
	if err != nil {
		return err
	}
	var first int64
	for i := 1; i <= 6; i++ {
		b, err := a.Communities.AddBuilding(ctx, c.ID, fmt.Sprintf("%d幢", i))
		if err != nil {
			return err
		}
		if first == 0 {
			first = b.ID
		}
	}
	for code, role := range map[string]account.Role{demoStaff: account.RoleStaff, demoWorker: account.RoleGridWorker} {
		uid, err := a.Accounts.UserIDByOpenID(ctx, "fake-"+code)
		if err != nil {
			return err
		}
		if _, err := a.Accounts.Grant(ctx, c.ID, uid, role, 0); err != nil {
			return err
		}
	}
	uid, err := a.Accounts.UserIDByOpenID(ctx, "fake-"+demoResident)
	if err != nil {
		return err
	}
	own, err := a.Persons.SaveOwn(ctx, uid, person.Profile{
		CommunityID: c.ID, BuildingID: first, Name: "王小明", Unit: "1单元", Room: "301", Gender: person.GenderMale, BirthDate: "1985-06-01",
	})
	if err != nil {
		return err
	}
	if err := a.Accounts.Join(ctx, uid, c.ID, own.ID, own.Name); err != nil {
		return err
	}
	log.Info("seeded the demo community", "community_id", c.ID)
	return nil
}

func printLoginHelp(w io.Writer, addr net.Addr) {
	port := "8080"
	if tcp, ok := addr.(*net.TCPAddr); ok {
		port = fmt.Sprint(tcp.Port)
	}
	base := "http://localhost:" + port
	fmt.Fprintf(w, `
Linli is serving on %[1]s with the fake WeChat.
Log in as a demo user (the fake WeChat turns login code X into openid fake-X):
  resident:    curl -s -X POST %[1]s/api/v1/auth/login -H 'Content-Type: application/json' -d '{"code":"%[2]s"}'
  grid worker: curl -s -X POST %[1]s/api/v1/auth/login -H 'Content-Type: application/json' -d '{"code":"%[3]s"}'
  staff:       curl -s -X POST %[1]s/api/v1/auth/login -H 'Content-Type: application/json' -d '{"code":"%[4]s"}'
Then, with the token from the answer:
  curl -s %[1]s/api/v1/me -H "Authorization: Bearer TOKEN"
Any other code signs in a new user.

`, base, demoResident, demoWorker, demoStaff)
}
