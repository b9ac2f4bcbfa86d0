package course

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/linli/linli/server/internal/cst"
	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/notify"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/validation"
)

const (
	// qOfPerson is a page of one person's enrolments, through idx_enrollments_person.
	qOfPerson = `SELECT e.id, e.created_at FROM enrollments e WHERE e.person_id = ? AND %s ORDER BY %s LIMIT ?`
	// qOfPersonTitled is qOfPerson for courses whose title holds a text.
	qOfPersonTitled = `SELECT e.id, e.created_at FROM enrollments e JOIN courses c ON c.id = e.course_id
		WHERE e.person_id = ? AND c.title LIKE ? AND %s ORDER BY %s LIMIT ?`
	qRoster = `SELECT e.id FROM enrollments e WHERE e.course_id = ? AND e.status <> 'cancelled'
		ORDER BY e.status = 'waitlisted', e.queue_no`
	qCheckin = `INSERT INTO attendance (enrollment_id, session_index, community_id, checked_by, checked_at) VALUES (?, ?, ?, ?, ?)
		ON DUPLICATE KEY UPDATE enrollment_id = enrollment_id`
	qTomorrow = `SELECT s.course_id, s.session_index, s.starts_at, s.place, c.title, c.community_id FROM course_sessions s
		JOIN courses c ON c.id = s.course_id WHERE s.starts_at >= ? AND s.starts_at < ? AND s.reminded_at IS NULL`
	qReminded   = `UPDATE course_sessions SET reminded_at = ? WHERE course_id = ? AND session_index = ?`
	qEnrolledOf = `SELECT id, person_id FROM enrollments WHERE course_id = ? AND status = 'enrolled' ORDER BY id`
)

// Mine pages through the enrolments of the persons the user manages, newest first; personID
// (when not 0) narrows them to one person the user acts for (staff too, in its community).
func (s *Service) Mine(ctx context.Context, userID, personID int64, search string, o paging.Order, p paging.Page) ([]Enrollment, string, error) {
	persons := []int64{personID}
	if personID == 0 {
		var err error
		if persons, err = s.persons.ManagedIDs(ctx, userID); err != nil {
			return nil, "", err
		}
	} else if _, _, err := s.persons.ActFor(ctx, userID, personID); err != nil {
		return nil, "", err
	}
	where, args, order := p.Keyset("e.created_at", "e.id", o)
	query, lead := fmt.Sprintf(qOfPerson, where, order), []any{}
	if search != "" {
		query, lead = fmt.Sprintf(qOfPersonTitled, where, order), []any{database.LikeAny(search)}
	}
	keys, next, err := paging.OfEach(persons, p, o, func(id int64) ([]paging.Cursor, error) {
		return database.Collect(ctx, s.db, query, append(append(append([]any{id}, lead...), args...), p.Limit+1), func(r database.Scanner) (c paging.Cursor, err error) {
			return c, r.Scan(&c.ID, &c.At)
		})
	}, func(c paging.Cursor) paging.Cursor { return c })
	if err != nil {
		return nil, "", err
	}
	ids := make([]int64, len(keys))
	for i, k := range keys {
		ids[i] = k.ID
	}
	out, err := s.enrollments(ctx, ids)
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// Roster lists a course's enrolled, then its waiting list in order.
func (s *Service) Roster(ctx context.Context, communityID, courseID int64) (Course, []Enrollment, error) {
	c, err := s.Course(ctx, courseID)
	if err == nil && c.CommunityID != communityID {
		err = ErrNotFound
	}
	if err != nil {
		return Course{}, nil, err
	}
	ids, err := database.Int64s(ctx, s.db, qRoster, courseID)
	if err != nil {
		return Course{}, nil, err
	}
	out, err := s.enrollments(ctx, ids)
	return c, out, err
}

// CheckIn records that an enrolled person came to a session (again: no change).
func (s *Service) CheckIn(ctx context.Context, staffID, communityID, courseID, enrollmentID int64, session int) (Enrollment, error) {
	c, err := s.Course(ctx, courseID)
	if err == nil && c.CommunityID != communityID {
		err = ErrNotFound
	}
	if err != nil {
		return Enrollment{}, err
	}
	if session < 1 || session > len(c.Sessions) {
		return Enrollment{}, validation.Field("session_index", fmt.Sprintf("应为 1 到 %d", len(c.Sessions)))
	}
	e, err := s.Enrollment(ctx, enrollmentID)
	if err != nil || e.CourseID != courseID {
		return Enrollment{}, ErrNotFound
	}
	if e.Status != StatusEnrolled {
		return Enrollment{}, validation.Field("enrollment_id", "该报名不在正式名单上")
	}
	if _, err := s.db.ExecContext(ctx, qCheckin, enrollmentID, session, communityID, staffID, s.now().UTC()); err != nil {
		return Enrollment{}, fmt.Errorf("check in: %w", err)
	}
	return s.Enrollment(ctx, enrollmentID)
}

// Remind tells the enrolled of every session starting tomorrow (Asia/Shanghai), once per
// enrolment and session, in the inbox and through the push outbox. It answers how many it
// told.
func (s *Service) Remind(ctx context.Context) (int, error) {
	today, err := time.ParseInLocation(time.DateOnly, cst.Today(s.now()), cst.Zone)
	if err != nil {
		return 0, err
	}
	from, to := today.AddDate(0, 0, 1).UTC(), today.AddDate(0, 0, 2).UTC()
	rows, err := s.db.QueryContext(ctx, qTomorrow, from, to)
	if err != nil {
		return 0, fmt.Errorf("sessions tomorrow: %w", err)
	}
	type due struct {
		course    int64
		index     int
		starts    time.Time
		place     string
		title     string
		community int64
	}
	var dues []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.course, &d.index, &d.starts, &d.place, &d.title, &d.community); err != nil {
			rows.Close()
			return 0, err
		}
		dues = append(dues, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	told := 0
	now := s.now().UTC()
	for _, d := range dues {
		enrolled, err := database.Int64Pairs(ctx, s.db, qEnrolledOf, d.course)
		if err != nil {
			return told, err
		}
		for _, en := range enrolled {
			when := d.starts.In(cst.Zone).Format("01月02日 15:04")
			err := database.InTx(ctx, s.db, func(tx *sql.Tx) error {
				return s.tell(ctx, tx, en[1], fmt.Sprintf("course_reminder:%d:%d", en[0], d.index), notify.Message{
					CommunityID: d.community, Kind: "course", Title: "明天上课",
					Body: fmt.Sprintf("“%s”第 %d 次课 %s 在%s上课。", d.title, d.index, when, d.place), Page: minePage(en[0]), CreatedAt: now,
				}, &notify.Push{TemplateKey: "course_update", Page: minePage(en[0]), Data: map[string]string{
					"thing1": d.title, "phrase2": "明天上课", "time3": d.starts.In(cst.Zone).Format("2006-01-02 15:04"),
				}})
			})
			if err != nil {
				return told, err
			}
			told++
		}
		if _, err := s.db.ExecContext(ctx, qReminded, now, d.course, d.index); err != nil {
			return told, fmt.Errorf("reminded: %w", err)
		}
	}
	return told, nil
}

// WeekCourse is a course with a session in a week, and its next session not yet over.
type WeekCourse struct {
	Course
	// Next is the first session of the week that has not ended by now (zero when none).
	Next time.Time
}

const qCoursesIn = `SELECT ` + courseCols + ` FROM courses c WHERE c.id IN (%s)`

const qWeekCourses = `SELECT DISTINCT s.course_id FROM course_sessions s JOIN courses c ON c.id = s.course_id
	WHERE s.starts_at >= ? AND s.starts_at < ? AND c.community_id = ? AND c.cancelled_at IS NULL`

// Week lists a community's running courses with a session in [from, to), the soonest first.
func (s *Service) Week(ctx context.Context, communityID int64, from, to, now time.Time) ([]WeekCourse, error) {
	ids, err := database.Int64s(ctx, s.db, qWeekCourses, from.UTC(), to.UTC(), communityID)
	if err != nil {
		return nil, fmt.Errorf("courses of the week: %w", err)
	}
	out := make([]WeekCourse, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := database.InList(ids)
	courses, err := database.Collect(ctx, s.db, fmt.Sprintf(qCoursesIn, in), args, scanCourse)
	if err != nil {
		return nil, fmt.Errorf("courses of the week: %w", err)
	}
	sessions, err := s.sessionsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, c := range courses {
		c.Sessions = sessions[c.ID]
		w := WeekCourse{Course: c}
		for _, se := range c.Sessions {
			if !se.StartsAt.Before(from) && se.StartsAt.Before(to) && se.EndsAt.After(now) {
				w.Next = se.StartsAt
				break
			}
		}
		out = append(out, w)
	}
	slices.SortFunc(out, func(a, b WeekCourse) int {
		switch {
		case a.Next.IsZero() != b.Next.IsZero():
			if a.Next.IsZero() {
				return 1
			}
			return -1
		case !a.Next.Equal(b.Next):
			return a.Next.Compare(b.Next)
		}
		return int(a.ID - b.ID)
	})
	return out, nil
}
