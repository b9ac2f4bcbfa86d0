package report

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/events"
	"github.com/linli/linli/server/internal/notify"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/validation"
	"github.com/linli/linli/server/internal/wechat"
)

// More errors of this package.
var (
	ErrContentRejected   = errors.New("report: text refused by the content check")
	ErrInvalidTransition = errors.New("report: the report's state does not allow this")
	ErrAlreadyClaimed    = errors.New("report: already claimed")
)

// Statuses.
const (
	StatusSubmitted = "submitted"
	StatusAssigned  = "assigned"
	StatusAccepted  = "accepted"
	StatusResolved  = "resolved"
	StatusClosed    = "closed"
	StatusReturned  = "returned"
	StatusEscalated = "escalated"
	StatusCancelled = "cancelled"
)

// Statuses lists them.
var Statuses = []string{StatusSubmitted, StatusAssigned, StatusAccepted, StatusResolved, StatusClosed, StatusReturned, StatusEscalated, StatusCancelled}

// Urgencies.
const (
	UrgencyNormal = "normal"
	UrgencyUrgent = "urgent"
)

// Photo purposes.
const (
	PurposeReport     = "report"
	PurposeResolution = "resolution"
)

// Limits.
const (
	MaxPhotos       = 9
	MaxDescription  = 500
	MaxLocationText = 64
	MaxNote         = 200
	maxUnit         = 16
	// ReopenWindow is how long after resolving a report may be reopened, and after which a
	// resolved report closes by itself.
	ReopenWindow = 7 * 24 * time.Hour
)

// noteText is the rule of a note, comment or reason on a report.
var noteText = validation.Text{Max: MaxNote, Multiline: true}

// TopicSubmitted is the event that dispatches a new report.
const TopicSubmitted = "report.submitted"

// Report is a resident's report.
type Report struct {
	ID           int64
	CommunityID  int64
	ReporterID   int64
	PersonID     int64
	CategoryKey  string
	CategoryName string
	Level        string
	Urgency      string
	Description  string
	BuildingID   int64
	BuildingName string
	Unit         string
	LocationText string
	Lat, Lng     *float64
	Anonymous    bool
	Flagged      bool
	Status       string
	GridID       int64
	AssigneeID   int64
	AssigneeName string
	AcceptBy     time.Time
	ResolveBy    time.Time
	AcceptedAt   time.Time
	ResolvedAt   time.Time
	ClosedAt     time.Time
	Rating       int
	Comment      string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// Reporter's name (callers hide it from workers when anonymous).
	ReporterName string
	// Photos are filled by Get.
	Photos []Photo
}

// Photo is an upload a report uses.
type Photo struct {
	ID      int64
	Name    string
	Purpose string
}

const (
	qAttach = `UPDATE uploads SET report_id = ?, purpose = ? WHERE id = ? AND user_id = ? AND report_id IS NULL`
	qPhotos = `SELECT id, name, purpose FROM uploads WHERE report_id = ? ORDER BY id`
)

// attachPhotos gives a report the user's own unused uploads; anything else is a field error.
func attachPhotos(ctx context.Context, tx *sql.Tx, reportID, userID int64, ids []int64, purpose string) error {
	for _, id := range ids {
		res, err := tx.ExecContext(ctx, qAttach, reportID, purpose, id, userID)
		if err != nil {
			return fmt.Errorf("attach photo %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return validation.Field("photo_ids", fmt.Sprintf("图片 %d 不存在或已使用", id))
		}
	}
	return nil
}

// Step is one line of a report's timeline.
type Step struct {
	At        time.Time
	ActorID   int64
	ActorName string
	Role      string
	Action    string
	Note      string
}

// Input is a new report.
type Input struct {
	Category     string
	Description  string
	BuildingID   int64
	Unit         string
	LocationText string
	Lat, Lng     *float64
	Urgency      string
	PhotoIDs     []int64
	PersonID     int64
	Anonymous    bool
}

// Actor is who submits or acts, as the HTTP layer knows them.
type Actor struct {
	UserID int64
	OpenID string
	// HomeCommunity is the community the user joined (0 before onboarding).
	HomeCommunity int64
}

// PersonAccess is the one authorization rule for acting for a person (person.Service.ActFor),
// answering the person's community.
type PersonAccess func(ctx context.Context, userID, personID int64) (communityID int64, err error)

// TextChecker is WeChat's msgSecCheck (wechat.Client).
type TextChecker interface {
	CheckText(ctx context.Context, openid, text string) (wechat.Verdict, error)
}

// Deps are the report service's collaborators.
type Deps struct {
	Access PersonAccess
	Text   TextChecker
	// OwnPerson is the user's own person (0 when none).
	OwnPerson func(ctx context.Context, userID int64) (int64, error)
	// Roles reads the roles users hold, afresh.
	Roles RoleReader
	// Managed answers the ids of the persons the user manages (person.Service.ManagedIDs).
	Managed func(ctx context.Context, userID int64) ([]int64, error)
}

// SetDeps wires the collaborators (the app does, after building them).
func (s *Service) SetDeps(d Deps) { s.deps = d }

const (
	reportCols = `r.id, r.community_id, r.reporter_user_id, r.person_id, r.category_key, r.category_name, r.level, r.urgency,
		r.description, r.building_id, COALESCE(b.name, ''), r.unit, r.location_text, r.lat, r.lng, r.anonymous, r.flagged, r.status,
		r.grid_id, r.assignee_user_id, COALESCE(a.name, ''), r.accept_by, r.resolve_by, r.accepted_at, r.resolved_at, r.closed_at,
		r.rating, r.comment, r.created_at, r.updated_at, COALESCE(u.name, '')`
	reportFrom = ` FROM reports r LEFT JOIN buildings b ON b.id = r.building_id LEFT JOIN users a ON a.id = r.assignee_user_id
		LEFT JOIN users u ON u.id = r.reporter_user_id `
	qInsertReport = `INSERT INTO reports (community_id, reporter_user_id, person_id, category_key, category_name, level, urgency,
		description, building_id, unit, location_text, lat, lng, anonymous, flagged, status, accept_by, resolve_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', ?, ?, ?, ?)`
	qReport     = `SELECT ` + reportCols + reportFrom + `WHERE r.id = ?`
	qLockReport = `SELECT status, community_id, assignee_user_id, assignee_role, level, building_id, resolved_at, reporter_user_id, person_id FROM reports WHERE id = ? FOR UPDATE`
	qTimeline   = `INSERT INTO report_timeline (report_id, community_id, actor_user_id, actor_role, action, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`
	qSteps      = `SELECT t.created_at, t.actor_user_id, COALESCE(u.name, ''), t.actor_role, t.action, t.note FROM report_timeline t LEFT JOIN users u ON u.id = t.actor_user_id WHERE t.report_id = ? ORDER BY t.created_at, t.id`
	qStaffOf    = `SELECT user_id FROM user_roles WHERE community_id = ? AND role = 'staff' ORDER BY user_id`
	// The lists below read a page through an index that leads with their WHERE's equalities and
	// ends (created_at, id); a status filter is added only when one is asked for (see filtered).
	qReporterReports = `SELECT ` + reportCols + reportFrom + `WHERE r.reporter_user_id = ? AND %s ORDER BY %s LIMIT ?`
	qPersonReports   = `SELECT ` + reportCols + reportFrom + `WHERE r.person_id = ? AND %s ORDER BY %s LIMIT ?`
	qTasks           = `SELECT ` + reportCols + reportFrom + `WHERE r.assignee_user_id = ? AND %s ORDER BY %s LIMIT ?`
	qOpen            = `SELECT ` + reportCols + reportFrom + `WHERE r.community_id = ? AND r.level = 'minor' AND r.status IN ('submitted', 'assigned')
		AND %s ORDER BY %s LIMIT ?`
	qAdminReports = `SELECT ` + reportCols + reportFrom + `LEFT JOIN persons p ON p.id = r.person_id
		WHERE r.community_id = ? AND %s ORDER BY %s LIMIT ?`
	// staffSearch is what a staff search matches: the text anywhere in the description, or the
	// start of the name of the person it is about (both stored in clear).
	staffSearch = `(r.description LIKE ? OR p.name LIKE ?)`
	// overdueIn are the conditions, per status, of a report past a deadline or escalated.
	overdueAccept  = `r.status = ? AND r.accept_by < ?`
	overdueResolve = `r.status = ? AND r.resolve_by < ?`
)

func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func scanReport(row interface{ Scan(...any) error }) (Report, error) {
	var (
		r                                        Report
		person, building, grid, assignee, rating sql.NullInt64
		lat, lng                                 sql.NullFloat64
		accepted, resolved, closed               sql.NullTime
	)
	err := row.Scan(&r.ID, &r.CommunityID, &r.ReporterID, &person, &r.CategoryKey, &r.CategoryName, &r.Level, &r.Urgency,
		&r.Description, &building, &r.BuildingName, &r.Unit, &r.LocationText, &lat, &lng, &r.Anonymous, &r.Flagged, &r.Status,
		&grid, &assignee, &r.AssigneeName, &r.AcceptBy, &r.ResolveBy, &accepted, &resolved, &closed, &rating, &r.Comment,
		&r.CreatedAt, &r.UpdatedAt, &r.ReporterName)
	if errors.Is(err, sql.ErrNoRows) {
		return Report{}, ErrNotFound
	}
	if err != nil {
		return Report{}, err
	}
	r.PersonID, r.BuildingID, r.GridID, r.AssigneeID, r.Rating = person.Int64, building.Int64, grid.Int64, assignee.Int64, int(rating.Int64)
	if lat.Valid && lng.Valid {
		la, ln := lat.Float64, lng.Float64
		r.Lat, r.Lng = &la, &ln
	}
	r.AcceptedAt, r.ResolvedAt, r.ClosedAt = accepted.Time, resolved.Time, closed.Time
	return r, nil
}

// Get returns one report with its photos.
func (s *Service) Get(ctx context.Context, id int64) (Report, error) {
	r, err := scanReport(s.db.QueryRowContext(ctx, qReport, id))
	if err != nil {
		if !errors.Is(err, ErrNotFound) {
			err = fmt.Errorf("report %d: %w", id, err)
		}
		return Report{}, err
	}
	rows, err := s.db.QueryContext(ctx, qPhotos, id)
	if err != nil {
		return Report{}, fmt.Errorf("photos of report %d: %w", id, err)
	}
	defer rows.Close()
	r.Photos = []Photo{}
	for rows.Next() {
		var p Photo
		if err := rows.Scan(&p.ID, &p.Name, &p.Purpose); err != nil {
			return Report{}, err
		}
		r.Photos = append(r.Photos, p)
	}
	return r, rows.Err()
}

// Timeline returns a report's steps, oldest first.
func (s *Service) Timeline(ctx context.Context, id int64) ([]Step, error) {
	rows, err := s.db.QueryContext(ctx, qSteps, id)
	if err != nil {
		return nil, fmt.Errorf("timeline of report %d: %w", id, err)
	}
	defer rows.Close()
	out := []Step{}
	for rows.Next() {
		var (
			st    Step
			actor sql.NullInt64
		)
		if err := rows.Scan(&st.At, &actor, &st.ActorName, &st.Role, &st.Action, &st.Note); err != nil {
			return nil, err
		}
		st.ActorID = actor.Int64
		out = append(out, st)
	}
	return out, rows.Err()
}

func step(ctx context.Context, tx *sql.Tx, reportID, communityID, actorID int64, role, action, note string, now time.Time) error {
	var actor any
	if actorID != 0 {
		actor = actorID
	}
	if _, err := tx.ExecContext(ctx, qTimeline, reportID, communityID, actor, role, action, note, now); err != nil {
		return fmt.Errorf("timeline of report %d: %w", reportID, err)
	}
	return nil
}

// Submit checks and files a report; dispatch happens through the events.
func (s *Service) Submit(ctx context.Context, a Actor, in Input) (Report, error) {
	errs := validation.Errors{}
	validation.Text{Max: MaxDescription, Required: true, Multiline: true}.Clean(errs, "description", &in.Description)
	validation.Text{Max: maxUnit}.Clean(errs, "unit", &in.Unit)
	validation.Text{Max: MaxLocationText}.Clean(errs, "location_text", &in.LocationText)
	if in.Urgency != UrgencyNormal && in.Urgency != UrgencyUrgent {
		errs.Add("urgency", "应为 normal 或 urgent")
	}
	errs.Point(in.Lat, in.Lng)
	if in.BuildingID == 0 && in.Lat == nil && in.LocationText == "" {
		errs.Add("building_id", "请选择楼栋，或在地图上选点，或描述位置")
	}
	switch {
	case in.PhotoIDs == nil:
		errs.Add("photo_ids", validation.Required)
	case len(in.PhotoIDs) > MaxPhotos:
		errs.Add("photo_ids", "最多 9 张图片")
	}
	if err := errs.Err(); err != nil {
		return Report{}, err
	}
	// The community: the person's, else the building's, else the reporter's own.
	communityID := a.HomeCommunity
	personID := in.PersonID
	if personID != 0 {
		cid, err := s.deps.Access(ctx, a.UserID, personID)
		if err != nil {
			return Report{}, err
		}
		communityID = cid
	} else if own, err := s.deps.OwnPerson(ctx, a.UserID); err != nil {
		return Report{}, err
	} else {
		personID = own
	}
	if in.BuildingID != 0 {
		var bc int64
		err := s.db.QueryRowContext(ctx, `SELECT community_id FROM buildings WHERE id = ?`, in.BuildingID).Scan(&bc)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && communityID != 0 && bc != communityID) {
			return Report{}, validation.Field("building_id", "楼栋不存在")
		}
		if err != nil {
			return Report{}, fmt.Errorf("report building: %w", err)
		}
		communityID = bc
	}
	if communityID == 0 {
		return Report{}, validation.Field("building_id", "请先选择所在社区的楼栋")
	}
	cat, ok, err := s.Category(ctx, communityID, in.Category)
	if err != nil {
		return Report{}, err
	}
	if !ok {
		return Report{}, validation.Field("category", "类别不存在")
	}
	flagged, err := s.checkText(ctx, a.OpenID, in.Description+" "+in.LocationText)
	if err != nil {
		return Report{}, err
	}
	level := cat.Level
	if in.Urgency == UrgencyUrgent {
		level = LevelUrgent
	}
	now := s.now().UTC()
	acceptBy, resolveBy := cat.deadlines(now)
	var id int64
	err = database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, qInsertReport, communityID, a.UserID, nullID(personID), cat.Key, cat.Name, level, in.Urgency,
			in.Description, nullID(in.BuildingID), in.Unit, in.LocationText, nullFloat(in.Lat), nullFloat(in.Lng), in.Anonymous, flagged,
			acceptBy, resolveBy, now, now)
		if err != nil {
			return fmt.Errorf("insert report: %w", err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		note := ""
		if flagged {
			note = "内容待社区复核"
		}
		if err := attachPhotos(ctx, tx, id, a.UserID, in.PhotoIDs, PurposeReport); err != nil {
			return err
		}
		if err := step(ctx, tx, id, communityID, a.UserID, "resident", "submitted", note, now); err != nil {
			return err
		}
		_, err = events.Publish(ctx, tx, communityID, TopicSubmitted, map[string]int64{"report_id": id}, now)
		return err
	})
	if err != nil {
		return Report{}, err
	}
	return s.Get(ctx, id)
}

// checkText runs WeChat's content check: risky is refused; review, or WeChat not answering, is
// accepted and flagged for staff.
func (s *Service) checkText(ctx context.Context, openid, text string) (bool, error) {
	if s.deps.Text == nil || openid == "" {
		return false, nil
	}
	v, err := s.deps.Text.CheckText(ctx, openid, text)
	switch {
	case err != nil:
		return true, nil
	case v == wechat.VerdictRisky:
		return false, ErrContentRejected
	}
	return v == wechat.VerdictReview, nil
}

// Dispatch routes a submitted report: to the grid worker on duty where it is, else to staff;
// urgent reports reach every staff member at once. It is the handler of TopicSubmitted.
func (s *Service) Dispatch(ctx context.Context, tx *sql.Tx, e events.Event) error {
	var p struct {
		ReportID int64 `json:"report_id"`
	}
	if err := e.Decode(&p); err != nil {
		return err
	}
	l, err := lockReport(ctx, tx, p.ReportID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil || l.status != StatusSubmitted {
		return err
	}
	now := s.now().UTC()
	r, err := s.Get(ctx, p.ReportID)
	if err != nil {
		return err
	}
	worker := int64(0)
	gridID := int64(0)
	if l.building != 0 {
		if gridID, worker, err = s.GridOf(ctx, tx, l.building); err != nil {
			return err
		}
	}
	// A worker whose role was revoked a moment ago (before its event left the grid) gets nothing.
	if worker != 0 {
		if on, err := s.holds(ctx, worker, r.CommunityID, account.RoleGridWorker); err != nil {
			return err
		} else if !on {
			worker = 0
		}
	}
	if worker != 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE reports SET status = 'assigned', grid_id = ?, assignee_user_id = ?, assignee_role = 'grid_worker', updated_at = ? WHERE id = ?`,
			gridID, worker, now, r.ID); err != nil {
			return fmt.Errorf("assign report %d: %w", r.ID, err)
		}
		if err := step(ctx, tx, r.ID, r.CommunityID, 0, "system", "assigned", fmt.Sprintf("派给网格员 %d", worker), now); err != nil {
			return err
		}
		if err := tellAssigned(ctx, tx, r, worker, now); err != nil {
			return err
		}
	} else if err := step(ctx, tx, r.ID, r.CommunityID, 0, "system", "to_staff", "没有负责该位置的网格员，交社区分派", now); err != nil {
		return err
	}
	if worker == 0 || r.Level == LevelUrgent {
		return s.tellStaff(ctx, tx, r, now)
	}
	return nil
}

func reportMessage(r Report, title, body string, now time.Time) notify.Message {
	return notify.Message{CommunityID: r.CommunityID, Kind: "report", Title: title, Body: body,
		Page: fmt.Sprintf("/pages/report/detail/index?id=%d", r.ID), CreatedAt: now}
}

func tellAssigned(ctx context.Context, tx *sql.Tx, r Report, worker int64, now time.Time) error {
	m := reportMessage(r, "新的报事任务", fmt.Sprintf("%s：%s", r.CategoryName, r.Description), now)
	m.Page = fmt.Sprintf("/pages/report/task/detail/index?id=%d", r.ID)
	return notify.Tell(ctx, tx, worker, fmt.Sprintf("report_assigned:%d:%d:%d", r.ID, worker, now.UnixNano()), m, &notify.Push{
		TemplateKey: "report_assigned", Page: m.Page,
		Data: map[string]string{"thing1": r.CategoryName, "thing2": r.Description, "time3": now.In(shanghai).Format("2006-01-02 15:04")},
	})
}

var shanghai = time.FixedZone("CST", 8*3600)

func (s *Service) tellStaff(ctx context.Context, tx *sql.Tx, r Report, now time.Time) error {
	staff, err := database.Int64s(ctx, tx, qStaffOf, r.CommunityID)
	if err != nil {
		return err
	}
	title := "有待分派的报事"
	if r.Level == LevelUrgent {
		title = "紧急报事"
	}
	m := reportMessage(r, title, fmt.Sprintf("%s：%s", r.CategoryName, r.Description), now)
	for _, uid := range staff {
		// Once per state the report reaches, each time it reaches it (a report escalated again
		// after staff handed it out anew is news again).
		key := fmt.Sprintf("report_staff:%d:%d:%s:%d", r.ID, uid, r.Status, r.UpdatedAt.UnixMicro())
		if err := notify.Tell(ctx, tx, uid, key, m, &notify.Push{
			TemplateKey: "report_updated", Page: m.Page,
			Data: map[string]string{"thing1": title, "thing2": r.Description, "time3": now.In(shanghai).Format("2006-01-02 15:04")},
		}); err != nil {
			return err
		}
	}
	return nil
}

type locked struct {
	status, level string
	community     int64
	assignee      int64
	// assigneeRole is the role in which the assignee holds the report ("" from before it was kept).
	assigneeRole account.Role
	building     int64
	resolvedAt   time.Time
	reporter     int64
	person       int64
}

func lockReport(ctx context.Context, tx *sql.Tx, id int64) (locked, error) {
	var (
		l                          locked
		assignee, building, person sql.NullInt64
		resolved                   sql.NullTime
	)
	err := tx.QueryRowContext(ctx, qLockReport, id).Scan(&l.status, &l.community, &assignee, &l.assigneeRole, &l.level, &building, &resolved, &l.reporter, &person)
	if errors.Is(err, sql.ErrNoRows) {
		return locked{}, ErrNotFound
	}
	if err != nil {
		return locked{}, fmt.Errorf("lock report %d: %w", id, err)
	}
	l.assignee, l.building, l.resolvedAt, l.person = assignee.Int64, building.Int64, resolved.Time, person.Int64
	return l, nil
}

// CanSee reports whether a resident may see a report: they made it, or they act for its person.
func (s *Service) CanSee(ctx context.Context, userID int64, r Report) bool {
	if r.ReporterID == userID {
		return true
	}
	if r.PersonID == 0 || s.deps.Access == nil {
		return false
	}
	_, err := s.deps.Access(ctx, userID, r.PersonID)
	return err == nil
}

// move runs a state change under the report's lock: check decides whether it is allowed (an
// error otherwise), set is the UPDATE, then the step is written and tell runs.
func (s *Service) move(ctx context.Context, id int64, check func(l locked) error, set string, args []any, actor int64, role, action, note string,
	tell func(tx *sql.Tx, r Report, now time.Time) error) (Report, error) {
	now := s.now().UTC()
	err := database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		l, err := lockReport(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := check(l); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reports SET `+set+`, updated_at = ? WHERE id = ?`, append(append(args, now), id)...); err != nil {
			return fmt.Errorf("report %d %s: %w", id, action, err)
		}
		if err := step(ctx, tx, id, l.community, actor, role, action, note, now); err != nil {
			return err
		}
		if tell == nil {
			return nil
		}
		r, err := scanReport(tx.QueryRowContext(ctx, qReport, id))
		if err != nil {
			return err
		}
		return tell(tx, r, now)
	})
	if err != nil {
		return Report{}, err
	}
	return s.Get(ctx, id)
}

func allowed(l locked, from ...string) error {
	if !slices.Contains(from, l.status) {
		return ErrInvalidTransition
	}
	return nil
}

// Accept is the assigned worker taking the report on. The resolve clock keeps running from the
// hand-off, unless it has already run out (clocks.go).
func (s *Service) Accept(ctx context.Context, workerID, id int64) (Report, error) {
	now := s.now().UTC()
	cat, err := s.clockOf(ctx, id)
	if err != nil {
		return Report{}, err
	}
	return s.move(ctx, id, func(l locked) error {
		if err := s.mayWork(ctx, workerID, l); err != nil {
			return err
		}
		return allowed(l, StatusAssigned)
	}, "status = 'accepted', accepted_at = ?, "+restartOverdueResolve, append([]any{now}, cat.overdueResolveArgs(now)...), workerID, "worker", "accepted", "", nil)
}

// Claim is a volunteer taking a minor report nobody has accepted.
func (s *Service) Claim(ctx context.Context, volunteerID, communityID, id int64) (Report, error) {
	now := s.now().UTC()
	cat, err := s.clockOf(ctx, id)
	if err != nil {
		return Report{}, err
	}
	return s.move(ctx, id, func(l locked) error {
		switch {
		case l.community != communityID || l.level != LevelMinor:
			return ErrNotFound
		case l.status == StatusAccepted && l.assignee != 0:
			return ErrAlreadyClaimed
		}
		return allowed(l, StatusSubmitted, StatusAssigned)
	}, "status = 'accepted', assignee_user_id = ?, assignee_role = 'volunteer', accepted_at = ?, "+restartOverdueResolve,
		append([]any{volunteerID, now}, cat.overdueResolveArgs(now)...), volunteerID, "volunteer", "claimed", "", nil)
}

// Resolve is the assigned worker done, with a note and photos; the reporter is told.
func (s *Service) Resolve(ctx context.Context, workerID, id int64, note string, photoIDs []int64) (Report, error) {
	if err := noteText.Check("note", &note); err != nil {
		return Report{}, err
	}
	if len(photoIDs) > MaxPhotos {
		return Report{}, validation.Field("photo_ids", "最多 9 张图片")
	}
	now := s.now().UTC()
	return s.move(ctx, id, func(l locked) error {
		if err := s.mayWork(ctx, workerID, l); err != nil {
			return err
		}
		return allowed(l, StatusAccepted)
	}, "status = 'resolved', resolved_at = ?", []any{now}, workerID, "worker", "resolved", note, func(tx *sql.Tx, r Report, now time.Time) error {
		if err := attachPhotos(ctx, tx, r.ID, workerID, photoIDs, PurposeResolution); err != nil {
			return err
		}
		m := reportMessage(r, "报事已处理", fmt.Sprintf("您反映的“%s”已处理，请确认并评价。%s", r.CategoryName, note), now)
		return notify.Tell(ctx, tx, r.ReporterID, fmt.Sprintf("report_resolved:%d:%d", r.ID, now.UnixNano()), m, &notify.Push{
			TemplateKey: "report_updated", Page: m.Page,
			Data: map[string]string{"thing1": "报事已处理", "thing2": r.Description, "time3": now.In(shanghai).Format("2006-01-02 15:04")},
		})
	})
}

// Return is the assigned worker handing the report back to staff, with a reason.
func (s *Service) Return(ctx context.Context, workerID, id int64, reason string) (Report, error) {
	if err := (validation.Text{Max: MaxNote, Required: true, Multiline: true}).Check("reason", &reason); err != nil {
		return Report{}, err
	}
	return s.move(ctx, id, func(l locked) error {
		if err := s.mayWork(ctx, workerID, l); err != nil {
			return err
		}
		return allowed(l, StatusAssigned, StatusAccepted)
	}, "status = 'returned', assignee_user_id = NULL, assignee_role = ''", nil, workerID, "worker", "returned", reason, s.tellStaffTx(ctx))
}

func (s *Service) tellStaffTx(ctx context.Context) func(tx *sql.Tx, r Report, now time.Time) error {
	return func(tx *sql.Tx, r Report, now time.Time) error { return s.tellStaff(ctx, tx, r, now) }
}

// Assign is staff giving the report to a worker (grid worker, volunteer or staff of the
// community): a new hand-off, so both clocks start again from now.
func (s *Service) Assign(ctx context.Context, staffID, communityID, id, workerID int64) (Report, error) {
	role, err := s.workerRole(ctx, workerID, communityID)
	if err != nil {
		return Report{}, fmt.Errorf("assign: %w", err)
	}
	if role == "" {
		return Report{}, validation.Field("worker_user_id", "应为本社区的网格员、志愿者或工作人员")
	}
	cat, err := s.clockOf(ctx, id)
	if err != nil {
		return Report{}, err
	}
	acceptBy, resolveBy := cat.deadlines(s.now().UTC())
	return s.move(ctx, id, func(l locked) error {
		if l.community != communityID {
			return ErrNotFound
		}
		return allowed(l, StatusSubmitted, StatusAssigned, StatusReturned, StatusEscalated, StatusAccepted)
	}, "status = 'assigned', assignee_user_id = ?, assignee_role = ?, accepted_at = NULL, "+restartClocks,
		[]any{workerID, string(role), acceptBy, resolveBy}, staffID, "staff", "assigned",
		fmt.Sprintf("派给 %d", workerID), func(tx *sql.Tx, r Report, now time.Time) error { return tellAssigned(ctx, tx, r, workerID, now) })
}

// Confirm is the reporter (or who acts for the person) closing a resolved report with a rating.
func (s *Service) Confirm(ctx context.Context, userID, id int64, rating int, comment string) (Report, error) {
	errs := validation.Errors{}
	if rating < 1 || rating > 5 {
		errs.Add("rating", "应为 1 到 5")
	}
	noteText.Clean(errs, "comment", &comment)
	if err := errs.Err(); err != nil {
		return Report{}, err
	}
	if err := s.mustSee(ctx, userID, id); err != nil {
		return Report{}, err
	}
	now := s.now().UTC()
	return s.move(ctx, id, func(l locked) error { return allowed(l, StatusResolved) },
		"status = 'closed', closed_at = ?, rating = ?, comment = ?", []any{now, rating, comment}, userID, "resident", "confirmed",
		fmt.Sprintf("%d 星 %s", rating, comment), nil)
}

// Reopen sends a resolved (or closed, within 7 days of resolving) report back to its worker.
func (s *Service) Reopen(ctx context.Context, userID, id int64, reason string) (Report, error) {
	if err := noteText.Check("reason", &reason); err != nil {
		return Report{}, err
	}
	r, err := s.visible(ctx, userID, id)
	if err != nil {
		return Report{}, err
	}
	now := s.now().UTC()
	cat, err := s.window(ctx, r.CommunityID, r.CategoryKey)
	if err != nil {
		return Report{}, err
	}
	acceptBy, resolveBy := cat.deadlines(now)
	var worker int64
	return s.move(ctx, id, func(l locked) error {
		if l.status == StatusClosed && now.Sub(l.resolvedAt) > ReopenWindow {
			return ErrInvalidTransition
		}
		worker = l.assignee
		return allowed(l, StatusResolved, StatusClosed)
	}, "status = 'assigned', closed_at = NULL, resolved_at = NULL, accepted_at = NULL, rating = NULL, "+restartClocks, []any{acceptBy, resolveBy},
		userID, "resident", "reopened", reason,
		func(tx *sql.Tx, r Report, now time.Time) error {
			if worker == 0 {
				return s.tellStaff(ctx, tx, r, now)
			}
			return tellAssigned(ctx, tx, r, worker, now)
		})
}

// Cancel withdraws a report nobody has started on.
func (s *Service) Cancel(ctx context.Context, userID, id int64) (Report, error) {
	if err := s.mustSee(ctx, userID, id); err != nil {
		return Report{}, err
	}
	return s.move(ctx, id, func(l locked) error { return allowed(l, StatusSubmitted, StatusAssigned) },
		"status = 'cancelled'", nil, userID, "resident", "cancelled", "", nil)
}

func (s *Service) mustSee(ctx context.Context, userID, id int64) error {
	_, err := s.visible(ctx, userID, id)
	return err
}

// visible is the report when the user may see it, else ErrNotFound.
func (s *Service) visible(ctx context.Context, userID, id int64) (Report, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return Report{}, err
	}
	if !s.CanSee(ctx, userID, r) {
		return Report{}, ErrNotFound
	}
	return r, nil
}

// The reports escalation moves, a batch at a time, each through its index on (status, deadline):
// only reports past due are read, never the history.
const (
	qPastAccept  = `SELECT id FROM reports WHERE status = 'assigned' AND accept_by < ? ORDER BY accept_by LIMIT ?`
	qPastResolve = `SELECT id FROM reports WHERE status = 'accepted' AND resolve_by < ? ORDER BY resolve_by LIMIT ?`
	qUnconfirmed = `SELECT id FROM reports WHERE status = 'resolved' AND resolved_at < ? ORDER BY resolved_at LIMIT ?`
	sweepBatch   = 200
)

// Escalate moves reports past their deadlines to staff, and closes reports resolved more than
// 7 days ago. It answers how many it moved.
func (s *Service) Escalate(ctx context.Context) (int, error) {
	now := s.now().UTC()
	ids, err := database.Int64s(ctx, s.db, qPastAccept, now, sweepBatch)
	if err != nil {
		return 0, err
	}
	late, err := database.Int64s(ctx, s.db, qPastResolve, now, sweepBatch)
	if err != nil {
		return 0, err
	}
	ids = append(ids, late...)
	moved := 0
	for _, id := range ids {
		_, err := s.move(ctx, id, func(l locked) error { return allowed(l, StatusAssigned, StatusAccepted) },
			"status = 'escalated', escalated_at = ?", []any{now}, 0, "system", "escalated", "超时未处理，交社区督办", s.tellStaffTx(ctx))
		if errors.Is(err, ErrInvalidTransition) {
			continue
		}
		if err != nil {
			return moved, err
		}
		moved++
	}
	stale, err := database.Int64s(ctx, s.db, qUnconfirmed, now.Add(-ReopenWindow), sweepBatch)
	if err != nil {
		return moved, err
	}
	for _, id := range stale {
		_, err := s.move(ctx, id, func(l locked) error { return allowed(l, StatusResolved) }, "status = 'closed', closed_at = ?", []any{now},
			0, "system", "closed", "处理后 7 天未确认，自动结案", nil)
		if err != nil && !errors.Is(err, ErrInvalidTransition) {
			return moved, err
		}
		moved++
	}
	return moved, nil
}

func (s *Service) list(ctx context.Context, query string, args []any, p paging.Page) ([]Report, string, error) {
	return s.listIn(ctx, query, args, p, paging.Newest)
}

// listIn is list in either order; query has places (%s) for the keyset condition and the ORDER BY.
func (s *Service) listIn(ctx context.Context, query string, args []any, p paging.Page, o paging.Order) ([]Report, string, error) {
	out, err := s.page(ctx, query, args, p, o)
	if err != nil {
		return nil, "", err
	}
	items, next := paging.Trim(out, p.Limit, reportCursor)
	return items, next, nil
}

// page reads up to a page and one more of a list (query, its leading args) in order o.
func (s *Service) page(ctx context.Context, query string, args []any, p paging.Page, o paging.Order) ([]Report, error) {
	where, wargs, order := p.Keyset("r.created_at", "r.id", o)
	args = append(append(slices.Clip(args), wargs...), p.Limit+1)
	out, err := database.Collect(ctx, s.db, fmt.Sprintf(query, where, order), args, scanReport)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	return out, nil
}

// Mine pages through the reports a user made or that concern persons they act for; personID
// (when not 0) narrows them to one person the user acts for (staff too, in its community).
func (s *Service) Mine(ctx context.Context, userID, personID int64, search string, o paging.Order, p paging.Page) ([]Report, string, error) {
	// described narrows a list to reports whose description holds the search.
	described := func(q string, args []any) (string, []any) {
		if search == "" {
			return q, args
		}
		return strings.Replace(q, "%s", "r.description LIKE ? AND %s", 1), append(args, database.LikeAny(search))
	}
	if personID != 0 {
		if _, err := s.deps.Access(ctx, userID, personID); err != nil {
			return nil, "", err
		}
		q, args := described(qPersonReports, []any{personID})
		return s.listIn(ctx, q, args, p, o)
	}
	persons, err := s.deps.Managed(ctx, userID)
	if err != nil {
		return nil, "", err
	}
	// The reporter's own, then each person's: a page of each, merged.
	q, args := described(qReporterReports, []any{userID})
	parts := []part{{q, args}}
	for _, id := range persons {
		q, args := described(qPersonReports, []any{id})
		parts = append(parts, part{q, args})
	}
	return s.merged(ctx, parts, p, o)
}

// part is one query of a merged list and its leading args.
type part struct {
	query string
	args  []any
}

// merged pages through several lists at once in order o, a page of each (paging.OfEach).
func (s *Service) merged(ctx context.Context, parts []part, p paging.Page, o paging.Order) ([]Report, string, error) {
	return paging.OfEach(parts, p, o, func(q part) ([]Report, error) {
		return s.page(ctx, q.query, q.args, p, o)
	}, reportCursor)
}

func reportCursor(r Report) paging.Cursor { return paging.Cursor{At: r.CreatedAt, ID: r.ID} }

// filtered puts a status condition in front of a list's query when status is not "".
func filtered(query, status string, args []any) (string, []any) {
	if status == "" {
		return query, args
	}
	return strings.Replace(query, "%s", "r.status = ? AND %s", 1), append(args, status)
}

// Tasks pages through the reports assigned to a worker; status "" lists all.
func (s *Service) Tasks(ctx context.Context, workerID int64, status string, p paging.Page) ([]Report, string, error) {
	q, args := filtered(qTasks, status, []any{workerID})
	return s.list(ctx, q, args, p)
}

// Open pages through a community's minor reports volunteers may claim.
func (s *Service) Open(ctx context.Context, communityID int64, p paging.Page) ([]Report, string, error) {
	return s.list(ctx, qOpen, []any{communityID}, p)
}

// ForStaff pages through a community's reports, newest first unless o says otherwise; overdue
// keeps those past a deadline or escalated: the open ones of each status, merged, so the list
// reads the community's open reports and never its history.
func (s *Service) ForStaff(ctx context.Context, communityID int64, status string, overdue bool, search string, p paging.Page, o paging.Order) ([]Report, string, error) {
	// searched puts the search condition in front of a query's keyset when there is one.
	searched := func(q string, args []any) (string, []any) {
		if search == "" {
			return q, args
		}
		return strings.Replace(q, "%s", staffSearch+" AND %s", 1), append(args, database.LikeAny(search), database.LikePrefix(search))
	}
	if !overdue {
		q, args := searched(filtered(qAdminReports, status, []any{communityID}))
		return s.listIn(ctx, q, args, p, o)
	}
	now := s.now().UTC()
	var parts []part
	add := func(st, cond string, args ...any) {
		if status == "" || status == st {
			q, args := searched(strings.Replace(qAdminReports, "%s", cond+" AND %s", 1), append([]any{communityID, st}, args...))
			parts = append(parts, part{q, args})
		}
	}
	add(StatusSubmitted, overdueAccept, now)
	add(StatusAssigned, overdueAccept, now)
	add(StatusAccepted, overdueResolve, now)
	add(StatusEscalated, "r.status = ?")
	return s.merged(ctx, parts, p, o)
}
