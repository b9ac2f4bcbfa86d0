// Package safety runs safety alerts (安危确认): a rider who finds no answer at an elder's door
// raises one; the elder's family, the building's grid workers and staff are told at once; the
// first of them to confirm the elder safe closes it for everyone; if nobody does in time, it
// escalates to an urgent report that sends the grid worker on duty to the door.
package safety

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/linli/linli/server/internal/cst"
	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/notify"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/report"
	"github.com/linli/linli/server/internal/validation"
)

// Errors of this package.
var (
	ErrNotFound = errors.New("safety: alert not found")
	ErrClosed   = errors.New("safety: alert already closed")
)

// EscalateAfter is how long an alert may stay unconfirmed before a grid worker is sent.
const EscalateAfter = 30 * time.Minute

// Statuses of an alert, and the outcomes of acknowledging one.
const (
	StatusOpen      = "open"
	StatusEscalated = "escalated"
	StatusClosed    = "closed"

	OutcomeSafe  = "safe"
	OutcomeGoing = "going"
)

// Statuses lists them.
var Statuses = []string{StatusOpen, StatusEscalated, StatusClosed}

// MaxNote bounds what someone writes when acknowledging.
const MaxNote = 200

// Alert is a safety alert with its steps.
type Alert struct {
	ID, CommunityID, PersonID int64
	OrderID                   int64
	Kind, Status              string
	// What happened ("12-01 午餐送餐"), and the rider's note.
	What, Note             string
	RaisedBy, ClosedBy     int64
	ReportID               int64
	EscalateAt, ClosedAt   time.Time
	EscalatedAt, CreatedAt time.Time
	Steps                  []Step
}

// Step is one thing that happened to an alert.
type Step struct {
	At      time.Time
	ActorID int64
	// Role is rider, elder, guardian, worker, staff or system.
	Role, Action, Note string
}

// Raise is a rider's no answer at the door.
type Raise struct {
	CommunityID, PersonID, OrderID int64
	RiderID                        int64
	What, Note                     string
}

// Viewer is who asks: the user, and the communities where they are a grid worker (they look
// after the elders of their community's buildings).
type Viewer struct {
	UserID   int64
	WorkerIn []int64
}

// Service runs the alerts.
type Service struct {
	db      *sql.DB
	persons *person.Service
	reports *report.Service
	now     func() time.Time
}

// NewService returns the service.
func NewService(db *sql.DB, persons *person.Service, reports *report.Service, now func() time.Time) *Service {
	return &Service{db: db, persons: persons, reports: reports, now: now}
}

const (
	alertCols = `id, community_id, person_id, COALESCE(order_id, 0), kind, status, what, note, COALESCE(raised_by, 0), COALESCE(closed_by, 0),
		COALESCE(report_id, 0), escalate_at, closed_at, escalated_at, created_at`
	qInsertAlert = `INSERT INTO safety_alerts (community_id, person_id, order_id, kind, status, what, note, raised_by, escalate_at, created_at, updated_at)
		VALUES (?, ?, ?, 'no_answer', 'open', ?, ?, ?, ?, ?, ?)`
	qAlert       = `SELECT ` + alertCols + ` FROM safety_alerts WHERE id = ?`
	qLockAlert   = `SELECT ` + alertCols + ` FROM safety_alerts WHERE id = ? FOR UPDATE`
	qOfPerson    = `SELECT ` + alertCols + ` FROM safety_alerts WHERE person_id = ? AND %s ORDER BY %s LIMIT ?`
	qOfCommunity = `SELECT ` + alertCols + ` FROM safety_alerts WHERE community_id = ? AND (status = ? OR ? = '') AND %s ORDER BY %s LIMIT ?`
	staffSearch  = `(what LIKE ? OR person_id IN (SELECT p.id FROM persons p WHERE p.community_id = ? AND p.name LIKE ?))`
	qDue         = `SELECT id FROM safety_alerts WHERE status = 'open' AND escalate_at <= ? ORDER BY escalate_at, id LIMIT ?`
	qClose       = `UPDATE safety_alerts SET status = 'closed', closed_by = ?, closed_at = ?, updated_at = ? WHERE id = ?`
	qEscalate    = `UPDATE safety_alerts SET status = 'escalated', escalated_at = ?, report_id = ?, updated_at = ? WHERE id = ?`
	qInsertStep  = `INSERT INTO safety_alert_steps (alert_id, community_id, actor_user_id, role, action, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`
	qSteps       = `SELECT alert_id, created_at, COALESCE(actor_user_id, 0), role, action, note FROM safety_alert_steps WHERE alert_id IN (%s)
		ORDER BY created_at, id`
)

func scanAlert(r database.Scanner) (Alert, error) {
	var (
		a                             Alert
		closed, escalated             sql.NullTime
		orderID, raised, closer, repo int64
	)
	err := r.Scan(&a.ID, &a.CommunityID, &a.PersonID, &orderID, &a.Kind, &a.Status, &a.What, &a.Note, &raised, &closer, &repo,
		&a.EscalateAt, &closed, &escalated, &a.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Alert{}, ErrNotFound
	}
	a.OrderID, a.RaisedBy, a.ClosedBy, a.ReportID = orderID, raised, closer, repo
	a.ClosedAt, a.EscalatedAt = closed.Time, escalated.Time
	return a, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func addStep(ctx context.Context, tx *sql.Tx, a Alert, actor int64, role, action, note string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, qInsertStep, a.ID, a.CommunityID, nullID(actor), role, action, note, now); err != nil {
		return fmt.Errorf("alert %d step: %w", a.ID, err)
	}
	return nil
}

// page is where an alert opens in the mini-program.
func page(id int64) string { return fmt.Sprintf("/pages/alert/index?id=%d", id) }

// Raise opens an alert inside the caller's transaction (the one recording the rider's outcome)
// and tells, at once, the person's account and guardians and the grid workers of the person's
// building (every grid worker of the community when no grid covers it).
func (s *Service) Raise(ctx context.Context, tx *sql.Tx, r Raise, now time.Time) (int64, error) {
	p, err := s.persons.InCommunity(ctx, r.CommunityID, r.PersonID)
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, qInsertAlert, r.CommunityID, r.PersonID, nullID(r.OrderID), r.What, r.Note, nullID(r.RiderID), now.Add(EscalateAfter), now, now)
	if err != nil {
		return 0, fmt.Errorf("raise alert: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	a := Alert{ID: id, CommunityID: r.CommunityID, PersonID: r.PersonID}
	if err := addStep(ctx, tx, a, r.RiderID, "rider", "raised", r.Note, now); err != nil {
		return 0, err
	}
	body := fmt.Sprintf("送餐员到 %s 给 %s 送餐，敲门无人应答，请尽快确认老人是否安好。", address(p), p.Name)
	if r.Note != "" {
		body += "送餐员备注：" + r.Note
	}
	m := notify.Message{CommunityID: r.CommunityID, Kind: "safety_check", Title: "安危确认：送餐无人应答", Body: body, Page: page(id), CreatedAt: now}
	push := &notify.Push{TemplateKey: "meal_notice", Page: m.Page, Data: map[string]string{
		"thing1": p.Name + " 送餐无人应答", "time2": now.In(cst.Zone).Format("2006-01-02 15:04"), "thing3": "请尽快确认老人是否安好",
	}}
	users, err := s.everyone(ctx, tx, a, p.BuildingID)
	if err != nil {
		return 0, err
	}
	for _, uid := range users {
		if err := notify.Tell(ctx, tx, uid, fmt.Sprintf("alert:%d", id), m, push); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// everyone are the accounts an alert concerns: the person's own and guardians', and the grid
// workers near the person's building.
func (s *Service) everyone(ctx context.Context, tx *sql.Tx, a Alert, buildingID int64) ([]int64, error) {
	users, err := person.Watchers(ctx, tx, a.PersonID)
	if err != nil {
		return nil, err
	}
	workers, err := report.WorkersNear(ctx, tx, a.CommunityID, buildingID)
	if err != nil {
		return nil, err
	}
	for _, w := range workers {
		if !slices.Contains(users, w) {
			users = append(users, w)
		}
	}
	return users, nil
}

func address(p person.Person) string {
	return strings.TrimSpace(p.BuildingName + " " + p.Unit + " " + p.Room)
}

// role says in what capacity v may see an alert: elder, guardian, staff or worker; ErrNotFound
// for anyone else, as for a missing alert.
func (s *Service) role(ctx context.Context, v Viewer, a Alert) (string, error) {
	_, capacity, err := s.persons.ActFor(ctx, v.UserID, a.PersonID)
	switch {
	case err == nil && capacity == person.CapSelf:
		return "elder", nil
	case err == nil && capacity == person.CapStaff:
		return "staff", nil
	case err == nil:
		return "guardian", nil
	case !errors.Is(err, person.ErrNotFound):
		return "", err
	case slices.Contains(v.WorkerIn, a.CommunityID):
		return "worker", nil
	}
	return "", ErrNotFound
}

// Get answers an alert with its steps to someone who may see it, and their role.
func (s *Service) Get(ctx context.Context, v Viewer, id int64) (Alert, string, error) {
	a, err := scanAlert(s.db.QueryRowContext(ctx, qAlert, id))
	if err != nil {
		return Alert{}, "", err
	}
	role, err := s.role(ctx, v, a)
	if err != nil {
		return Alert{}, "", err
	}
	err = s.withSteps(ctx, []*Alert{&a})
	return a, role, err
}

func (s *Service) withSteps(ctx context.Context, alerts []*Alert) error {
	if len(alerts) == 0 {
		return nil
	}
	ids := make([]int64, len(alerts))
	byID := make(map[int64]*Alert, len(alerts))
	for i, a := range alerts {
		ids[i], byID[a.ID] = a.ID, a
		a.Steps = []Step{}
	}
	in, args := database.InList(ids)
	type owned struct {
		alert int64
		Step
	}
	steps, err := database.Collect(ctx, s.db, fmt.Sprintf(qSteps, in), args, func(r database.Scanner) (owned, error) {
		var o owned
		return o, r.Scan(&o.alert, &o.At, &o.ActorID, &o.Role, &o.Action, &o.Note)
	})
	if err != nil {
		return fmt.Errorf("alert steps: %w", err)
	}
	for _, st := range steps {
		byID[st.alert].Steps = append(byID[st.alert].Steps, st.Step)
	}
	return nil
}

// Acknowledge records someone's answer: safe (the elder is fine: the alert closes for everyone)
// or going (on the way to look). Everyone else the alert concerns is told who and when. It
// answers the alert as it now stands, and the answerer's role.
func (s *Service) Acknowledge(ctx context.Context, v Viewer, id int64, outcome, note string) (Alert, string, error) {
	errs := validation.Errors{}
	if outcome != OutcomeSafe && outcome != OutcomeGoing {
		errs.Add("outcome", "应为 safe 或 going")
	}
	validation.Text{Max: MaxNote, Multiline: true}.Clean(errs, "note", &note)
	if err := errs.Err(); err != nil {
		return Alert{}, "", err
	}
	a, err := scanAlert(s.db.QueryRowContext(ctx, qAlert, id))
	if err != nil {
		return Alert{}, "", err
	}
	role, err := s.role(ctx, v, a)
	if err != nil {
		return Alert{}, "", err
	}
	p, err := s.persons.InCommunity(ctx, a.CommunityID, a.PersonID)
	if err != nil {
		return Alert{}, "", err
	}
	now := s.now().UTC()
	err = database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		a, err = scanAlert(tx.QueryRowContext(ctx, qLockAlert, id))
		if err != nil {
			return err
		}
		if a.Status == StatusClosed {
			return ErrClosed
		}
		title, body := "安危确认：有人正在上门查看", "%s正在上门查看%s。"
		if outcome == OutcomeSafe {
			if _, err := tx.ExecContext(ctx, qClose, v.UserID, now, now, id); err != nil {
				return fmt.Errorf("close alert %d: %w", id, err)
			}
			title, body = "安危确认：已确认平安", "%s已确认%s平安。"
		}
		if err := addStep(ctx, tx, a, v.UserID, role, outcome, note, now); err != nil {
			return err
		}
		who := fmt.Sprintf("%s（%s）", roleNames[role], now.In(cst.Zone).Format("15:04"))
		m := notify.Message{CommunityID: a.CommunityID, Kind: "safety_check", Title: title, Body: fmt.Sprintf(body, who, p.Name),
			Page: page(id), CreatedAt: now}
		if note != "" {
			m.Body += "备注：" + note
		}
		users, err := s.everyone(ctx, tx, a, p.BuildingID)
		if err != nil {
			return err
		}
		for _, uid := range users {
			if uid == v.UserID {
				continue
			}
			if err := notify.Tell(ctx, tx, uid, fmt.Sprintf("alert:%d:%s:%d:%d", id, outcome, v.UserID, now.UnixNano()), m, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Alert{}, "", err
	}
	a, err = scanAlert(s.db.QueryRowContext(ctx, qAlert, id))
	if err != nil {
		return Alert{}, "", err
	}
	return a, role, s.withSteps(ctx, []*Alert{&a})
}

// roleNames name a role in the messages others read.
var roleNames = map[string]string{"elder": "老人本人", "guardian": "家属", "worker": "网格员", "staff": "社区工作人员"}

// Escalate sends a grid worker to the door of every elder whose alert nobody confirmed in time:
// an urgent report for the building (dispatched to the grid worker on duty, and all staff told,
// as urgent reports are), filed in the transaction that marks the alert escalated, so it
// happens once whichever replica runs it. It answers how many alerts it escalated.
func (s *Service) Escalate(ctx context.Context) (int, error) {
	now := s.now().UTC()
	ids, err := database.Int64s(ctx, s.db, qDue, now, 50)
	if err != nil {
		return 0, fmt.Errorf("due alerts: %w", err)
	}
	done := 0
	for _, id := range ids {
		var moved bool
		err := database.InTx(ctx, s.db, func(tx *sql.Tx) error {
			a, err := scanAlert(tx.QueryRowContext(ctx, qLockAlert, id))
			if err != nil || a.Status != StatusOpen || a.EscalateAt.After(now) {
				return err
			}
			p, err := s.persons.InCommunity(ctx, a.CommunityID, a.PersonID)
			if err != nil {
				return err
			}
			reportID, err := s.reports.FileSafetyCheck(ctx, tx, report.SafetyInput{
				CommunityID: a.CommunityID, PersonID: a.PersonID, BuildingID: p.BuildingID, Unit: p.Unit, ReporterID: a.RaisedBy,
				Description: fmt.Sprintf("上门确认安全：%s（%s）%s敲门无人应答，%d 分钟内家属和网格员都未确认平安，请立即上门查看。",
					p.Name, address(p), a.What, int(EscalateAfter.Minutes())),
			}, now)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, qEscalate, now, reportID, now, id); err != nil {
				return fmt.Errorf("escalate alert %d: %w", id, err)
			}
			if err := addStep(ctx, tx, a, 0, "system", "escalated", "无人确认平安，已派网格员上门查看", now); err != nil {
				return err
			}
			watchers, err := person.Watchers(ctx, tx, a.PersonID)
			if err != nil {
				return err
			}
			m := notify.Message{CommunityID: a.CommunityID, Kind: "safety_check", Title: "安危确认：已派网格员上门",
				Body: fmt.Sprintf("%d 分钟内没有人确认%s平安，社区已派网格员上门查看。联系上老人后，请在这里点“已联系上，平安”。", int(EscalateAfter.Minutes()), p.Name),
				Page: page(id), CreatedAt: now}
			for _, uid := range watchers {
				if err := notify.Tell(ctx, tx, uid, fmt.Sprintf("alert:%d:escalated", id), m, nil); err != nil {
					return err
				}
			}
			moved = true
			return nil
		})
		if err != nil {
			return done, err
		}
		if moved {
			done++
		}
	}
	return done, nil
}

// ForPerson pages through a person's alerts, newest first, for someone who acts for them.
func (s *Service) ForPerson(ctx context.Context, userID, personID int64, o paging.Order, p paging.Page) ([]Alert, string, error) {
	if _, _, err := s.persons.ActFor(ctx, userID, personID); err != nil {
		return nil, "", err
	}
	where, args, order := p.Keyset("created_at", "id", o)
	return s.list(ctx, fmt.Sprintf(qOfPerson, where, order), append(append([]any{personID}, args...), p.Limit+1), p)
}

// ForStaff pages through a community's alerts (of a status, or all) in order o; search, when
// not "", matches text anywhere in what happened or the start of the person's name (stored in
// clear, through idx_persons_name).
func (s *Service) ForStaff(ctx context.Context, communityID int64, status, search string, o paging.Order, p paging.Page) ([]Alert, string, error) {
	where, wargs, order := p.Keyset("created_at", "id", o)
	args := []any{communityID, status, status}
	if search != "" {
		where = staffSearch + " AND " + where
		args = append(args, database.LikeAny(search), communityID, database.LikePrefix(search))
	}
	return s.list(ctx, fmt.Sprintf(qOfCommunity, where, order), append(append(args, wargs...), p.Limit+1), p)
}

func (s *Service) list(ctx context.Context, query string, args []any, p paging.Page) ([]Alert, string, error) {
	out, err := database.Collect(ctx, s.db, query, args, scanAlert)
	if err != nil {
		return nil, "", fmt.Errorf("alerts: %w", err)
	}
	out, next := paging.Trim(out, p.Limit, func(a Alert) paging.Cursor { return paging.Cursor{At: a.CreatedAt, ID: a.ID} })
	ptrs := make([]*Alert, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	return out, next, s.withSteps(ctx, ptrs)
}
