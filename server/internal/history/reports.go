package history

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/cst"
	"github.com/linli/linli/server/internal/report"
	"github.com/linli/linli/server/internal/safety"
)

var (
	tReports = newTable("reports", "id", "community_id", "reporter_user_id", "person_id", "category_key", "category_name", "level", "urgency",
		"description", "building_id", "unit", "location_text", "lat", "lng", "anonymous", "flagged", "status", "grid_id", "assignee_user_id",
		"assignee_role", "accept_by", "resolve_by", "accepted_at", "resolved_at", "closed_at", "escalated_at", "rating", "comment",
		"created_at", "updated_at")
	tTimeline = newTable("report_timeline", "id", "report_id", "community_id", "actor_user_id", "actor_role", "action", "note", "created_at")
	tUploads  = newTable("uploads", "id", "user_id", "name", "mime", "size", "width", "height", "report_id", "purpose", "created_at")
	tOutbox   = newTable("outbox", "id", "community_id", "topic", "payload", "created_at", "published_at", "done_at", "attempts", "last_error", "dead_at", "epoch")
	tAlerts   = newTable("safety_alerts", "id", "community_id", "person_id", "order_id", "kind", "status", "what", "note", "raised_by",
		"escalate_at", "closed_by", "closed_at", "escalated_at", "report_id", "created_at", "updated_at")
	tAlertSteps = newTable("safety_alert_steps", "id", "alert_id", "community_id", "actor_user_id", "role", "action", "note", "created_at")
)

// categoryShares are how often each built-in category is reported (report.DefaultCategories).
var categoryShares = map[string]float64{"repair": 0.3, "sanitation": 0.2, "noise": 0.12, "dispute": 0.08, "elderly": 0.12, "safety": 0.05, "other": 0.13}

// filing is a report to write: a resident's, or the safety check of an alert nobody confirmed.
type filing struct {
	at       time.Time
	comm     int
	reporter int // user index
	person   int // person index
	cat      report.Category
	urgent   bool
	desc     string
	building int
	unit     string
	alert    int // index into the alerts, -1 for a resident's report
}

// state is a report as a step leaves it.
type state struct {
	status                 string
	assignee               int // user index, -1 for none
	role                   account.Role
	acceptedAt, resolvedAt time.Time
	closedAt, escalatedAt  time.Time
	rating                 int
	comment                string
	gridID                 int64
	lastAt                 time.Time
}

type rstep struct {
	at           time.Time
	actor        int // user index, -1 for the system
	role, action string
	note         string
	after        state
	// tell makes the messages the step sent.
	tell func() []message
}

// writeReports writes two years of reports with their timelines, photos, events and messages,
// and the safety alerts of the deliveries nobody answered (with the urgent reports of those
// nobody confirmed in time).
func (w *world) writeReports(s *sink, in *inbox, md mealsDone) {
	r := rng(5)
	rb, tb, ub, ob := s.batch(tReports), s.batch(tTimeline), s.batch(tUploads), s.batch(tOutbox)
	alerts := w.planAlerts(r, md)
	var filings []filing
	for i, a := range alerts {
		if a.escalated {
			p := &w.persons[a.person]
			filings = append(filings, filing{at: a.escalateAt, comm: a.comm, reporter: a.rider, person: a.person, cat: report.SafetyCheck,
				urgent: true, building: p.building, unit: p.unit, alert: i,
				desc: fmt.Sprintf("上门确认安全：%s（%s）%s敲门无人应答，%d 分钟内家属和网格员都未确认平安，请立即上门查看。",
					p.name, w.address(p), a.what, int(safety.EscalateAfter.Minutes()))})
		}
	}
	filings = append(filings, w.planReports(r)...)
	slices.SortStableFunc(filings, func(a, b filing) int { return a.at.Compare(b.at) })
	var told []message
	for _, f := range filings {
		id := w.ids.next("reports")
		if f.alert >= 0 {
			alerts[f.alert].reportID = id
		}
		steps := w.simulate(r, f, id)
		st := steps[len(steps)-1].after
		c := w.comms[f.comm]
		acceptBy := f.at.Add(minutes(f.cat.AcceptMinutes))
		resolveBy := f.at.Add(minutes(f.cat.ResolveMinutes))
		level := f.cat.Level
		if f.urgent {
			level = report.LevelUrgent
		}
		urgency := report.UrgencyNormal
		if f.urgent {
			urgency = report.UrgencyUrgent
		}
		var personID, assignee int64
		if f.person >= 0 {
			personID = w.persons[f.person].id
		}
		if st.assignee >= 0 {
			assignee = w.users[st.assignee].id
		}
		b := rb.Row().Int(id).Int(c.id).Int(w.users[f.reporter].id).ID(personID).Str(f.cat.Key).Str(f.cat.Name).Str(level).Str(urgency).
			Str(f.desc).Int(c.buildings[f.building].id).Str(f.unit)
		if f.alert < 0 && chance(r, 0.05) {
			b.Str("小区东门附近").Str(fmt.Sprintf("%.6f", 30.27+r.Float64()/100)).Str(fmt.Sprintf("%.6f", 120.15+r.Float64()/100))
		} else {
			b.Str("").Null().Null()
		}
		b.Bool(f.alert < 0 && chance(r, 0.05)).Bool(f.alert < 0 && chance(r, 0.01)).Str(st.status).ID(st.gridID).ID(assignee).Str(string(st.role)).
			Time(acceptBy).Time(resolveBy).Time(st.acceptedAt).Time(st.resolvedAt).Time(st.closedAt).Time(st.escalatedAt).ID(int64(st.rating)).
			Str(st.comment).Time(f.at).Time(st.lastAt).End()
		for _, stp := range steps {
			var actor int64
			if stp.actor >= 0 {
				actor = w.users[stp.actor].id
			}
			tb.Row().Int(w.ids.next("report_timeline")).Int(id).Int(c.id).ID(actor).Str(stp.role).Str(stp.action).Str(stp.note).Time(stp.at).End()
			if stp.tell != nil {
				told = append(told, stp.tell()...)
			}
		}
		ob.Row().Int(w.ids.next("outbox")).Int(c.id).Str(report.TopicSubmitted).Str(fmt.Sprintf(`{"report_id":%d}`, id)).Time(f.at).
			Time(f.at.Add(100 * time.Millisecond)).Time(f.at.Add(400 * time.Millisecond)).Int(0).Str("").Null().Int(0).End()
		// Photos: the reporter's, uploaded just before, and the worker's of the resolution.
		if f.alert < 0 {
			for range []int{0, 0, 1, 1, 1, 1, 2, 2, 3, 3}[r.IntN(10)] {
				w.upload(r, ub, f.reporter, id, report.PurposeReport, f.at.Add(-minutes(1+r.IntN(5))))
			}
		}
		if !st.resolvedAt.IsZero() && st.assignee >= 0 && chance(r, 0.5) {
			w.upload(r, ub, st.assignee, id, report.PurposeResolution, st.resolvedAt.Add(-2*time.Minute))
		}
		if chance(r, 0.03) {
			w.upload(r, ub, f.reporter, 0, "", f.at.Add(-minutes(10)))
		}
		told = in.spill(told)
	}
	// A few events whose handling kept failing wait in the dead letters.
	for _, c := range w.comms {
		at := w.now.Add(-36 * time.Hour)
		ob.Row().Int(w.ids.next("outbox")).Int(c.id).Str(account.TopicRoleRevoked).Str(`{"user_id":0,"community_id":0,"role":"grid_worker"}`).Time(at).
			Time(at.Add(time.Second)).Null().Int(5).Str("role revoked: user 0 not found").Time(at.Add(3 * time.Minute)).Int(0).End()
	}
	told = append(told, w.writeAlerts(r, s, alerts)...)
	rb.Flush()
	tb.Flush()
	ub.Flush()
	ob.Flush()
	in.add(told)
}

func (w *world) address(p *personRec) string {
	return w.comms[p.comm].buildings[p.building].name + " " + p.unit + " " + p.room
}

// planReports draws the residents' reports over the two years: more of them lately, in the
// day's waking hours.
func (w *world) planReports(r *rand.Rand) []filing {
	var out []filing
	perDay := float64(scaled(volReports, w.o.Scale, 1)) / float64(len(w.comms)) / days
	cats := report.DefaultCategories
	todayStart, _ := time.ParseInLocation(time.DateOnly, cst.Today(w.now), cst.Zone)
	for ci, c := range w.comms {
		for d := -days; d <= 0; d++ {
			day := todayStart.AddDate(0, 0, d)
			n := int(perDay*(0.7+0.6*float64(d+days)/days)*(0.8+0.4*r.Float64()) + r.Float64())
			for range n {
				at := day.Add(7*time.Hour + time.Duration(r.Int64N(int64(15*time.Hour))))
				if !at.Before(w.now) {
					continue
				}
				u := -1
				for range 20 {
					if x := pick(r, c.residents); w.users[x].createdAt.Before(at) {
						u = x
						break
					}
				}
				if u < 0 {
					continue
				}
				pi := w.users[u].person
				if g := w.users[u].guards; len(g) > 0 && chance(r, 0.3) {
					if x := pick(r, g); w.persons[x].createdAt.Before(at) {
						pi = x
					}
				}
				p := &w.persons[pi]
				x, cat := r.Float64(), cats[len(cats)-1]
				for _, k := range cats {
					if x -= categoryShares[k.Key]; x < 0 {
						cat = k
						break
					}
				}
				b, unit := p.building, p.unit
				if chance(r, 0.15) {
					b, unit = r.IntN(len(c.buildings)), ""
				}
				where := c.buildings[b].name + unit
				out = append(out, filing{at: at, comm: ci, reporter: u, person: pi, cat: cat, urgent: cat.Level != report.LevelUrgent && chance(r, 0.05),
					desc: fmt.Sprintf(pick(r, reportTexts[cat.Key]), where), building: b, unit: unit, alert: -1})
			}
		}
	}
	return out
}

// simulate runs a report through its life as the report service would, and cuts it at now:
// dispatched to the grid worker on duty (or to staff), accepted or claimed, escalated when a
// deadline passed, returned now and then, resolved, confirmed or closed after seven days; a few
// cancelled. What is open at now is what the escalation sweep leaves: nothing past a deadline
// still assigned or accepted.
func (w *world) simulate(r *rand.Rand, f filing, id int64) []rstep {
	c := w.comms[f.comm]
	g := c.grids[c.buildings[f.building].grid]
	acceptBy := f.at.Add(minutes(f.cat.AcceptMinutes))
	resolveBy := f.at.Add(minutes(f.cat.ResolveMinutes))
	level := f.cat.Level
	if f.urgent {
		level = report.LevelUrgent
	}
	page := fmt.Sprintf("/pages/report/detail/index?id=%d", id)
	stamp := func(t time.Time) string { return t.In(cst.Zone).Format("2006-01-02 15:04") }
	assignedMsg := func(worker int, at time.Time) []message {
		return []message{{at: at, user: worker, comm: f.comm, dedup: fmt.Sprintf("report_assigned:%d:%d:%d", id, w.users[worker].id, at.UnixNano()),
			kind: "report", title: "新的报事任务", body: f.cat.Name + "：" + f.desc, page: fmt.Sprintf("/pages/report/task/index?id=%d", id),
			push: &push{template: "report_assigned", data: map[string]string{"thing1": f.cat.Name, "thing2": f.desc, "time3": stamp(at)}}}}
	}
	// Staff are told once per status (the inbox's key makes a second time a no-op).
	toldStaff := map[string]bool{}
	staffMsg := func(status string, at time.Time) []message {
		if toldStaff[status] {
			return nil
		}
		toldStaff[status] = true
		title := "有待分派的报事"
		if level == report.LevelUrgent {
			title = "紧急报事"
		}
		var out []message
		for _, u := range c.staff {
			out = append(out, message{at: at, user: u, comm: f.comm, dedup: fmt.Sprintf("report_staff:%d:%d:%s", id, w.users[u].id, status),
				kind: "report", title: title, body: f.cat.Name + "：" + f.desc, page: page,
				push: &push{template: "report_updated", data: map[string]string{"thing1": title, "thing2": f.desc, "time3": stamp(at)}}})
		}
		return out
	}

	var steps []rstep
	cur := state{status: report.StatusSubmitted, assignee: -1, lastAt: f.at}
	add := func(at time.Time, actor int, role, action, note string, change func(*state), tell func() []message) {
		next := cur
		change(&next)
		next.lastAt = at
		steps = append(steps, rstep{at: at, actor: actor, role: role, action: action, note: note, after: next, tell: tell})
		cur = next
	}
	keep := func(*state) {}
	if f.alert >= 0 {
		add(f.at, -1, "system", "submitted", "安危确认超时未确认，转为紧急上门查看", keep, nil)
	} else {
		add(f.at, f.reporter, "resident", "submitted", "", keep, nil)
	}
	t := f.at.Add(time.Second)
	worker := g.workers[0]
	assign := func(at time.Time, by int, to int, role account.Role) {
		actorRole, note := "staff", fmt.Sprintf("派给 %d", w.users[to].id)
		if by < 0 {
			actorRole, note = "system", fmt.Sprintf("派给网格员 %d", w.users[to].id)
		}
		add(at, by, actorRole, "assigned", note, func(s *state) {
			s.status, s.assignee, s.role, s.acceptedAt = report.StatusAssigned, to, role, time.Time{}
			if by < 0 {
				s.gridID = g.id
			}
		}, func() []message { return assignedMsg(to, at) })
	}
	escalate := func(at time.Time) {
		add(at, -1, "system", "escalated", "超时未处理，交社区督办", func(s *state) { s.status, s.escalatedAt = report.StatusEscalated, at },
			func() []message { return staffMsg(report.StatusEscalated, at) })
	}
	// cut keeps the steps taken by now, and escalates what the sweep would have: a report still
	// assigned past its time to accept, or accepted past its time to resolve.
	cut := func() []rstep {
		n := 0
		for n < len(steps) && !steps[n].at.After(w.now) {
			n++
		}
		steps = steps[:n]
		cur = steps[n-1].after
		due := time.Time{}
		switch {
		case cur.status == report.StatusAssigned && acceptBy.Before(w.now):
			due = acceptBy
		case cur.status == report.StatusAccepted && resolveBy.Before(w.now):
			due = resolveBy
		}
		if !due.IsZero() {
			escalate(minTime(maxTime(due, cur.lastAt).Add(15*time.Second), w.now))
		}
		return steps
	}
	toStaff := f.alert < 0 && chance(r, 0.03)
	if toStaff {
		add(t, -1, "system", "to_staff", "没有负责该位置的网格员，交社区分派", keep, func() []message { return staffMsg(report.StatusSubmitted, t) })
		t = t.Add(minutes(5 + r.IntN(85)))
		assign(t, pick(r, c.staff), pick(r, g.workers), account.RoleGridWorker)
	} else {
		assign(t, -1, worker, account.RoleGridWorker)
		if level == report.LevelUrgent {
			at := t
			steps[len(steps)-1].tell = func() []message { return append(assignedMsg(worker, at), staffMsg(report.StatusSubmitted, at)...) }
		}
	}
	if f.alert < 0 && chance(r, 0.05) {
		t = t.Add(minutes(1 + r.IntN(60)))
		add(t, f.reporter, "resident", "cancelled", "", func(s *state) { s.status = report.StatusCancelled }, nil)
		return cut()
	}
	accept := func(at time.Time) {
		by := cur.assignee
		add(at, by, "worker", "accepted", "", func(s *state) { s.status, s.acceptedAt = report.StatusAccepted, at }, nil)
	}
	// Accepting, or a volunteer claiming a minor report.
	if level == report.LevelMinor && chance(r, 0.25) && len(c.riders) > 0 {
		v := pick(r, c.riders)
		at := t.Add(minutes(5 + r.IntN(f.cat.AcceptMinutes)))
		add(at, v, "volunteer", "claimed", "", func(s *state) {
			s.status, s.assignee, s.role, s.acceptedAt = report.StatusAccepted, v, account.RoleVolunteer, at
		}, nil)
		t = at
	} else {
		u := r.Float64()
		delay := minutes(1 + int(float64(f.cat.AcceptMinutes)*(0.05+1.2*u*u)))
		if at := t.Add(delay); at.After(acceptBy) {
			escalate(acceptBy.Add(time.Duration(r.IntN(30)) * time.Second))
			t = cur.lastAt.Add(minutes(10 + r.IntN(110)))
			assign(t, pick(r, c.staff), pick(r, g.workers), account.RoleGridWorker)
			t = t.Add(minutes(5 + r.IntN(55)))
			accept(t)
		} else {
			t = at
			accept(t)
		}
	}
	if cur.role == account.RoleGridWorker && chance(r, 0.02) {
		t = t.Add(minutes(10 + r.IntN(120)))
		add(t, cur.assignee, "worker", "returned", pick(r, returnNotes), func(s *state) {
			s.status, s.assignee, s.role = report.StatusReturned, -1, ""
		}, func() []message { return staffMsg(report.StatusReturned, t) })
		t = t.Add(minutes(30 + r.IntN(210)))
		assign(t, pick(r, c.staff), pick(r, g.workers), account.RoleGridWorker)
		t = t.Add(minutes(5 + r.IntN(55)))
		accept(t)
	}
	u := r.Float64()
	resolveAt := maxTime(t.Add(minutes(10)), f.at.Add(minutes(int(float64(f.cat.ResolveMinutes)*(0.1+1.05*u*u)))))
	if resolveAt.After(resolveBy) && t.Before(resolveBy) {
		escalate(resolveBy.Add(time.Duration(r.IntN(30)) * time.Second))
		t = cur.lastAt.Add(minutes(10 + r.IntN(110)))
		assign(t, pick(r, c.staff), pick(r, g.workers), account.RoleGridWorker)
		t = t.Add(minutes(5 + r.IntN(55)))
		accept(t)
		resolveAt = t.Add(minutes(30 + r.IntN(570)))
	}
	t = resolveAt
	note := pick(r, resolveNotes)
	if f.alert >= 0 {
		note = "已上门，老人平安"
	}
	resolver, role := cur.assignee, "worker"
	if cur.role == account.RoleVolunteer {
		role = "volunteer"
	}
	add(t, resolver, role, "resolved", note, func(s *state) { s.status, s.resolvedAt = report.StatusResolved, t }, func() []message {
		return []message{{at: t, user: f.reporter, comm: f.comm, dedup: fmt.Sprintf("report_resolved:%d:%d", id, t.UnixNano()), kind: "report",
			title: "报事已处理", body: fmt.Sprintf("您反映的“%s”已处理，请确认并评价。%s", f.cat.Name, note), page: page,
			push: &push{template: "report_updated", data: map[string]string{"thing1": "报事已处理", "thing2": f.desc, "time3": stamp(t)}}}}
	})
	if f.alert < 0 && chance(r, 0.7) {
		at := t.Add(minutes(60 + r.IntN(5*24*60)))
		rating := []int{5, 5, 5, 5, 4, 4, 3, 2}[r.IntN(8)]
		comment := pick(r, comments)
		add(at, f.reporter, "resident", "confirmed", fmt.Sprintf("%d 星 %s", rating, comment), func(s *state) {
			s.status, s.closedAt, s.rating, s.comment = report.StatusClosed, at, rating, comment
		}, nil)
	} else {
		at := t.Add(report.ReopenWindow + time.Duration(r.IntN(30))*time.Second)
		add(at, -1, "system", "closed", "处理后 7 天未确认，自动结案", func(s *state) { s.status, s.closedAt = report.StatusClosed, at }, nil)
	}
	return cut()
}

// upload writes a photo a user uploaded (the file itself is not made).
func (w *world) upload(r *rand.Rand, b *batch, user int, reportID int64, purpose string, at time.Time) {
	name := make([]byte, 16)
	for i := range name {
		name[i] = byte(r.Uint32())
	}
	width, height := []int64{1080, 1440, 3024}[r.IntN(3)], []int64{1440, 1920, 4032}[r.IntN(3)]
	b.Row().Int(w.ids.next("uploads")).Int(w.users[user].id).Str(at.UTC().Format("2006/01/") + hex.EncodeToString(name) + ".jpg").Str("image/jpeg").
		Int(150000 + r.Int64N(800000)).Int(width).Int(height).ID(reportID).Str(purpose).Time(at).End()
}

// alertPlan is a safety alert: who confirmed the elder safe, or the escalation.
type alertPlan struct {
	unanswered
	id         int64
	escalated  bool
	escalateAt time.Time
	reportID   int64
}

func (w *world) planAlerts(r *rand.Rand, md mealsDone) []alertPlan {
	out := make([]alertPlan, 0, len(md.unanswered))
	for _, u := range md.unanswered {
		a := alertPlan{unanswered: u, id: w.ids.next("safety_alerts"), escalateAt: u.at.Add(safety.EscalateAfter)}
		a.escalated = chance(r, 0.1) && a.escalateAt.Before(w.now)
		out = append(out, a)
	}
	return out
}

// writeAlerts writes the alerts and their steps: someone going to look, then the elder found
// safe by a relative, the elder, a grid worker or staff; or, nobody answering in time, the
// escalation and its report. It answers the messages they sent.
func (w *world) writeAlerts(r *rand.Rand, s *sink, alerts []alertPlan) []message {
	ab, sb := s.batch(tAlerts), s.batch(tAlertSteps)
	var told []message
	for _, a := range alerts {
		c := w.comms[a.comm]
		p := &w.persons[a.person]
		g := c.grids[c.buildings[p.building].grid]
		everyone := w.watchers(a.person, a.at)
		for _, u := range g.workers {
			if !slices.Contains(everyone, u) {
				everyone = append(everyone, u)
			}
		}
		type astep struct {
			at           time.Time
			actor        int
			role, action string
		}
		steps := []astep{{a.at, a.rider, "rider", "raised"}}
		told = append(told, w.alertMessages(a, everyone, -1, "raised", a.at)...)
		// Who answers: a relative or the elder when there is one, else the grid worker.
		answerer, role := pick(r, g.workers), "worker"
		if watchers := w.watchers(a.person, a.at); len(watchers) > 0 && chance(r, 0.8) {
			answerer = pick(r, watchers)
			role = "guardian"
			if answerer == p.owner {
				role = "elder"
			}
		}
		safeAt := a.at.Add(minutes(5 + r.IntN(20)))
		if a.escalated {
			steps = append(steps, astep{a.escalateAt, -1, "system", "escalated"})
			for _, u := range w.watchers(a.person, a.escalateAt) {
				told = append(told, message{at: a.escalateAt, user: u, comm: a.comm, dedup: fmt.Sprintf("alert:%d:escalated", a.id), kind: "safety_check",
					title: "安危确认：已派网格员上门", page: alertPage(a.id),
					body: fmt.Sprintf("%d 分钟内没有人确认%s平安，社区已派网格员上门查看。联系上老人后，请在这里点“已联系上，平安”。", int(safety.EscalateAfter.Minutes()), p.name)})
			}
			answerer, role = pick(r, g.workers), "worker"
			safeAt = a.escalateAt.Add(minutes(20 + r.IntN(100)))
		} else if chance(r, 0.6) {
			at := a.at.Add(minutes(2 + r.IntN(3)))
			steps = append(steps, astep{at, answerer, role, safety.OutcomeGoing})
			told = append(told, w.alertMessages(a, everyone, answerer, safety.OutcomeGoing, at)...)
		}
		status, closedBy, closedAt := safety.StatusOpen, int64(0), time.Time{}
		if a.escalated {
			status = safety.StatusEscalated
		}
		if safeAt.Before(w.now) {
			steps = append(steps, astep{safeAt, answerer, role, safety.OutcomeSafe})
			told = append(told, w.alertMessages(a, everyone, answerer, safety.OutcomeSafe, safeAt)...)
			status, closedBy, closedAt = safety.StatusClosed, w.users[answerer].id, safeAt
		}
		var escalatedAt time.Time
		if a.escalated {
			escalatedAt = a.escalateAt
		}
		updated := steps[len(steps)-1].at
		ab.Row().Int(a.id).Int(c.id).Int(p.id).Int(a.orderID).Str("no_answer").Str(status).Str(a.what).Str("").Int(w.users[a.rider].id).
			Time(a.escalateAt).ID(closedBy).Time(closedAt).Time(escalatedAt).ID(a.reportID).Time(a.at).Time(updated).End()
		for _, st := range steps {
			var actor int64
			note := ""
			if st.actor >= 0 {
				actor = w.users[st.actor].id
			}
			if st.action == "escalated" {
				note = "无人确认平安，已派网格员上门查看"
			}
			sb.Row().Int(w.ids.next("safety_alert_steps")).Int(a.id).Int(c.id).ID(actor).Str(st.role).Str(st.action).Str(note).Time(st.at).End()
		}
	}
	ab.Flush()
	sb.Flush()
	return told
}

func alertPage(id int64) string { return fmt.Sprintf("/pages/alert/index?id=%d", id) }

// alertMessages are what safety.Service tells everyone an alert concerns when it is raised,
// and the others when someone answers it.
func (w *world) alertMessages(a alertPlan, everyone []int, by int, outcome string, at time.Time) []message {
	p := &w.persons[a.person]
	var out []message
	for _, u := range everyone {
		if u == by {
			continue
		}
		m := message{at: at, user: u, comm: a.comm, kind: "safety_check", page: alertPage(a.id)}
		switch outcome {
		case "raised":
			m.dedup, m.title = fmt.Sprintf("alert:%d", a.id), "安危确认：送餐无人应答"
			m.body = fmt.Sprintf("送餐员到 %s 给 %s 送餐，敲门无人应答，请尽快确认老人是否安好。", w.address(p), p.name)
			m.push = &push{template: "meal_notice", data: map[string]string{"thing1": p.name + " 送餐无人应答",
				"time2": at.In(cst.Zone).Format("2006-01-02 15:04"), "thing3": "请尽快确认老人是否安好"}}
		case safety.OutcomeSafe:
			m.dedup, m.title = fmt.Sprintf("alert:%d:%s:%d:%d", a.id, outcome, w.users[by].id, at.UnixNano()), "安危确认：已确认平安"
			m.body = fmt.Sprintf("有人已确认%s平安。", p.name)
		default:
			m.dedup, m.title = fmt.Sprintf("alert:%d:%s:%d:%d", a.id, outcome, w.users[by].id, at.UnixNano()), "安危确认：有人正在上门查看"
			m.body = fmt.Sprintf("有人正在上门查看%s。", p.name)
		}
		out = append(out, m)
	}
	return out
}
