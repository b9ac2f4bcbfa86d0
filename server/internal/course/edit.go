package course

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/linli/linli/server/internal/cst"
	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/notify"
	"github.com/linli/linli/server/internal/validation"
)

// Patch is a staff edit of a course: nil fields stay as they are. Sessions replaces the whole
// list, in order.
type Patch struct {
	Capacity            *int
	Title, Teacher      *string
	Description         *string
	EnrollBy            *time.Time
	CertificateSessions *int
	Sessions            *[]Session
}

// MaxCancelReason bounds the reason staff give for cancelling a course.
const MaxCancelReason = 200

const (
	qUpdateCourse = `UPDATE courses SET title = ?, teacher = ?, description = ?, enroll_by = ?, certificate_sessions = ?, capacity = ?,
		updated_at = ? WHERE id = ?`
	qAttendedSessions = `SELECT DISTINCT a.session_index FROM attendance a JOIN enrollments e ON e.id = a.enrollment_id WHERE e.course_id = ?`
	qUpdateSession    = `UPDATE course_sessions SET starts_at = ?, ends_at = ?, place = ?, reminded_at = NULL WHERE course_id = ? AND session_index = ?`
	qDropSessions     = `DELETE FROM course_sessions WHERE course_id = ? AND session_index > ?`
	qActiveOf         = `SELECT id, person_id FROM enrollments WHERE course_id = ? AND status IN ('enrolled', 'waitlisted') ORDER BY queue_no FOR UPDATE`
	qCancelCourse     = `UPDATE courses SET cancelled_at = ?, cancel_reason = ?, enrolled = 0, updated_at = ? WHERE id = ?`
	qCancelAllOf      = `UPDATE enrollments SET status = 'cancelled', is_active = NULL, updated_at = ? WHERE course_id = ? AND status IN ('enrolled', 'waitlisted')`
)

// minePage is where a course's messages open: 我的报名, with the enrolment they are about
// picked out (its check-in code is there).
func minePage(enrollmentID int64) string {
	return fmt.Sprintf("/pages/course/mine/index?highlight=%d", enrollmentID)
}

// Edit changes a course under its row's lock. A larger capacity moves that many up from the
// waiting list; a session that already has attendance cannot be dropped; when sessions' times
// or places change, the enrolled and the waiting are told.
func (s *Service) Edit(ctx context.Context, communityID, courseID int64, p Patch) (Course, error) {
	cur, err := s.Course(ctx, courseID)
	if err == nil && cur.CommunityID != communityID {
		err = ErrNotFound
	}
	if err != nil {
		return Course{}, err
	}
	in := Input{Theme: cur.Theme, Title: cur.Title, Teacher: cur.Teacher, Description: cur.Description, Audience: cur.Audience,
		MinAge: cur.MinAge, MaxAge: cur.MaxAge, Capacity: cur.Capacity, EnrollBy: cur.EnrollBy, Sessions: cur.Sessions,
		CertificateSessions: cur.CertificateSessions}
	set(&in.Capacity, p.Capacity)
	set(&in.Title, p.Title)
	set(&in.Teacher, p.Teacher)
	set(&in.Description, p.Description)
	set(&in.EnrollBy, p.EnrollBy)
	set(&in.CertificateSessions, p.CertificateSessions)
	set(&in.Sessions, p.Sessions)
	if p.Sessions != nil && p.CertificateSessions == nil && cur.CertificateSessions == len(cur.Sessions) {
		// "Every session" stays every session when sessions are added or dropped.
		in.CertificateSessions = len(in.Sessions)
	}
	if err := in.check(s.now(), &cur); err != nil {
		return Course{}, err
	}
	moved := p.Sessions != nil && sessionsMoved(cur.Sessions, in.Sessions)
	now := s.now().UTC()
	err = database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		l, err := lock(ctx, tx, courseID)
		if err != nil {
			return err
		}
		if l.cancelled {
			return ErrCancelled
		}
		if in.Capacity < l.taken {
			return ErrCapacityBelow
		}
		if p.Sessions != nil {
			if err := s.replaceSessions(ctx, tx, courseID, communityID, cur.Sessions, in.Sessions); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, qUpdateCourse, in.Title, in.Teacher, in.Description, in.EnrollBy.UTC(), in.CertificateSessions,
			in.Capacity, now, courseID); err != nil {
			return fmt.Errorf("edit course %d: %w", courseID, err)
		}
		if in.Capacity > l.capacity {
			if _, err := s.promote(ctx, tx, courseID, l.community, in.Title, in.Capacity-l.taken, now); err != nil {
				return err
			}
		}
		if moved {
			first := in.Sessions[0].StartsAt.In(cst.Zone).Format("2006-01-02 15:04")
			return s.tellActive(ctx, tx, courseID, in.Title, fmt.Sprintf("course_moved:%d:%d", courseID, now.UnixNano()), notify.Message{
				CommunityID: communityID, Kind: "course", Title: "课程时间或地点有变",
				Body:      fmt.Sprintf("“%s”的上课时间或地点有调整，第一次课 %s，地点 %s。请在“我的报名”中查看。", in.Title, first, in.Sessions[0].Place),
				CreatedAt: now,
			}, "时间调整", now)
		}
		return nil
	})
	if err != nil {
		return Course{}, err
	}
	return s.Course(ctx, courseID)
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// sessionsMoved reports whether any session a person already planned for changed its time or
// place, or was dropped.
func sessionsMoved(before, after []Session) bool {
	if len(after) < len(before) {
		return true
	}
	for i, b := range before {
		a := after[i]
		if !a.StartsAt.Equal(b.StartsAt) || !a.EndsAt.Equal(b.EndsAt) || a.Place != b.Place {
			return true
		}
	}
	return false
}

// replaceSessions writes a course's new list of sessions over the old one: sessions keep their
// index (attendance refers to it), changed ones are reminded again, extra ones are dropped.
func (s *Service) replaceSessions(ctx context.Context, tx *sql.Tx, courseID, communityID int64, before, after []Session) error {
	attended, err := database.Int64s(ctx, tx, qAttendedSessions, courseID)
	if err != nil {
		return fmt.Errorf("attendance of course %d: %w", courseID, err)
	}
	// A session someone attended stays where it was: dropping it, or an earlier one (which would
	// move it up the list), or moving its time would make the attendance point elsewhere.
	for _, idx := range attended {
		i := int(idx) - 1
		if i >= len(after) || !after[i].StartsAt.Equal(before[i].StartsAt) {
			return ErrHasAttendance
		}
	}
	if len(after) < len(before) {
		if _, err := tx.ExecContext(ctx, qDropSessions, courseID, len(after)); err != nil {
			return fmt.Errorf("drop sessions: %w", err)
		}
	}
	for i, se := range after {
		if i < len(before) {
			b := before[i]
			if se.StartsAt.Equal(b.StartsAt) && se.EndsAt.Equal(b.EndsAt) && se.Place == b.Place {
				continue
			}
			if _, err := tx.ExecContext(ctx, qUpdateSession, se.StartsAt.UTC(), se.EndsAt.UTC(), se.Place, courseID, i+1); err != nil {
				return fmt.Errorf("update session: %w", err)
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, qInsertSession, courseID, i+1, communityID, se.StartsAt.UTC(), se.EndsAt.UTC(), se.Place); err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
	}
	return nil
}

// CancelCourse cancels a course: every enrolment and waiting place ends and their persons (and
// guardians) are told, in one transaction. Cancelling again changes nothing.
func (s *Service) CancelCourse(ctx context.Context, communityID, courseID int64, reason string) (Course, error) {
	if err := (validation.Text{Max: MaxCancelReason, Required: true, Multiline: true}).Check("reason", &reason); err != nil {
		return Course{}, err
	}
	now := s.now().UTC()
	err := database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		l, err := lock(ctx, tx, courseID)
		if err == nil && l.community != communityID {
			err = ErrNotFound
		}
		if err != nil || l.cancelled {
			return err
		}
		// Tell first: it reads the enrolments still active.
		if err := s.tellActive(ctx, tx, courseID, l.title, fmt.Sprintf("course_cancelled:%d", courseID), notify.Message{
			CommunityID: communityID, Kind: "course", Title: "课程已取消",
			Body: fmt.Sprintf("很抱歉，“%s”已取消：%s。您的报名已自动取消。", l.title, reason), CreatedAt: now,
		}, "课程取消", now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, qCancelAllOf, now, courseID); err != nil {
			return fmt.Errorf("cancel enrolments of course %d: %w", courseID, err)
		}
		if _, err := tx.ExecContext(ctx, qCancelCourse, now, reason, now, courseID); err != nil {
			return fmt.Errorf("cancel course %d: %w", courseID, err)
		}
		return nil
	})
	if err != nil {
		return Course{}, err
	}
	return s.Course(ctx, courseID)
}

// tellActive tells the persons enrolled or waiting on a course (and their guardians), inside the
// caller's transaction, which holds the course's lock; each message opens their enrolment in 我的报名.
// dedup makes the message once per person.
func (s *Service) tellActive(ctx context.Context, tx *sql.Tx, courseID int64, title, dedup string, m notify.Message, phrase string, now time.Time) error {
	type active struct{ id, person int64 }
	rows, err := database.Collect(ctx, tx, qActiveOf, []any{courseID}, func(r database.Scanner) (active, error) {
		var a active
		return a, r.Scan(&a.id, &a.person)
	})
	if err != nil {
		return fmt.Errorf("enrolments of course %d: %w", courseID, err)
	}
	for _, a := range rows {
		m.Page = minePage(a.id)
		push := &notify.Push{TemplateKey: "course_update", Page: m.Page, Data: map[string]string{
			"thing1": title, "phrase2": phrase, "time3": now.In(cst.Zone).Format("2006-01-02 15:04"),
		}}
		if err := s.tell(ctx, tx, a.person, fmt.Sprintf("%s:%d", dedup, a.id), m, push); err != nil {
			return err
		}
	}
	return nil
}
