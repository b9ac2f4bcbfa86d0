package history

import (
	"fmt"
	"slices"
	"time"

	"github.com/linli/linli/server/internal/course"
	"github.com/linli/linli/server/internal/cst"
)

var (
	tCourses = newTable("courses", "id", "community_id", "theme", "title", "teacher", "description", "audience", "min_age", "max_age",
		"capacity", "enrolled", "joined", "enroll_by", "certificate_sessions", "created_at", "updated_at", "cancelled_at", "cancel_reason")
	tSessions    = newTable("course_sessions", "course_id", "session_index", "community_id", "starts_at", "ends_at", "place", "reminded_at")
	tEnrollments = newTable("enrollments", "id", "community_id", "course_id", "person_id", "user_id", "status", "is_active", "queue_no",
		"created_at", "updated_at")
	tAttendance = newTable("attendance", "enrollment_id", "session_index", "community_id", "checked_by", "checked_at")
)

// minePage is where a course's messages open, as the live ones do: 我的报名, with the
// enrolment they are about picked out (and its QR code for the check-in).
func minePage(enrollmentID int64) string {
	return fmt.Sprintf("/pages/course/mine/index?highlight=%d", enrollmentID)
}

// enrolment is one person's place on a course, as it changes.
type enrolment struct {
	id, queue         int64
	person, user      int
	status            string
	created, updated  time.Time
	cancelAt          time.Time // zero: never cancelled
	promotedAt        time.Time
	cancelledByCourse bool
}

// writeCourses writes the parent university's courses of the two years and the coming weeks:
// their sessions, the enrolments with waiting lists that moved up when a seat freed, check-ins
// of the sessions held, and the reminders sent the day before.
func (w *world) writeCourses(s *sink, in *inbox) {
	r := rng(6)
	cb, sb, eb, ab := s.batch(tCourses), s.batch(tSessions), s.batch(tEnrollments), s.batch(tAttendance)
	var told []message
	perCommunity := scaled(volEnrollments, w.o.Scale, 1) / len(w.comms)
	for ci, c := range w.comms {
		// Parents enrol themselves; children are enrolled by their guardian.
		var parents, children []int
		for _, pi := range c.persons {
			p := &w.persons[pi]
			switch age := w.now.Year() - p.born.Year(); {
			case p.owner >= 0 && age >= 22 && age <= 55:
				parents = append(parents, pi)
			case age >= 2 && age <= 13 && len(p.guardians) > 0:
				children = append(children, pi)
			}
		}
		made := 0
		for made < perCommunity {
			id := w.ids.next("courses")
			created := between(r, w.start.AddDate(0, 0, -30), w.now.Add(-24*time.Hour))
			first := day(created.AddDate(0, 0, 14+r.IntN(17))).Add(19 * time.Hour)
			if first.Weekday() == time.Saturday || first.Weekday() == time.Sunday {
				first = first.Add(-9*time.Hour - 30*time.Minute)
			}
			n := 4 + r.IntN(5)
			audience, minAge, maxAge, pool := course.AudienceParents, 0, 0, parents
			if chance(r, 0.3) && len(children) > 0 {
				audience, pool = course.AudienceChildren, children
				minAge, maxAge = 3, 6
				if chance(r, 0.5) {
					minAge, maxAge = 6, 12
				}
			}
			if len(pool) == 0 {
				break
			}
			capacity := 20 + 5*r.IntN(5)
			enrollBy := first.Add(-24 * time.Hour)
			title := pick(r, courseTitles)
			place := pick(r, coursePlaces)
			cancelled := time.Time{}
			reason := ""
			if chance(r, 0.02) {
				if at := between(r, created, enrollBy); at.Before(w.now) {
					cancelled, reason = at, "报名人数不足"
				}
			}
			// The joins, in time, each to a seat while one is left, else the waiting list.
			var es []*enrolment
			seen := map[int]bool{}
			for range int(float64(capacity) * (0.5 + r.Float64())) {
				pi := pick(r, pool)
				at := between(r, created, minTime(enrollBy, w.now))
				p := &w.persons[pi]
				if seen[pi] || !p.createdAt.Before(at) {
					continue
				}
				if audience == course.AudienceChildren {
					if age := p.age(cst.Today(first)); age < minAge || age > maxAge {
						continue
					}
				}
				user := p.owner
				if user < 0 {
					user = p.guardians[0].user
				}
				seen[pi] = true
				e := &enrolment{person: pi, user: user, created: at, updated: at}
				if chance(r, 0.1) {
					e.cancelAt = at.Add(minutes(60 + r.IntN(5*24*60)))
				}
				es = append(es, e)
			}
			slices.SortFunc(es, func(a, b *enrolment) int { return a.created.Compare(b.created) })
			// Events in time: joins, and cancellations that free a seat for the first waiting.
			type event struct {
				at     time.Time
				e      *enrolment
				cancel bool
			}
			var evs []event
			for _, e := range es {
				evs = append(evs, event{e.created, e, false})
				if !e.cancelAt.IsZero() && e.cancelAt.Before(minTime(first, w.now)) && (cancelled.IsZero() || e.cancelAt.Before(cancelled)) {
					evs = append(evs, event{e.cancelAt, e, true})
				}
			}
			slices.SortStableFunc(evs, func(a, b event) int { return a.at.Compare(b.at) })
			enrolled, joined := 0, int64(0)
			for _, ev := range evs {
				if !cancelled.IsZero() && ev.at.After(cancelled) {
					break
				}
				e := ev.e
				if !ev.cancel {
					joined++
					e.id, e.queue = w.ids.next("enrollments"), joined
					e.status = course.StatusWaitlisted
					if enrolled < capacity {
						e.status = course.StatusEnrolled
						enrolled++
					}
					continue
				}
				was := e.status
				e.status, e.updated = course.StatusCancelled, ev.at
				if was != course.StatusEnrolled {
					continue
				}
				enrolled--
				for _, x := range es {
					if x.status == course.StatusWaitlisted && x.id != 0 {
						x.status, x.updated, x.promotedAt = course.StatusEnrolled, ev.at, ev.at
						enrolled++
						for _, u := range w.watchers(x.person, ev.at) {
							told = append(told, message{at: ev.at, user: u, comm: ci, dedup: fmt.Sprintf("course_promoted:%d", x.id), kind: "course",
								title: "候补成功", body: fmt.Sprintf("您候补的“%s”有名额了，已为您报名。", title), page: minePage(x.id),
								push: &push{template: "course_update", data: map[string]string{"thing1": title, "phrase2": "候补成功",
									"time3": ev.at.In(cst.Zone).Format("2006-01-02 15:04")}}})
						}
						break
					}
				}
			}
			updated := created
			if !cancelled.IsZero() {
				for _, e := range es {
					if e.id == 0 || e.status == course.StatusCancelled {
						continue
					}
					for _, u := range w.watchers(e.person, cancelled) {
						told = append(told, message{at: cancelled, user: u, comm: ci, dedup: fmt.Sprintf("course_cancelled:%d", id), kind: "course",
							title: "课程已取消", body: fmt.Sprintf("很抱歉，“%s”已取消：%s。您的报名已自动取消。", title, reason), page: minePage(e.id)})
					}
					e.status, e.updated, e.cancelledByCourse = course.StatusCancelled, cancelled, true
				}
				enrolled, updated = 0, cancelled
			}
			staff := pick(r, c.staff)
			for i := range n {
				starts := first.AddDate(0, 0, 7*i)
				var reminded time.Time
				if at := day(starts).Add(-24*time.Hour + 30*time.Second); at.Before(w.now) && cancelled.IsZero() {
					reminded = at
					for _, e := range es {
						if e.id == 0 || e.status != course.StatusEnrolled || e.updated.After(at) {
							continue
						}
						for _, u := range w.watchers(e.person, at) {
							told = append(told, message{at: at, user: u, comm: ci, dedup: fmt.Sprintf("course_reminder:%d:%d", e.id, i+1), kind: "course",
								title: "明天上课", body: fmt.Sprintf("“%s”第 %d 次课 %s 在%s上课。", title, i+1, starts.In(cst.Zone).Format("01月02日 15:04"), place),
								page: minePage(e.id), push: &push{template: "course_update", data: map[string]string{"thing1": title, "phrase2": "明天上课",
									"time3": starts.In(cst.Zone).Format("2006-01-02 15:04")}}})
						}
					}
				}
				sb.Row().Int(id).Int(int64(i + 1)).Int(c.id).Time(starts).Time(starts.Add(90 * time.Minute)).Str(place).Time(reminded).End()
				if starts.Before(w.now) && cancelled.IsZero() {
					for _, e := range es {
						if e.id != 0 && e.status == course.StatusEnrolled && chance(r, 0.75) {
							ab.Row().Int(e.id).Int(int64(i + 1)).Int(c.id).Int(w.users[staff].id).Time(starts.Add(minutes(r.IntN(15)))).End()
						}
					}
				}
			}
			for _, e := range es {
				if e.id == 0 {
					continue
				}
				active := int64(1)
				if e.status == course.StatusCancelled {
					active = 0
				}
				eb.Row().Int(e.id).Int(c.id).Int(id).Int(w.persons[e.person].id).Int(w.users[e.user].id).Str(e.status).ID(active).
					Int(e.queue).Time(e.created).Time(e.updated).End()
				updated = maxTime(updated, e.updated)
				made++
			}
			var lo, hi int64
			if audience == course.AudienceChildren {
				lo, hi = int64(minAge), int64(maxAge)
			}
			cb.Row().Int(id).Int(c.id).Str(pick(r, courseThemes)).Str(title).Str(pick(r, teachers)).
				Str("社区家长大学课程，每次课后可领取学习资料。").Str(audience).ID(lo).ID(hi).Int(int64(capacity)).Int(int64(enrolled)).
				Int(joined).Time(enrollBy).Int(int64((3*n + 3) / 4)).Time(created).Time(updated).Time(cancelled).Str(reason).End()
		}
	}
	for _, b := range []*batch{cb, sb, eb, ab} {
		b.Flush()
	}
	in.add(told)
}

// day is the start (Asia/Shanghai midnight) of t's day.
func day(t time.Time) time.Time {
	d, _ := time.ParseInLocation(time.DateOnly, t.In(cst.Zone).Format(time.DateOnly), cst.Zone)
	return d
}
