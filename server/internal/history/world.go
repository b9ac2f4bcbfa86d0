package history

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/canteen"
	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/pii"
)

// world is the cast of the history, planned in memory before anything is written: communities
// with their places and staff, the users and the persons.
type world struct {
	o   Options
	box *pii.Box
	ids ids
	// start is when the two years begin; now when they end.
	start, now time.Time
	comms      []*comm
	persons    []personRec
	users      []userRec
}

type comm struct {
	id        int64
	name      string
	createdAt time.Time
	buildings []building
	grids     []grid
	// Users of the community by what they do, as indexes into world.users.
	staff, kitchen, riders, residents []int
	canteens                          []canteenRec
	// persons are indexes into world.persons.
	persons []int
	rules   []canteen.Rule
}

type building struct {
	id   int64
	name string
	grid int
}

type grid struct {
	id      int64
	name    string
	workers []int // user indexes; the first is on duty
}

type canteenRec struct {
	id        int64
	name      string
	address   string
	share     float64 // of the community's orders
	createdAt time.Time
}

// Kinds of person: with an account of their own, registered by a relative, or at the counter.
const (
	kindOwn = iota
	kindGuarded
	kindWalkIn
)

type personRec struct {
	id           int64
	comm         int
	building     int // index into comm.buildings
	unit, room   string
	name, gender string
	birth        string
	born         time.Time
	idCard       string
	phone        string
	kind         int
	owner        int // user index, -1 for none
	createdBy    int // user index
	createdAt    time.Time
	verifiedAt   time.Time
	verifiedBy   int
	livingAlone  bool
	care         string
	diet         string
	subsidy      string
	contacts     []person.Contact
	guardians    []guardianLink
}

// guardianLink is a user acting for a person, as guardians and guardian_requests hold it.
type guardianLink struct {
	user      int
	relation  string
	kind      string // register or join
	requestID int64
	primary   bool
	askedAt   time.Time
	decidedAt time.Time // zero while pending
	decidedBy int
}

// approved reports whether staff had approved the link by t.
func (g guardianLink) approved(t time.Time) bool {
	return !g.decidedAt.IsZero() && !g.decidedAt.After(t)
}

type userRec struct {
	id        int64
	comm      int
	person    int // own person's index, -1 for none
	name      string
	phone     string
	role      account.Role
	grantedBy int // user index, -1 for the command line
	createdAt time.Time
	guards    []int // person indexes
}

// age is how old p is on the date t (in Asia/Shanghai days).
func (p *personRec) age(day string) int { return person.Age(p.birth, day) }

// elder is 60 or older now.
func (w *world) elder(p *personRec) bool { return p.born.Before(w.now.AddDate(-60, 0, 0)) }

func newWorld(o Options, box *pii.Box, ids ids) *world {
	w := &world{o: o, box: box, ids: ids, now: o.Now, start: o.Now.AddDate(0, 0, -days)}
	w.persons = make([]personRec, 0, scaled(volPersons, o.Scale, 0)+8*o.Communities)
	w.users = make([]userRec, 0, scaled(volResidents, o.Scale, 0)+100*o.Communities)
	r := rng(1)
	cards := idCards{}
	for c := range o.Communities {
		w.plan(r, c, cards)
	}
	return w
}

func (w *world) addUser(u userRec) int {
	u.id = w.ids.next("users")
	w.users = append(w.users, u)
	return len(w.users) - 1
}

func (w *world) addPerson(p personRec) int {
	p.id = w.ids.next("persons")
	w.persons = append(w.persons, p)
	w.comms[p.comm].persons = append(w.comms[p.comm].persons, len(w.persons)-1)
	return len(w.persons) - 1
}

// plan makes community c and everyone in it.
func (w *world) plan(r *rand.Rand, c int, cards idCards) {
	o := w.o
	n := func(total, least int) int { return max(least, scaled(total, o.Scale, 0)/o.Communities) }
	cm := &comm{id: w.ids.next("communities"), createdAt: w.start.AddDate(-1, 0, 0)}
	cm.name = fmt.Sprintf("历史社区%d", cm.id)
	w.comms = append(w.comms, cm)
	for i := range n(volBuildings, 2) {
		cm.buildings = append(cm.buildings, building{id: w.ids.next("buildings"), name: fmt.Sprintf("%d幢", i+1), grid: i / 20})
	}
	staffAt := func() time.Time { return between(r, cm.createdAt, cm.createdAt.AddDate(0, 0, 30)) }
	staff := func(role account.Role, by int) int {
		born := 1965 + r.IntN(35)
		return w.addUser(userRec{comm: c, person: -1, name: fullName(r, born, r.IntN(2) == 0), phone: mobile(r), role: role,
			grantedBy: by, createdAt: staffAt()})
	}
	for i := range 3 {
		by := -1
		if i > 0 {
			by = cm.staff[0]
		}
		cm.staff = append(cm.staff, staff(account.RoleStaff, by))
	}
	for g := range (len(cm.buildings) + 19) / 20 {
		gr := grid{id: w.ids.next("grids"), name: fmt.Sprintf("第%d网格", g+1)}
		for range 2 + g%3/2 {
			gr.workers = append(gr.workers, staff(account.RoleGridWorker, cm.staff[0]))
		}
		cm.grids = append(cm.grids, gr)
	}
	for i, share := range []float64{0.5, 0.3, 0.2} {
		cm.canteens = append(cm.canteens, canteenRec{id: w.ids.next("canteens"), name: []string{"邻里食堂", "长者助餐点", "东区助餐点"}[i],
			address: fmt.Sprintf("%s一楼", cm.buildings[i%len(cm.buildings)].name), share: share, createdAt: staffAt()})
		for range 2 {
			cm.kitchen = append(cm.kitchen, staff(account.RoleCanteenStaff, cm.staff[0]))
		}
	}
	for range n(12, 2) {
		cm.riders = append(cm.riders, staff(account.RoleVolunteer, cm.staff[0]))
	}
	cm.rules = SubsidyRules()

	persons, residents, guardians := n(volPersons, 8), n(volResidents, 4), n(volGuardians, 2)
	year := w.now.Year()
	home := func() (int, string, string) {
		return r.IntN(len(cm.buildings)), fmt.Sprintf("%d单元", 1+r.IntN(6)), fmt.Sprintf("%d%02d", 1+r.IntN(18), 1+r.IntN(4))
	}
	joined := func() time.Time {
		if chance(r, 0.35) {
			return between(r, w.start.AddDate(-1, 0, 0), w.start)
		}
		return between(r, w.start, w.now.Add(-time.Hour))
	}
	// Residents with an account and a record of their own; the first ones also look after
	// relatives, so they are of the age to.
	for i := range residents {
		born := year - 22 - r.IntN(64)
		if i < guardians {
			born = year - 30 - r.IntN(26)
		}
		male := r.IntN(2) == 0
		b, unit, room := home()
		at := joined()
		p := personRec{comm: c, building: b, unit: unit, room: room, kind: kindOwn, createdAt: at, verifiedBy: -1}
		w.fillPerson(r, &p, born, male, cards, 0.7, 0.95)
		u := w.addUser(userRec{comm: c, name: p.name, phone: p.phone, role: account.RoleResident, createdAt: at})
		w.users[u].grantedBy = u
		p.owner, p.createdBy = u, u
		if chance(r, 0.6) {
			if v := at.Add(minutes(60 + r.IntN(30*24*60))); v.Before(w.now) {
				p.verifiedAt, p.verifiedBy = v, pick(r, cm.staff)
			}
		}
		w.users[u].person = w.addPerson(p)
		cm.residents = append(cm.residents, u)
	}
	// Relatives the guardians registered: parents and grandparents, and children.
	for i := 0; i < guardians && len(cm.persons) < persons; i++ {
		gu := cm.residents[i]
		g := w.persons[w.users[gu].person]
		for k := range 2 + r.IntN(3) {
			if len(cm.persons) >= persons {
				break
			}
			child := k > 0 && chance(r, 0.35)
			born, relation := year-62-r.IntN(33), "parent"
			if child {
				born, relation = year-2-r.IntN(13), "child"
			} else if year-g.born.Year() < 35 && chance(r, 0.4) {
				relation = "grandparent"
			}
			b, unit, room := home()
			if child || chance(r, 0.4) {
				b, unit, room = g.building, g.unit, g.room
			}
			at := between(r, g.createdAt.Add(time.Hour), w.now.Add(-time.Hour))
			p := personRec{comm: c, building: b, unit: unit, room: room, kind: kindGuarded, owner: -1, createdBy: gu, createdAt: at, verifiedBy: -1}
			w.fillPerson(r, &p, born, r.IntN(2) == 0, cards, 0.9, map[bool]float64{true: 0, false: 0.5}[child])
			link := guardianLink{user: gu, relation: relation, kind: person.KindRegister, primary: true, askedAt: at,
				requestID: w.ids.next("guardian_requests")}
			if d := at.Add(minutes(120 + r.IntN(3*24*60))); d.Before(w.now) {
				link.decidedAt, link.decidedBy = d, pick(r, cm.staff)
				p.verifiedAt, p.verifiedBy = d, link.decidedBy
			} else {
				link.primary = false
			}
			p.guardians = append(p.guardians, link)
			if !child && len(g.phone) > 0 && chance(r, 0.4) {
				p.contacts = []person.Contact{{Name: g.name, Phone: g.phone, Relation: pick(r, contactTitles)}}
			}
			pi := w.addPerson(p)
			w.users[gu].guards = append(w.users[gu].guards, pi)
		}
	}
	// A sibling who asked to join as a further guardian of an elder.
	for _, pi := range cm.persons {
		p := &w.persons[pi]
		if p.kind != kindGuarded || !w.elder(p) || !chance(r, 0.1) {
			continue
		}
		su := pick(r, cm.residents)
		if su == p.guardians[0].user {
			continue
		}
		at := between(r, maxTime(p.createdAt, w.users[su].createdAt), w.now)
		link := guardianLink{user: su, relation: "parent", kind: person.KindJoin, askedAt: at, requestID: w.ids.next("guardian_requests")}
		if d := at.Add(minutes(120 + r.IntN(3*24*60))); d.Before(w.now) {
			link.decidedAt, link.decidedBy = d, pick(r, cm.staff)
		}
		p.guardians = append(p.guardians, link)
		w.users[su].guards = append(w.users[su].guards, pi)
	}
	// Elders staff registered at the counter.
	for len(cm.persons) < persons {
		b, unit, room := home()
		at := joined()
		by := pick(r, cm.staff)
		p := personRec{comm: c, building: b, unit: unit, room: room, kind: kindWalkIn, owner: -1, createdBy: by, createdAt: at,
			verifiedAt: at, verifiedBy: by}
		w.fillPerson(r, &p, year-60-r.IntN(36), r.IntN(2) == 0, cards, 0.95, 0.6)
		if p.livingAlone && chance(r, 0.3) {
			born := year - 30 - r.IntN(30)
			p.contacts = []person.Contact{{Name: fullName(r, born, r.IntN(2) == 0), Phone: mobile(r), Relation: pick(r, contactTitles)}}
		}
		w.addPerson(p)
	}
}

// SubsidyRules are the meal subsidies of every community the history makes: by age from 60, and
// by status (低保, 特困) at any age.
func SubsidyRules() []canteen.Rule {
	return []canteen.Rule{
		{MinAge: 60, MaxAge: 69, SubsidyFen: 200, DailyLimit: 1},
		{MinAge: 70, MaxAge: 79, SubsidyFen: 300, DailyLimit: 2},
		{MinAge: 80, SubsidyFen: 500, DailyLimit: 2},
		{Status: person.StatusDibao, Percent: 50, DailyLimit: 3},
		{Status: person.StatusTekun, Percent: 80, DailyLimit: 3},
	}
}

// fillPerson gives p a name, birth date, ID card (with probability cardP), phone (phoneP), and
// what an elder's record holds.
func (w *world) fillPerson(r *rand.Rand, p *personRec, year int, male bool, cards idCards, cardP, phoneP float64) {
	p.born = time.Date(year, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	p.birth = p.born.Format(time.DateOnly)
	p.name = fullName(r, year, male)
	p.gender = person.GenderFemale
	if male {
		p.gender = person.GenderMale
	}
	if chance(r, cardP) {
		p.idCard = cards.next(r, p.birth, male)
	}
	if chance(r, phoneP) {
		p.phone = mobile(r)
	}
	p.care = person.CareSelf
	if w.elder(p) {
		old := w.now.Year() - year
		switch x := r.Float64(); {
		case old >= 75 && x < 0.08:
			p.care = person.CareFully
		case old >= 75 && x < 0.28, x < 0.05:
			p.care = person.CarePartly
		}
		p.livingAlone = chance(r, map[bool]float64{true: 0.15, false: 0.3}[p.kind == kindGuarded])
		switch x := r.Float64(); {
		case x < 0.01:
			p.subsidy = person.StatusTekun
		case x < 0.04:
			p.subsidy = person.StatusDibao
		}
		if chance(r, 0.1) {
			p.diet = pick(r, dietNotes)
		}
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

var (
	tCommunities = newTable("communities", "id", "name", "lat", "lng", "created_at")
	tBuildings   = newTable("buildings", "id", "community_id", "name", "created_at")
	tUsers       = newTable("users", "id", "community_id", "openid", "name", "phone_enc", "phone_hash", "person_id", "created_at", "updated_at")
	tRoles       = newTable("user_roles", "community_id", "user_id", "role", "granted_by", "created_at")
	tConsents    = newTable("subscription_consents", "user_id", "template_id", "remaining", "updated_at")
	tRoleEvents  = newTable("role_events", "id", "community_id", "user_id", "role", "action", "actor_user_id", "created_at")
	tGrids       = newTable("grids", "id", "community_id", "name", "on_duty_user_id", "created_at", "updated_at")
	tGridBuild   = newTable("grid_buildings", "building_id", "grid_id", "community_id")
	tGridWorkers = newTable("grid_workers", "grid_id", "user_id", "community_id")
	tCanteens    = newTable("canteens", "id", "community_id", "name", "address", "delivery_for_all", "created_at")
	tRules       = newTable("subsidy_rules", "id", "community_id", "sort_order", "min_age", "max_age", "status", "subsidy_fen",
		"subsidy_percent", "daily_limit", "created_at")
	tGuardians = newTable("guardians", "person_id", "user_id", "community_id", "relation", "status", "is_primary", "created_at", "updated_at")
	tRequests  = newTable("guardian_requests", "id", "community_id", "person_id", "user_id", "relation", "kind", "status", "is_open",
		"reason", "decided_by", "decided_at", "created_at", "id_card_matched", "open_claim")
)

// writePlaces writes the communities, their buildings, grids, canteens and subsidy rules, the
// users with their roles, and the guardians with the requests that made them.
func (w *world) writePlaces(s *sink, in *inbox) {
	comms, builds, grids, gb, gw := s.batch(tCommunities), s.batch(tBuildings), s.batch(tGrids), s.batch(tGridBuild), s.batch(tGridWorkers)
	cans, rules := s.batch(tCanteens), s.batch(tRules)
	for ci, c := range w.comms {
		// Service centres a few streets apart.
		comms.Row().Int(c.id).Str(c.name).Str(fmt.Sprintf("%.6f", 30.27+0.01*float64(ci))).Str(fmt.Sprintf("%.6f", 120.15+0.01*float64(ci))).
			Time(c.createdAt).End()
		for _, b := range c.buildings {
			builds.Row().Int(b.id).Int(c.id).Str(b.name).Time(c.createdAt.Add(time.Minute)).End()
		}
		for gi, g := range c.grids {
			at := c.createdAt.Add(time.Hour)
			grids.Row().Int(g.id).Int(c.id).Str(g.name).Int(w.users[g.workers[0]].id).Time(at).Time(at).End()
			for _, u := range g.workers {
				gw.Row().Int(g.id).Int(w.users[u].id).Int(c.id).End()
			}
			for _, b := range c.buildings {
				if b.grid == gi {
					gb.Row().Int(b.id).Int(g.id).Int(c.id).End()
				}
			}
		}
		for _, ct := range c.canteens {
			cans.Row().Int(ct.id).Int(c.id).Str(ct.name).Str(ct.address).Bool(false).Time(ct.createdAt).End()
		}
		for i, rl := range c.rules {
			rules.Row().Int(w.ids.next("subsidy_rules")).Int(c.id).Int(int64(i)).Int(int64(rl.MinAge)).ID(int64(rl.MaxAge)).Str(rl.Status).
				ID(int64(rl.SubsidyFen)).ID(int64(rl.Percent)).Int(int64(rl.DailyLimit)).Time(c.createdAt.Add(2 * time.Hour)).End()
		}
	}
	for _, b := range []*batch{comms, builds, grids, gb, gw, cans, rules} {
		b.Flush()
	}
	w.writeUsers(s)
	w.writeGuardians(s, in)
}

// consentTemplates are the subscribe templates each role accepts when the mini-program asks:
// the booking's meal notices, the worker's tasks, staff's report updates. Their ids are the
// template keys, as with the fake WeChat (make run, tests, benches).
var consentTemplates = map[account.Role]string{account.RoleResident: "meal_notice", account.RoleGridWorker: "report_assigned",
	account.RoleVolunteer: "report_assigned", account.RoleStaff: "report_updated", account.RoleCanteenStaff: "meal_notice"}

func (w *world) writeUsers(s *sink) {
	users, roles, events, consents := s.batch(tUsers), s.batch(tRoles), s.batch(tRoleEvents), s.batch(tConsents)
	r := rng(2)
	for _, u := range w.users {
		c := w.comms[u.comm]
		var community, personID int64
		if u.person >= 0 {
			community, personID = c.id, w.persons[u.person].id
		}
		var phone, hash []byte
		if u.phone != "" && chance(r, 0.8) {
			phone, hash = w.box.Seal(u.phone), w.box.Hash(u.phone)
		}
		users.Row().Int(u.id).ID(community).Str(fmt.Sprintf("hist-%d", u.id)).Str(u.name).Bin(phone).Bin(hash).ID(personID).
			Time(u.createdAt).Time(u.createdAt).End()
		var by int64
		if u.grantedBy >= 0 {
			by = w.users[u.grantedBy].id
		}
		at := u.createdAt.Add(time.Second)
		roles.Row().Int(c.id).Int(u.id).Str(string(u.role)).ID(by).Time(at).End()
		events.Row().Int(w.ids.next("role_events")).Int(c.id).Int(u.id).Str(string(u.role)).Str("grant").ID(by).Time(at).End()
		if chance(r, 0.6) {
			consents.Row().Int(u.id).Str(consentTemplates[u.role]).Int(int64(r.IntN(4))).Time(between(r, u.createdAt, w.now)).End()
		}
	}
	users.Flush()
	roles.Flush()
	events.Flush()
	consents.Flush()
}

func (w *world) writeGuardians(s *sink, in *inbox) {
	gs, reqs := s.batch(tGuardians), s.batch(tRequests)
	var told []message
	for _, p := range w.persons {
		c := w.comms[p.comm]
		for _, g := range p.guardians {
			u := w.users[g.user]
			status, open, decided := person.StatusPending, int64(1), time.Time{}
			gstatus := person.GuardianPending
			var by int64
			if g.approved(w.now) {
				status, open, decided, gstatus, by = person.StatusApproved, 0, g.decidedAt, person.GuardianApproved, w.users[g.decidedBy].id
			}
			var matched int64
			if g.kind == person.KindJoin {
				matched = 1
			}
			reqs.Row().Int(g.requestID).Int(c.id).Int(p.id).Int(u.id).Str(g.relation).Str(g.kind).Str(status).ID(open).Str("").
				ID(by).Time(decided).Time(g.askedAt).ID(matched).Null().End()
			if status == person.StatusApproved {
				told = append(told, message{at: decided, user: g.user, comm: p.comm, dedup: fmt.Sprintf("guardian_request:%d", g.requestID),
					kind: "guardian_request", title: requestTitles[g.kind] + "已通过", body: "社区已通过您的申请。", page: "/pages/family/index"})
			}
			// A registration makes its relative a pending guardian at once; a join gives nothing
			// until staff approve it, and then an approved guardianship from that moment.
			created := g.askedAt
			if g.kind == person.KindJoin {
				if gstatus == person.GuardianPending {
					continue
				}
				created = decided
			}
			gs.Row().Int(p.id).Int(u.id).Int(c.id).Str(g.relation).Str(gstatus).Bool(g.primary).Time(created).
				Time(maxTime(created, decided)).End()
		}
	}
	gs.Flush()
	reqs.Flush()
	in.add(told)
}

var requestTitles = map[string]string{person.KindRegister: "家人登记", person.KindJoin: "家属申请", person.KindClaim: "认领档案"}
