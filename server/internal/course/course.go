// Package course runs the parent university (家长大学): courses and their sessions, enrolment
// with a waiting list that moves up in the same transaction as the cancellation that frees a
// seat, check-in, certificates and reminders.
package course

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/linli/linli/server/internal/cst"
	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/notify"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/validation"
)

// Errors of this package.
var (
	ErrNotFound        = errors.New("course: not found")
	ErrAlreadyEnrolled = errors.New("course: already enrolled")
	ErrClosed          = errors.New("course: enrolment closed")
	ErrNotInAudience   = errors.New("course: person not in the course's audience")
	ErrCapacityBelow   = errors.New("course: capacity below enrolled")
	ErrCancelled       = errors.New("course: cancelled")
	ErrHasAttendance   = errors.New("course: a dropped session has attendance")
)

// Audiences.
const (
	AudienceParents  = "parents"
	AudienceChildren = "children"
)

// Enrolment statuses.
const (
	StatusEnrolled   = "enrolled"
	StatusWaitlisted = "waitlisted"
	StatusCancelled  = "cancelled"
)

// Limits.
const (
	MaxSessions = 30
	MaxTheme    = 32 // characters
	MaxCapacity = 1000
)

// Session is one meeting of a course.
type Session struct {
	Index    int
	StartsAt time.Time
	EndsAt   time.Time
	Place    string
}

// Course is a course with its sessions.
type Course struct {
	ID                  int64
	CommunityID         int64
	Theme               string
	Title               string
	Teacher             string
	Description         string
	Audience            string
	MinAge, MaxAge      int
	Capacity            int
	Enrolled            int
	Waitlisted          int
	EnrollBy            time.Time
	CertificateSessions int
	Sessions            []Session
	CreatedAt           time.Time
	// CancelledAt is when staff cancelled the course (zero while it runs), and CancelReason why.
	CancelledAt  time.Time
	CancelReason string
}

// Cancelled reports whether staff cancelled the course.
func (c Course) Cancelled() bool { return !c.CancelledAt.IsZero() }

// Enrollment is a person's place on a course.
type Enrollment struct {
	ID          int64
	CommunityID int64
	CourseID    int64
	CourseTitle string
	PersonID    int64
	PersonName  string
	UserID      int64
	Status      string
	// Position is the place on the waiting list (1 first), 0 when not waiting.
	Position int
	Attended []int
	// Certificate is set once attendance reaches the course's threshold.
	Certificate bool
	CreatedAt   time.Time
}

// Service runs the courses.
type Service struct {
	db      *sql.DB
	persons *person.Service
	now     func() time.Time
}

// NewService returns the service.
func NewService(db *sql.DB, persons *person.Service, now func() time.Time) *Service {
	return &Service{db: db, persons: persons, now: now}
}

const (
	courseCols = `c.id, c.community_id, c.theme, c.title, c.teacher, c.description, c.audience, c.min_age, c.max_age, c.capacity, c.enrolled,
		(SELECT COUNT(*) FROM enrollments w WHERE w.course_id = c.id AND w.status = 'waitlisted'), c.enroll_by, c.certificate_sessions, c.created_at,
		c.cancelled_at, c.cancel_reason`
	qCourse  = `SELECT ` + courseCols + ` FROM courses c WHERE c.id = ?`
	qCourses = `SELECT ` + courseCols + ` FROM courses c WHERE c.community_id = ? AND (c.theme = ? OR ? = '') AND c.cancelled_at IS NULL
		AND %s ORDER BY c.created_at, c.id LIMIT ?`
	qStaffCourses = `SELECT ` + courseCols + ` FROM courses c WHERE c.community_id = ? AND (c.theme = ? OR ? = '') AND (? = '' OR c.title LIKE ?)
		AND %s ORDER BY %s LIMIT ?`
	qSessions     = `SELECT course_id, session_index, starts_at, ends_at, place FROM course_sessions WHERE course_id IN (%s) ORDER BY course_id, session_index`
	qInsertCourse = `INSERT INTO courses (community_id, theme, title, teacher, description, audience, min_age, max_age, capacity, enroll_by,
		certificate_sessions, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qInsertSession = `INSERT INTO course_sessions (course_id, session_index, community_id, starts_at, ends_at, place) VALUES (?, ?, ?, ?, ?, ?)`
	qLockCourse    = `SELECT community_id, capacity, enrolled, joined, enroll_by, title, cancelled_at IS NOT NULL FROM courses WHERE id = ? FOR UPDATE`
)

func nullInt(v int) any {
	if v == 0 {
		return nil
	}
	return v
}

func scanCourse(row interface{ Scan(...any) error }) (Course, error) {
	var (
		c         Course
		min, max  sql.NullInt64
		cancelled sql.NullTime
	)
	err := row.Scan(&c.ID, &c.CommunityID, &c.Theme, &c.Title, &c.Teacher, &c.Description, &c.Audience, &min, &max, &c.Capacity,
		&c.Enrolled, &c.Waitlisted, &c.EnrollBy, &c.CertificateSessions, &c.CreatedAt, &cancelled, &c.CancelReason)
	if errors.Is(err, sql.ErrNoRows) {
		return Course{}, ErrNotFound
	}
	c.MinAge, c.MaxAge = int(min.Int64), int(max.Int64)
	c.CancelledAt = cancelled.Time
	return c, err
}

func (s *Service) sessions(ctx context.Context, id int64) ([]Session, error) {
	m, err := s.sessionsOf(ctx, []int64{id})
	return m[id], err
}

// sessionsOf loads the sessions of several courses in one query; every course gets a list.
func (s *Service) sessionsOf(ctx context.Context, ids []int64) (map[int64][]Session, error) {
	out := make(map[int64][]Session, len(ids))
	for _, id := range ids {
		out[id] = []Session{}
	}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := database.InList(ids)
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(qSessions, in), args...)
	if err != nil {
		return nil, fmt.Errorf("sessions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			course int64
			se     Session
		)
		if err := rows.Scan(&course, &se.Index, &se.StartsAt, &se.EndsAt, &se.Place); err != nil {
			return nil, err
		}
		out[course] = append(out[course], se)
	}
	return out, rows.Err()
}

// Course returns one course with its sessions.
func (s *Service) Course(ctx context.Context, id int64) (Course, error) {
	c, err := scanCourse(s.db.QueryRowContext(ctx, qCourse, id))
	if err != nil {
		if !errors.Is(err, ErrNotFound) {
			err = fmt.Errorf("course %d: %w", id, err)
		}
		return Course{}, err
	}
	c.Sessions, err = s.sessions(ctx, id)
	return c, err
}

// Input is a new course.
type Input struct {
	Theme, Title, Teacher, Description string
	Audience                           string
	MinAge, MaxAge                     int
	Capacity                           int
	EnrollBy                           time.Time
	Sessions                           []Session
	// CertificateSessions defaults to every session.
	CertificateSessions int
}

// check trims and validates a course's fields; the certificate threshold defaults to every
// session. The deadline and sessions lie in the window of what staff schedule (from now); on an
// edit (cur not nil) only those that changed, so a course under way keeps its past sessions.
func (in *Input) check(now time.Time, cur *Course) error {
	errs := validation.Errors{}
	window := validation.Schedule(now)
	if !in.EnrollBy.IsZero() && (cur == nil || !in.EnrollBy.Equal(cur.EnrollBy)) {
		window.Time(errs, "enroll_by", in.EnrollBy)
	}
	validation.Text{Max: MaxTheme, Required: true}.Clean(errs, "theme", &in.Theme)
	validation.Text{Max: 64, Required: true}.Clean(errs, "title", &in.Title)
	validation.Text{Max: 32, Required: true}.Clean(errs, "teacher", &in.Teacher)
	validation.Text{Max: 400, Multiline: true}.Clean(errs, "description", &in.Description)
	if in.Audience == "" {
		in.Audience = AudienceParents
	}
	switch in.Audience {
	case AudienceParents:
		in.MinAge, in.MaxAge = 0, 0
	case AudienceChildren:
		if in.MinAge < 0 || in.MaxAge < in.MinAge || in.MaxAge > 18 || in.MaxAge == 0 {
			errs.Add("max_age", "儿童课程须填写 0 到 18 之间的年龄段")
		}
	default:
		errs.Add("audience", "应为 parents 或 children")
	}
	if in.Capacity < 1 || in.Capacity > MaxCapacity {
		errs.Add("capacity", "应为 1 到 1000")
	}
	if in.EnrollBy.IsZero() {
		errs.Add("enroll_by", validation.Required)
	}
	switch {
	case len(in.Sessions) == 0:
		errs.Add("sessions", validation.Required)
	case len(in.Sessions) > MaxSessions:
		errs.Add("sessions", "最多 30 次课")
	}
	for i := range in.Sessions {
		se := &in.Sessions[i]
		at := fmt.Sprintf("sessions[%d].", i)
		validation.Text{Max: 64, Required: true}.Clean(errs, at+"place", &se.Place)
		var was Session
		if cur != nil && i < len(cur.Sessions) {
			was = cur.Sessions[i]
		}
		if !se.StartsAt.IsZero() && !se.StartsAt.Equal(was.StartsAt) {
			window.Time(errs, at+"starts_at", se.StartsAt)
		}
		if !se.EndsAt.IsZero() && !se.EndsAt.Equal(was.EndsAt) {
			window.Time(errs, at+"ends_at", se.EndsAt)
		}
		if se.StartsAt.IsZero() || !se.EndsAt.After(se.StartsAt) {
			errs.Add(at+"ends_at", "结束时间应晚于开始时间")
		}
	}
	if in.CertificateSessions == 0 {
		in.CertificateSessions = len(in.Sessions)
	}
	if in.CertificateSessions < 1 || in.CertificateSessions > len(in.Sessions) {
		errs.Add("certificate_sessions", "应在 1 到课次数之间")
	}
	return errs.Err()
}

// Create adds a course. An enrolment deadline already past is allowed: the course is simply
// closed (API.md).
func (s *Service) Create(ctx context.Context, communityID int64, in Input) (Course, error) {
	if err := in.check(s.now(), nil); err != nil {
		return Course{}, err
	}
	now := s.now().UTC()
	var id int64
	err := database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, qInsertCourse, communityID, in.Theme, in.Title, in.Teacher, in.Description, in.Audience,
			nullInt(in.MinAge), nullInt(in.MaxAge), in.Capacity, in.EnrollBy.UTC(), in.CertificateSessions, now, now)
		if err != nil {
			return fmt.Errorf("insert course: %w", err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		for i, se := range in.Sessions {
			if _, err := tx.ExecContext(ctx, qInsertSession, id, i+1, communityID, se.StartsAt.UTC(), se.EndsAt.UTC(), se.Place); err != nil {
				return fmt.Errorf("insert session: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return Course{}, err
	}
	return s.Course(ctx, id)
}

// Courses pages through a community's running courses (of a theme, or all), oldest first.
func (s *Service) Courses(ctx context.Context, communityID int64, theme string, p paging.Page) ([]Course, string, error) {
	where, args := p.Where("c.created_at", "c.id")
	return s.courses(ctx, fmt.Sprintf(qCourses, where), append(append([]any{communityID, theme, theme}, args...), p.Limit+1), p)
}

// StaffCourses pages through all of a community's courses for staff, cancelled ones too, in
// order o of their creation; q narrows to titles containing it.
func (s *Service) StaffCourses(ctx context.Context, communityID int64, theme, q string, p paging.Page, o paging.Order) ([]Course, string, error) {
	where, args, order := p.Keyset("c.created_at", "c.id", o)
	pattern := ""
	if q != "" {
		pattern = database.LikeAny(q)
	}
	return s.courses(ctx, fmt.Sprintf(qStaffCourses, where, order), append(append([]any{communityID, theme, theme, pattern, pattern}, args...), p.Limit+1), p)
}

// courses reads a page of courses with their sessions.
func (s *Service) courses(ctx context.Context, query string, args []any, p paging.Page) ([]Course, string, error) {
	out, err := database.Collect(ctx, s.db, query, args, scanCourse)
	if err != nil {
		return nil, "", fmt.Errorf("courses: %w", err)
	}
	out, next := paging.Trim(out, p.Limit, func(c Course) paging.Cursor { return paging.Cursor{At: c.CreatedAt, ID: c.ID} })
	ids := make([]int64, len(out))
	for i, c := range out {
		ids[i] = c.ID
	}
	sessions, err := s.sessionsOf(ctx, ids)
	if err != nil {
		return nil, "", err
	}
	for i := range out {
		out[i].Sessions = sessions[out[i].ID]
	}
	return out, next, nil
}

const (
	qInsertEnrollment = `INSERT INTO enrollments (community_id, course_id, person_id, user_id, status, is_active, queue_no, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)`
	qEnrolledUp   = `UPDATE courses SET enrolled = enrolled + 1, updated_at = ? WHERE id = ?`
	qJoined       = `UPDATE courses SET joined = ?, enrolled = enrolled + ?, updated_at = ? WHERE id = ?`
	qEnrolledDown = `UPDATE courses SET enrolled = enrolled - 1, updated_at = ? WHERE id = ?`
	qEnrollmentOf = `SELECT course_id, person_id FROM enrollments WHERE id = ?`
	qLockEnroll   = `SELECT status FROM enrollments WHERE id = ? FOR UPDATE`
	qCancelEnroll = `UPDATE enrollments SET status = 'cancelled', is_active = NULL, updated_at = ? WHERE id = ?`
	qFirstWaiting = `SELECT id, person_id FROM enrollments WHERE course_id = ? AND status = 'waitlisted' ORDER BY queue_no LIMIT 1 FOR UPDATE`
	qPromote      = `UPDATE enrollments SET status = 'enrolled', updated_at = ? WHERE id = ?`
	qEnrollments  = `SELECT e.id, e.community_id, e.course_id, c.title, e.person_id, COALESCE(p.name, ''), e.user_id, e.status,
		c.certificate_sessions, e.created_at, e.queue_no
		FROM enrollments e JOIN courses c ON c.id = e.course_id LEFT JOIN persons p ON p.id = e.person_id WHERE e.id IN (%s)`
	qAttendedOf     = `SELECT enrollment_id, session_index FROM attendance WHERE enrollment_id IN (%s) ORDER BY enrollment_id, session_index`
	qWaitingNumbers = `SELECT queue_no FROM enrollments WHERE course_id = ? AND status = 'waitlisted' ORDER BY queue_no`
)

// locked is a course row read under its lock.
type locked struct {
	community       int64
	capacity, taken int
	joined          int64
	enrollBy        time.Time
	title           string
	cancelled       bool
}

// lock takes the course row's lock, which every change to its seats and waiting list holds.
func lock(ctx context.Context, tx *sql.Tx, courseID int64) (locked, error) {
	var l locked
	err := tx.QueryRowContext(ctx, qLockCourse, courseID).Scan(&l.community, &l.capacity, &l.taken, &l.joined, &l.enrollBy, &l.title, &l.cancelled)
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrNotFound
	}
	if err != nil {
		return l, fmt.Errorf("lock course %d: %w", courseID, err)
	}
	return l, nil
}

// Enroll enrols a person the user may act for: a seat while there is one, else the waiting
// list. The course row's lock decides, so the capacity is never exceeded.
func (s *Service) Enroll(ctx context.Context, userID, courseID, personID int64) (Enrollment, error) {
	c, err := s.Course(ctx, courseID)
	if err != nil {
		return Enrollment{}, err
	}
	p, _, err := s.persons.ActFor(ctx, userID, personID)
	if err != nil {
		return Enrollment{}, err
	}
	if p.CommunityID != c.CommunityID {
		return Enrollment{}, ErrNotFound
	}
	if c.Audience == AudienceChildren {
		age := person.Age(p.BirthDate, cst.Today(c.Sessions[0].StartsAt))
		if age < c.MinAge || age > c.MaxAge {
			return Enrollment{}, ErrNotInAudience
		}
	}
	now := s.now().UTC()
	var id int64
	err = database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		l, err := lock(ctx, tx, courseID)
		if err != nil {
			return err
		}
		if !now.Before(l.enrollBy) || l.cancelled {
			return ErrClosed
		}
		status, seat := StatusWaitlisted, 0
		if l.taken < l.capacity {
			status, seat = StatusEnrolled, 1
		}
		res, err := tx.ExecContext(ctx, qInsertEnrollment, l.community, courseID, personID, userID, status, l.joined+1, now, now)
		if database.IsDuplicate(err) {
			return ErrAlreadyEnrolled
		}
		if err != nil {
			return fmt.Errorf("enrol: %w", err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, qJoined, l.joined+1, seat, now, courseID); err != nil {
			return fmt.Errorf("enrol: %w", err)
		}
		return nil
	})
	if err != nil {
		return Enrollment{}, err
	}
	return s.Enrollment(ctx, id)
}

// Enrollment returns one enrolment with its place on the waiting list and attendance.
func (s *Service) Enrollment(ctx context.Context, id int64) (Enrollment, error) {
	out, err := s.enrollments(ctx, []int64{id})
	if err != nil {
		return Enrollment{}, err
	}
	if len(out) == 0 {
		return Enrollment{}, ErrNotFound
	}
	return out[0], nil
}

// enrollments loads enrolments in the order of ids (missing ones left out), with their
// attendance and places on the waiting list, in three queries and one per course waited on.
func (s *Service) enrollments(ctx context.Context, ids []int64) ([]Enrollment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := database.InList(ids)
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(qEnrollments, in), args...)
	if err != nil {
		return nil, fmt.Errorf("enrollments: %w", err)
	}
	byID := make(map[int64]*Enrollment, len(ids))
	queue := map[int64]int64{} // waiting enrolment → its number
	threshold := map[int64]int{}
	for rows.Next() {
		var (
			e       Enrollment
			t       int
			queueNo int64
		)
		if err := rows.Scan(&e.ID, &e.CommunityID, &e.CourseID, &e.CourseTitle, &e.PersonID, &e.PersonName, &e.UserID, &e.Status, &t,
			&e.CreatedAt, &queueNo); err != nil {
			rows.Close()
			return nil, err
		}
		e.Attended = []int{}
		byID[e.ID], threshold[e.ID] = &e, t
		if e.Status == StatusWaitlisted {
			queue[e.ID] = queueNo
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.QueryContext(ctx, fmt.Sprintf(qAttendedOf, in), args...)
	if err != nil {
		return nil, fmt.Errorf("attendance: %w", err)
	}
	for rows.Next() {
		var (
			id  int64
			idx int
		)
		if err := rows.Scan(&id, &idx); err != nil {
			rows.Close()
			return nil, err
		}
		if e := byID[id]; e != nil {
			e.Attended = append(e.Attended, idx)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Places on the waiting list: each course's waiting numbers, read once.
	lines := map[int64][]int64{}
	for id, no := range queue {
		course := byID[id].CourseID
		if _, ok := lines[course]; !ok {
			if lines[course], err = database.Int64s(ctx, s.db, qWaitingNumbers, course); err != nil {
				return nil, err
			}
		}
		byID[id].Position, _ = slices.BinarySearch(lines[course], no)
		byID[id].Position++
	}
	out := make([]Enrollment, 0, len(ids))
	for _, id := range ids {
		if e := byID[id]; e != nil {
			e.Certificate = len(e.Attended) >= threshold[id]
			out = append(out, *e)
		}
	}
	return out, nil
}

// Cancel cancels an enrolment (or leaves the waiting list). A freed seat goes to the first on
// the waiting list in the same transaction, and they are told.
func (s *Service) Cancel(ctx context.Context, userID, id int64) (Enrollment, error) {
	var courseID, personID int64
	err := s.db.QueryRowContext(ctx, qEnrollmentOf, id).Scan(&courseID, &personID)
	if errors.Is(err, sql.ErrNoRows) {
		return Enrollment{}, ErrNotFound
	}
	if err != nil {
		return Enrollment{}, fmt.Errorf("enrollment %d: %w", id, err)
	}
	if _, _, err := s.persons.ActFor(ctx, userID, personID); err != nil {
		return Enrollment{}, ErrNotFound
	}
	now := s.now().UTC()
	err = database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		// The course first, as Enroll locks it: one order of locks, no deadlock.
		l, err := lock(ctx, tx, courseID)
		if err != nil {
			return err
		}
		var status string
		if err := tx.QueryRowContext(ctx, qLockEnroll, id).Scan(&status); err != nil {
			return fmt.Errorf("lock enrollment: %w", err)
		}
		if status == StatusCancelled {
			return nil
		}
		if _, err := tx.ExecContext(ctx, qCancelEnroll, now, id); err != nil {
			return fmt.Errorf("cancel enrollment: %w", err)
		}
		if status != StatusEnrolled {
			return nil
		}
		if _, err := tx.ExecContext(ctx, qEnrolledDown, now, courseID); err != nil {
			return fmt.Errorf("cancel enrollment: %w", err)
		}
		_, err = s.promote(ctx, tx, courseID, l.community, l.title, 1, now)
		return err
	})
	if err != nil {
		return Enrollment{}, err
	}
	return s.Enrollment(ctx, id)
}

// promote moves up to n of the waiting list onto seats, inside the caller's transaction (which
// holds the course's lock), and tells them.
func (s *Service) promote(ctx context.Context, tx *sql.Tx, courseID, community int64, title string, n int, now time.Time) (int, error) {
	moved := 0
	for range n {
		var id, personID int64
		err := tx.QueryRowContext(ctx, qFirstWaiting, courseID).Scan(&id, &personID)
		if errors.Is(err, sql.ErrNoRows) {
			break
		}
		if err != nil {
			return moved, fmt.Errorf("waiting list: %w", err)
		}
		if _, err := tx.ExecContext(ctx, qPromote, now, id); err != nil {
			return moved, fmt.Errorf("promote: %w", err)
		}
		if _, err := tx.ExecContext(ctx, qEnrolledUp, now, courseID); err != nil {
			return moved, fmt.Errorf("promote: %w", err)
		}
		if err := s.tell(ctx, tx, personID, fmt.Sprintf("course_promoted:%d", id), notify.Message{
			CommunityID: community, Kind: "course", Title: "候补成功", Body: fmt.Sprintf("您候补的“%s”有名额了，已为您报名。", title),
			Page: minePage(id), CreatedAt: now,
		}, &notify.Push{TemplateKey: "course_update", Page: minePage(id), Data: map[string]string{
			"thing1": title, "phrase2": "候补成功", "time3": now.In(cst.Zone).Format("2006-01-02 15:04"),
		}}); err != nil {
			return moved, err
		}
		moved++
	}
	return moved, nil
}

func (s *Service) tell(ctx context.Context, tx *sql.Tx, personID int64, dedup string, m notify.Message, push *notify.Push) error {
	users, err := person.Watchers(ctx, tx, personID)
	if err != nil {
		return err
	}
	for _, u := range users {
		if err := notify.Tell(ctx, tx, u, dedup, m, push); err != nil {
			return err
		}
	}
	return nil
}

// SetCapacity changes a course's capacity; a larger one moves that many up from the waiting
// list at once.
func (s *Service) SetCapacity(ctx context.Context, communityID, courseID int64, capacity int) (Course, error) {
	if capacity < 1 || capacity > MaxCapacity {
		return Course{}, validation.Field("capacity", "应为 1 到 1000")
	}
	now := s.now().UTC()
	err := database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		l, err := lock(ctx, tx, courseID)
		if err == nil && l.community != communityID {
			err = ErrNotFound
		}
		if err != nil {
			return err
		}
		if capacity < l.taken {
			return ErrCapacityBelow
		}
		if _, err := tx.ExecContext(ctx, `UPDATE courses SET capacity = ?, updated_at = ? WHERE id = ?`, capacity, now, courseID); err != nil {
			return fmt.Errorf("capacity: %w", err)
		}
		_, err = s.promote(ctx, tx, courseID, l.community, l.title, capacity-l.taken, now)
		return err
	})
	if err != nil {
		return Course{}, err
	}
	return s.Course(ctx, courseID)
}

// Theme is a group of courses.
type Theme struct {
	Name    string
	Courses int
}

// MaxThemes caps the themes listed.
const MaxThemes = 50

// Themes lists a community's course themes in the order they were first used.
func (s *Service) Themes(ctx context.Context, communityID int64) ([]Theme, error) {
	out, err := database.Collect(ctx, s.db, `SELECT theme, COUNT(*) FROM courses WHERE community_id = ? GROUP BY theme ORDER BY MIN(id) LIMIT ?`,
		[]any{communityID, MaxThemes}, func(r database.Scanner) (Theme, error) {
			var t Theme
			return t, r.Scan(&t.Name, &t.Courses)
		})
	if err != nil {
		return nil, fmt.Errorf("themes: %w", err)
	}
	return out, nil
}
