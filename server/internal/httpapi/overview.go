package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/errgroup"

	"github.com/linli/linli/server/internal/canteen"
	"github.com/linli/linli/server/internal/course"
	"github.com/linli/linli/server/internal/cst"
	"github.com/linli/linli/server/internal/report"
)

// overviewDays is how far back the overview's charts look.
const overviewDays = 30

type boardSlotJSON struct {
	CanteenID   int64          `json:"canteen_id"`
	CanteenName string         `json:"canteen_name"`
	SlotID      int64          `json:"slot_id"`
	Meal        string         `json:"meal"`
	Capacity    int            `json:"capacity"`
	Booked      int            `json:"booked"`
	Served      int            `json:"served"`
	Closed      bool           `json:"closed"`
	ByMode      map[string]int `json:"by_mode"`
}

type reportCountsJSON struct {
	Open      int            `json:"open"`
	Overdue   int            `json:"overdue"`
	Escalated map[string]int `json:"escalated"`
	Flagged   int            `json:"flagged"`
}

type weekCourseJSON struct {
	ID            int64   `json:"id"`
	Title         string  `json:"title"`
	Capacity      int     `json:"capacity"`
	Enrolled      int     `json:"enrolled"`
	Waitlisted    int     `json:"waitlisted"`
	NextSessionAt *string `json:"next_session_at"`
}

type dayCountJSON struct {
	Date  string `json:"date"`
	Count int    `json:"count"`
}

type categoryStatJSON struct {
	Category          string `json:"category"`
	Name              string `json:"name"`
	Count             int    `json:"count"`
	Resolved          int    `json:"resolved"`
	AvgResolveMinutes *int   `json:"avg_resolve_minutes"`
}

type overviewJSON struct {
	Date             string             `json:"date"`
	Meals            []boardSlotJSON    `json:"meals"`
	Reports          reportCountsJSON   `json:"reports"`
	Approvals        map[string]int     `json:"approvals"`
	Courses          []weekCourseJSON   `json:"courses"`
	DeadLetters      int                `json:"dead_letters"`
	MealsPerDay      []dayCountJSON     `json:"meals_per_day"`
	ReportCategories []categoryStatJSON `json:"report_categories"`
}

// adminOverview gathers the staff's overview of a day (default today) from every domain, the
// reads in parallel.
func (s *Server) adminOverview(c *gin.Context) {
	date, err := s.dateParam(c)
	if err != nil {
		fail(c, err)
		return
	}
	day, _ := time.ParseInLocation(time.DateOnly, date, cst.Zone)
	from := day.AddDate(0, 0, -(overviewDays - 1))
	weekStart := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	ctx, cid, now := c.Request.Context(), communityID(c), s.Now()

	var (
		board      []canteen.BoardSlot
		perDay     []canteen.DayCount
		counts     report.Counts
		categories []report.CategoryStat
		approvals  map[string]int
		week       []course.WeekCourse
		dead       int
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { board, err = s.Canteens.Board(gctx, cid, date); return })
	g.Go(func() (err error) {
		// The day itself is counted from its board (the same orders), not read twice.
		perDay, err = s.Canteens.DayCounts(gctx, cid, from.Format(time.DateOnly), day.AddDate(0, 0, -1).Format(time.DateOnly))
		return
	})
	g.Go(func() (err error) { counts, err = s.Reports.OpenCounts(gctx, cid, now); return })
	g.Go(func() (err error) {
		categories, err = s.Reports.CategoryStats(gctx, cid, from, day.AddDate(0, 0, 1))
		return
	})
	g.Go(func() (err error) { approvals, err = s.Persons.PendingCounts(gctx, cid); return })
	g.Go(func() (err error) {
		week, err = s.Courses.Week(gctx, cid, weekStart, weekStart.AddDate(0, 0, 7), now)
		return
	})
	g.Go(func() (err error) { dead, err = s.Events.DeadCount(gctx, cid); return })
	if err := g.Wait(); err != nil {
		fail(c, err)
		return
	}

	out := overviewJSON{Date: date, Meals: make([]boardSlotJSON, 0, len(board)), Approvals: approvals, DeadLetters: dead,
		Reports:          reportCountsJSON{Open: counts.Open, Overdue: counts.Overdue, Escalated: counts.Escalated, Flagged: counts.Flagged},
		Courses:          make([]weekCourseJSON, 0, len(week)),
		MealsPerDay:      make([]dayCountJSON, 0, overviewDays),
		ReportCategories: make([]categoryStatJSON, 0, len(categories))}
	for _, b := range board {
		out.Meals = append(out.Meals, boardSlotJSON{CanteenID: b.CanteenID, CanteenName: b.CanteenName, SlotID: b.SlotID, Meal: b.Meal,
			Capacity: b.Capacity, Booked: b.Booked, Served: b.Served, Closed: b.Closed, ByMode: b.ByMode})
	}
	counted := make(map[string]int, len(perDay)+1)
	for _, d := range perDay {
		counted[d.Date] = d.Count
	}
	for _, b := range board {
		counted[date] += b.Booked
	}
	for d := from; !d.After(day); d = d.AddDate(0, 0, 1) {
		k := d.Format(time.DateOnly)
		out.MealsPerDay = append(out.MealsPerDay, dayCountJSON{Date: k, Count: counted[k]})
	}
	for _, w := range week {
		j := weekCourseJSON{ID: w.ID, Title: w.Title, Capacity: w.Capacity, Enrolled: w.Enrolled, Waitlisted: w.Waitlisted}
		if !w.Next.IsZero() {
			at := stamp(w.Next)
			j.NextSessionAt = &at
		}
		out.Courses = append(out.Courses, j)
	}
	for _, cs := range categories {
		j := categoryStatJSON{Category: cs.Key, Name: cs.Name, Count: cs.Count, Resolved: cs.Resolved}
		if cs.AvgResolveMinutes >= 0 {
			avg := cs.AvgResolveMinutes
			j.AvgResolveMinutes = &avg
		}
		out.ReportCategories = append(out.ReportCategories, j)
	}
	c.JSON(http.StatusOK, out)
}
