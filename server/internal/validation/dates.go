package validation

import (
	"fmt"
	"time"

	"github.com/linli/linli/server/internal/cst"
)

// Window is a span of Asia/Shanghai days, both ends included (YYYY-MM-DD). Every date and time a
// request carries is read through one, so none reaches the database out of a sane range.
type Window struct {
	First, Last string
}

// Windows for what requests carry.
const (
	// scheduleBack is how far back what staff schedule may lie: a slot or session of the past
	// few weeks can still be entered or corrected (it is simply closed), a typo of a year cannot.
	scheduleBack = 30
	// firstBirth is the earliest birth date taken.
	firstBirth = "1900-01-01"
	// firstRecord is the earliest day a list or report may be asked about: nothing here is older.
	firstRecord = "2000-01-01"
)

// Messages for dates and times that cannot be read.
const (
	BadDate = "日期格式应为 YYYY-MM-DD"
	BadTime = "时间格式应为 RFC 3339，如 2026-11-26T09:30:00+08:00"
)

// Schedule is the window of what staff schedule: meal slots (their date, cut-off and the week a
// menu is copied to) and courses (enrolment deadline, sessions). From 30 days before today to a
// year after: a cut-off or deadline already past is allowed (API.md), the slot or course is
// simply closed.
func Schedule(now time.Time) Window {
	today := now.In(cst.Zone)
	return Window{First: day(today.AddDate(0, 0, -scheduleBack)), Last: day(today.AddDate(1, 0, 0))}
}

// Births is the window of birth dates: 1900-01-01 to today (YYYY-MM-DD).
func Births(today string) Window { return Window{First: firstBirth, Last: today} }

// Records is the window of the days a list or report is asked about (?date=, ?from=, ?month=):
// from 2000-01-01 to a year from today, the furthest anything is scheduled.
func Records(now time.Time) Window {
	return Window{First: firstRecord, Last: day(now.In(cst.Zone).AddDate(1, 0, 0))}
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

// Has reports whether the day (YYYY-MM-DD) is in the window.
func (w Window) Has(day string) bool { return day >= w.First && day <= w.Last }

func (w Window) outside() string { return fmt.Sprintf("应在 %s 到 %s 之间", w.First, w.Last) }

// Date reads v as a date (YYYY-MM-DD) in the window: midnight of that day in Asia/Shanghai, or
// false after recording the problem under field.
func (w Window) Date(errs Errors, field, v string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, v, cst.Zone)
	switch {
	case err != nil:
		errs.Add(field, BadDate)
		return time.Time{}, false
	case !w.Has(v):
		errs.Add(field, w.outside())
		return time.Time{}, false
	}
	return t, true
}

// Time reports whether t falls on a day of the window (in Asia/Shanghai), recording the problem
// under field when it does not.
func (w Window) Time(errs Errors, field string, t time.Time) bool {
	if !w.Has(cst.Today(t)) {
		errs.Add(field, w.outside())
		return false
	}
	return true
}

// Month reads v as a month (YYYY-MM) with a day in the window: its first day, or false after
// recording the problem under field.
func (w Window) Month(errs Errors, field, v string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01", v, cst.Zone)
	switch {
	case err != nil:
		errs.Add(field, "月份格式应为 YYYY-MM")
		return time.Time{}, false
	case day(t.AddDate(0, 1, -1)) < w.First || day(t) > w.Last:
		errs.Add(field, w.outside())
		return time.Time{}, false
	}
	return t, true
}

// ParseTime reads v as a time in RFC 3339, recording the problem under field when it is not one.
func ParseTime(errs Errors, field, v string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		errs.Add(field, BadTime)
		return time.Time{}, false
	}
	return t, true
}
