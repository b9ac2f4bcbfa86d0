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
	demoRelative = "demo-relative"
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
	var buildings []int64
	for i := 1; i <= 6; i++ {
		b, err := a.Communities.AddBuilding(ctx, c.ID, fmt.Sprintf("%d幢", i))
		if err != nil {
			return err
		}
		buildings = append(buildings, b.ID)
	}
	users := map[string]int64{}
	for _, code := range []string{demoStaff, demoWorker, demoResident, demoRelative} {
		if users[code], err = a.Accounts.UserIDByOpenID(ctx, "fake-"+code); err != nil {
			return err
		}
	}
	for code, role := range map[string]account.Role{demoStaff: account.RoleStaff, demoWorker: account.RoleGridWorker} {
		if _, err := a.Accounts.Grant(ctx, c.ID, users[code], role, 0); err != nil {
			return err
		}
	}
	for code, pr := range map[string]person.Profile{
		demoResident: {Name: "王小明", Unit: "1单元", Room: "301", Gender: person.GenderMale, BirthDate: "1985-06-01"},
		demoRelative: {Name: "王小红", Unit: "2单元", Room: "502", Gender: person.GenderFemale, BirthDate: "1988-09-15"},
	} {
		pr.CommunityID, pr.BuildingID = c.ID, buildings[0]
		if _, err := a.Persons.SaveOwn(ctx, users[code], pr); err != nil {
			return err
		}
	}
	if err := seedDemoElders(ctx, a, c.ID, buildings, users); err != nil {
		return err
	}
	log.Info("seeded the demo community", "community_id", c.ID)
	return nil
}

// seedDemoElders registers 王秀英, the mother of the demo resident and of 王小红, with both as
// approved guardians; a neighbour the demo resident registered, waiting for staff (审核); and
// an elder staff registered at the counter.
func seedDemoElders(ctx context.Context, a *app.App, communityID int64, buildings []int64, users map[string]int64) error {
	staff := users[demoStaff]
	mother := person.Details{
		Name: "王秀英", IDCard: "330702194503050022", Phone: "13857900001", BuildingID: buildings[1], Unit: "1单元", Room: "102",
		LivingAlone: true, CareLevel: person.CarePartly, DietNotes: "糖尿病，少糖少盐",
		Contacts: []person.Contact{{Name: "王小明", Phone: "13857900002", Relation: "儿子"}},
	}
	m, err := a.Persons.Register(ctx, users[demoResident], mother, "parent", nil)
	if err != nil {
		return err
	}
	if _, err := a.Persons.RequestJoin(ctx, users[demoRelative], m.ID, "parent", mother.IDCard); err != nil {
		return err
	}
	pending, _, err := a.Persons.Requests(ctx, communityID, person.StatusPending, paging.Page{Limit: paging.MaxLimit})
	if err != nil {
		return err
	}
	for _, r := range pending {
		if _, err := a.Persons.Decide(ctx, staff, communityID, r.ID, true, ""); err != nil {
			return err
		}
	}
	neighbour := person.Details{
		Name: "李大爷", Gender: person.GenderMale, BirthDate: "1940-02-20", BuildingID: buildings[2], Unit: "3单元", Room: "101",
		LivingAlone: true, CareLevel: person.CareSelf, DietNotes: "牙口不好，饭菜要软",
	}
	if _, err := a.Persons.Register(ctx, users[demoResident], neighbour, "other", nil); err != nil {
		return err
	}
	walkIn := person.Details{
		Name: "赵奶奶", IDCard: "330702193809110054", BuildingID: buildings[3], Unit: "1单元", Room: "201",
		LivingAlone: false, CareLevel: person.CareFully,
	}
	walkIn.Gender = person.IDCardGender(walkIn.IDCard)
	_, err = a.Persons.RegisterWalkIn(ctx, staff, communityID, walkIn, nil)
	return err
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
  relative:    curl -s -X POST %[1]s/api/v1/auth/login -H 'Content-Type: application/json' -d '{"code":"%[5]s"}'
  grid worker: curl -s -X POST %[1]s/api/v1/auth/login -H 'Content-Type: application/json' -d '{"code":"%[3]s"}'
  staff:       curl -s -X POST %[1]s/api/v1/auth/login -H 'Content-Type: application/json' -d '{"code":"%[4]s"}'
Then, with the token from the answer:
  curl -s %[1]s/api/v1/me -H "Authorization: Bearer TOKEN"
  curl -s %[1]s/api/v1/persons -H "Authorization: Bearer TOKEN"    (the resident and the relative share 王秀英)
  curl -s '%[1]s/api/v1/admin/guardian-requests?status=pending' -H "Authorization: Bearer TOKEN"    (staff)
Any other code signs in a new user.

`, base, demoResident, demoWorker, demoStaff, demoRelative)
}
