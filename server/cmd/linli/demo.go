package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/app"
	"github.com/linli/linli/server/internal/canteen"
	"github.com/linli/linli/server/internal/cst"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/report"
	"github.com/linli/linli/server/internal/wechat"
)

// Demo login codes: the fake WeChat turns code X into openid fake-X.
const (
	demoResident = "demo-resident"
	demoRelative = "demo-relative"
	demoWorker   = "demo-worker"
	demoStaff    = "demo-staff"
	demoKitchen  = "demo-kitchen"
	demoRider    = "demo-rider"
)

// demoCodes are every demo user's login code.
var demoCodes = []string{demoStaff, demoWorker, demoResident, demoRelative, demoKitchen, demoRider}

// demoConsents is how many pushes of each template a demo user accepted.
const demoConsents = 20

// acceptDemoPushes tells the fake WeChat that the demo users accepted every template, as the
// server's count says they did: the fake forgets at every start.
func acceptDemoPushes(fake *wechat.Fake, templates map[string]string) {
	for _, code := range demoCodes {
		for _, id := range templates {
			for range demoConsents {
				fake.Subscribe("fake-"+code, id, true)
			}
		}
	}
}

// seedDemo fills an empty database with a demo community; a database with any community is
// left alone.
func seedDemo(ctx context.Context, a *app.App, templates map[string]string, log *slog.Logger) error {
	existing, _, err := a.Communities.List(ctx, paging.Page{Limit: 1})
	if err != nil || len(existing) > 0 {
		return err
	}
	c, err := a.Communities.Create(ctx, "中埂社区")
	if err != nil {
		return err
	}
	// Pujiang county, Jinhua: a visitor who shares their location finds it as the nearest.
	lat, lng := 29.4519, 119.8923
	if _, err := a.Communities.Locate(ctx, c.ID, &lat, &lng); err != nil {
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
	for _, code := range demoCodes {
		if users[code], err = a.Accounts.UserIDByOpenID(ctx, "fake-"+code); err != nil {
			return err
		}
	}
	for code, role := range map[string]account.Role{
		demoStaff: account.RoleStaff, demoWorker: account.RoleGridWorker, demoKitchen: account.RoleCanteenStaff, demoRider: account.RoleVolunteer,
	} {
		if _, err := a.Accounts.Grant(ctx, c.ID, users[code], role, 0); err != nil {
			return err
		}
	}
	type profile struct {
		code string
		person.Profile
	}
	own := func(ps []profile) error {
		for _, p := range ps {
			p.CommunityID = c.ID
			if _, err := a.Persons.SaveOwn(ctx, users[p.code], p.Profile); err != nil {
				return err
			}
		}
		return nil
	}
	if err := own([]profile{
		{demoResident, person.Profile{Name: "王小明", BuildingID: buildings[0], Unit: "1单元", Room: "301", Gender: person.GenderMale, BirthDate: "1985-06-01"}},
		{demoRelative, person.Profile{Name: "王小红", BuildingID: buildings[0], Unit: "2单元", Room: "502", Gender: person.GenderFemale, BirthDate: "1988-09-15"}},
	}); err != nil {
		return err
	}
	if err := seedDemoElders(ctx, a, c.ID, buildings, users); err != nil {
		return err
	}
	// The workers live in the community too, so staff see names beside roles.
	if err := own([]profile{
		{demoStaff, person.Profile{Name: "李红梅", BuildingID: buildings[4], Unit: "1单元", Room: "102", Gender: person.GenderFemale, BirthDate: "1978-04-20"}},
		{demoWorker, person.Profile{Name: "张建国", BuildingID: buildings[1], Unit: "2单元", Room: "201", Gender: person.GenderMale, BirthDate: "1972-11-03"}},
		{demoKitchen, person.Profile{Name: "陈国强", BuildingID: buildings[3], Unit: "1单元", Room: "601", Gender: person.GenderMale, BirthDate: "1969-02-14"}},
		{demoRider, person.Profile{Name: "赵志强", BuildingID: buildings[2], Unit: "3单元", Room: "402", Gender: person.GenderMale, BirthDate: "1990-07-08"}},
	}); err != nil {
		return err
	}
	// Each demo user has tapped 允许 for every template a few times (the server's count; the fake
	// WeChat hears of it at every start, acceptDemoPushes).
	ids := make([]string, 0, len(templates))
	for _, id := range templates {
		ids = append(ids, id)
	}
	for _, code := range demoCodes {
		for range demoConsents {
			if _, err := a.Notify.AddConsents(ctx, users[code], ids); err != nil {
				return err
			}
		}
	}
	if err := seedDemoCanteen(ctx, a, c.ID); err != nil {
		return err
	}
	if err := seedDemoCourses(ctx, a, c.ID); err != nil {
		return err
	}
	// The grid worker looks after buildings 1 to 3; reports elsewhere go to staff.
	if _, err := a.Reports.SaveGrid(ctx, c.ID, 0, report.GridInput{
		Name: "中埂第一网格", BuildingIDs: buildings[:3], WorkerIDs: []int64{users[demoWorker]},
	}); err != nil {
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
	m, err := a.Persons.Register(ctx, users[demoResident], mother, "parent", true, nil)
	if err != nil {
		return err
	}
	if _, err := a.Persons.RequestJoin(ctx, users[demoRelative], m.ID, "parent", mother.IDCard); err != nil {
		return err
	}
	pending, _, err := a.Persons.Requests(ctx, communityID, person.RequestFilter{Status: person.StatusPending}, paging.Page{Limit: paging.MaxLimit})
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
	if _, err := a.Persons.Register(ctx, users[demoResident], neighbour, "other", true, nil); err != nil {
		return err
	}
	walkIn := person.Details{
		Name: "赵奶奶", IDCard: "330702193809110046", BuildingID: buildings[3], Unit: "1单元", Room: "201",
		LivingAlone: false, CareLevel: person.CareFully,
	}
	walkIn.Gender = person.IDCardGender(walkIn.IDCard)
	_, err = a.Persons.RegisterWalkIn(ctx, staff, communityID, walkIn, nil)
	return err
}

// demoMenu is a week of lunches and dinners, one line a day.
var demoMenu = [7][2][]string{
	{{"红烧肉", "番茄炒蛋", "清炒时蔬", "紫菜蛋汤"}, {"清蒸鲈鱼", "麻婆豆腐", "蒜蓉青菜"}},
	{{"土豆烧鸡", "西红柿豆腐", "炒青菜", "冬瓜汤"}, {"肉末茄子", "香菇青菜", "小米粥"}},
	{{"金华酥饼", "梅干菜扣肉", "炒菠菜", "萝卜汤"}, {"红烧鱼块", "炒南瓜", "白菜豆腐汤"}},
	{{"糖醋排骨", "蒸蛋羹", "炒油麦菜", "海带汤"}, {"虾仁炒蛋", "清炒丝瓜", "绿豆粥"}},
	{{"咖喱鸡块", "木耳炒蛋", "炒卷心菜", "玉米排骨汤"}, {"卤鸭腿", "家常豆腐", "炒空心菜"}},
	{{"红烧狮子头", "芹菜香干", "炒生菜", "酸菜汤"}, {"葱油鸡", "炒西葫芦", "南瓜粥"}},
	{{"清炖牛肉", "韭菜炒蛋", "蒜蓉西兰花", "菌菇汤"}, {"鲫鱼豆腐汤", "炒豆芽", "白粥小菜"}},
}

// seedDemoCanteen opens the community's canteen with this week's menu and subsidies for the
// old (the demo elder, 81 and verified, pays less).
func seedDemoCanteen(ctx context.Context, a *app.App, communityID int64) error {
	ct, err := a.Canteens.CreateCanteen(ctx, communityID, "中埂邻里食堂", "中埂社区居家养老服务中心一楼", false)
	if err != nil {
		return err
	}
	today := time.Now().In(cst.Zone)
	for d, meals := range demoMenu {
		date := today.AddDate(0, 0, d).Format(time.DateOnly)
		for i, meal := range []string{canteen.Lunch, canteen.Dinner} {
			dishes := make([]canteen.Dish, 0, len(meals[i]))
			for _, name := range meals[i] {
				dishes = append(dishes, canteen.Dish{Name: name})
			}
			capacity, price := 60, 1500
			if meal == canteen.Dinner {
				capacity, price = 40, 1200
			}
			if _, err := a.Canteens.CreateSlot(ctx, ct, canteen.SlotInput{
				Date: date, Meal: meal, Dishes: dishes, Capacity: capacity, PriceFen: price,
				Modes: []string{canteen.EatIn, canteen.Pickup, canteen.Delivery},
			}); err != nil {
				return err
			}
		}
	}
	_, err = a.Canteens.SetRules(ctx, communityID, []canteen.Rule{
		{MinAge: 60, MaxAge: 79, Percent: 20, DailyLimit: 2},
		{MinAge: 80, SubsidyFen: 500, DailyLimit: 2},
		{MinAge: 0, Status: person.StatusDibao, Percent: 100, DailyLimit: 2},
	})
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
The community console (社区工作台): %[1]s/console/
  sign in by scanning its QR code in the mini-program (我的 → 扫码登录工作台), or type the login
  code %[4]s (staff) or %[6]s (canteen staff) under 开发环境 on its sign-in page.
Log in as a demo user (the fake WeChat turns login code X into openid fake-X):
  resident:    curl -s -X POST %[1]s/api/v1/auth/login -H 'Content-Type: application/json' -d '{"code":"%[2]s"}'
  relative:    curl -s -X POST %[1]s/api/v1/auth/login -H 'Content-Type: application/json' -d '{"code":"%[5]s"}'
  grid worker: curl -s -X POST %[1]s/api/v1/auth/login -H 'Content-Type: application/json' -d '{"code":"%[3]s"}'
  staff:       curl -s -X POST %[1]s/api/v1/auth/login -H 'Content-Type: application/json' -d '{"code":"%[4]s"}'
  kitchen:     curl -s -X POST %[1]s/api/v1/auth/login -H 'Content-Type: application/json' -d '{"code":"%[6]s"}'
  rider:       curl -s -X POST %[1]s/api/v1/auth/login -H 'Content-Type: application/json' -d '{"code":"%[7]s"}'
Then, with the token from the answer:
  curl -s %[1]s/api/v1/me -H "Authorization: Bearer TOKEN"
  curl -s %[1]s/api/v1/persons -H "Authorization: Bearer TOKEN"    (the resident and the relative share 王秀英)
  curl -s '%[1]s/api/v1/admin/guardian-requests?status=pending' -H "Authorization: Bearer TOKEN"    (staff)
  curl -s '%[1]s/api/v1/canteens?community_id=1'    (the canteen; its week's menu at /api/v1/canteens/1/slots)
  curl -s '%[1]s/api/v1/course-themes?community_id=1'    (the parent university; courses at /api/v1/courses?community_id=1)
Any other code signs in a new user.

`, base, demoResident, demoWorker, demoStaff, demoRelative, demoKitchen, demoRider)
}
