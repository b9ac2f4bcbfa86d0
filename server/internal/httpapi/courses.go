package httpapi

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/linli/linli/server/internal/course"
	"github.com/linli/linli/server/internal/cst"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/validation"
)

type sessionJSON struct {
	Index    int    `json:"index"`
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
	Place    string `json:"place"`
}

type courseJSON struct {
	ID                  int64         `json:"id"`
	CommunityID         int64         `json:"community_id"`
	Theme               string        `json:"theme"`
	Title               string        `json:"title"`
	Teacher             string        `json:"teacher"`
	Description         string        `json:"description"`
	Audience            string        `json:"audience"`
	MinAge              *int          `json:"min_age"`
	MaxAge              *int          `json:"max_age"`
	Sessions            []sessionJSON `json:"sessions"`
	Capacity            int           `json:"capacity"`
	Enrolled            int           `json:"enrolled"`
	Waitlisted          int           `json:"waitlisted"`
	EnrollBy            string        `json:"enroll_by"`
	Closed              bool          `json:"closed"`
	CertificateSessions int           `json:"certificate_sessions"`
	Cancelled           bool          `json:"cancelled"`
	CancelReason        string        `json:"cancel_reason"`
}

func (s *Server) courseOf(c course.Course) courseJSON {
	out := courseJSON{ID: c.ID, CommunityID: c.CommunityID, Theme: c.Theme, Title: c.Title, Teacher: c.Teacher, Description: c.Description,
		Audience: c.Audience, MinAge: optInt(c.MinAge), MaxAge: optInt(c.MaxAge), Sessions: make([]sessionJSON, 0, len(c.Sessions)),
		Capacity: c.Capacity, Enrolled: c.Enrolled, Waitlisted: c.Waitlisted, EnrollBy: stamp(c.EnrollBy),
		Closed: !s.Now().Before(c.EnrollBy) || c.Cancelled(), CertificateSessions: c.CertificateSessions, Cancelled: c.Cancelled(),
		CancelReason: c.CancelReason}
	for _, se := range c.Sessions {
		out.Sessions = append(out.Sessions, sessionJSON{Index: se.Index, StartsAt: stamp(se.StartsAt), EndsAt: stamp(se.EndsAt), Place: se.Place})
	}
	return out
}

type enrollmentJSON struct {
	ID               int64  `json:"id"`
	CourseID         int64  `json:"course_id"`
	CourseTitle      string `json:"course_title"`
	PersonID         int64  `json:"person_id"`
	PersonName       string `json:"person_name"`
	Status           string `json:"status"`
	WaitlistPosition *int   `json:"waitlist_position"`
	Attended         []int  `json:"attended"`
	Certificate      bool   `json:"certificate"`
	// QR is what the check-in QR code carries.
	QR        string `json:"qr"`
	CreatedAt string `json:"created_at"`
}

func enrollmentOf(e course.Enrollment) enrollmentJSON {
	out := enrollmentJSON{ID: e.ID, CourseID: e.CourseID, CourseTitle: e.CourseTitle, PersonID: e.PersonID, PersonName: e.PersonName,
		Status: e.Status, Attended: e.Attended, Certificate: e.Certificate, QR: "linli-enrollment:" + strconv.FormatInt(e.ID, 10), CreatedAt: stamp(e.CreatedAt)}
	if e.Position > 0 {
		out.WaitlistPosition = &e.Position
	}
	return out
}

type themeJSON struct {
	Theme   string `json:"theme"`
	Courses int    `json:"courses"`
}

func (s *Server) listCourseThemes(c *gin.Context) {
	cid, err := s.browsedCommunity(c)
	if err != nil {
		fail(c, err)
		return
	}
	rows, err := s.Courses.Themes(c.Request.Context(), cid)
	replyList(c, rows, "", err, func(t course.Theme) themeJSON { return themeJSON{Theme: t.Name, Courses: t.Courses} })
}

// themeText bounds ?theme=, as a course's theme is bounded.
var themeText = validation.Text{Max: course.MaxTheme}

func (s *Server) listCourses(c *gin.Context) {
	cid, err := s.browsedCommunity(c)
	if err != nil {
		fail(c, err)
		return
	}
	theme, err := queryText(c, "theme", themeText)
	if err != nil {
		fail(c, err)
		return
	}
	p, ok := readPage(c)
	if !ok {
		return
	}
	rows, next, err := s.Courses.Courses(c.Request.Context(), cid, theme, p)
	replyList(c, rows, next, err, s.courseOf)
}

func (s *Server) getCourse(c *gin.Context) {
	id, ok := readID(c, "id")
	if !ok {
		return
	}
	co, err := s.Courses.Course(c.Request.Context(), id)
	reply(c, http.StatusOK, co, err, s.courseOf)
}

func (s *Server) enroll(c *gin.Context) {
	var req struct {
		PersonID int64 `json:"person_id"`
	}
	id, ok := idAndBody(c, "id", &req)
	if !ok {
		return
	}
	if req.PersonID <= 0 {
		fail(c, validation.Field("person_id", validation.Required))
		return
	}
	e, err := s.Courses.Enroll(c.Request.Context(), userID(c), id, req.PersonID)
	reply(c, http.StatusCreated, e, err, enrollmentOf)
}

func (s *Server) listEnrollments(c *gin.Context) {
	personID, ok := queryPersonID(c)
	if !ok {
		return
	}
	sr, ok := readSearch(c, paging.Newest)
	if !ok {
		return
	}
	p, ok := readPage(c)
	if !ok {
		return
	}
	rows, next, err := s.Courses.Mine(c.Request.Context(), userID(c), personID, sr.Q, sr.Order, p)
	replyList(c, rows, next, err, enrollmentOf)
}

func (s *Server) cancelEnrollment(c *gin.Context) {
	id, ok := readID(c, "id")
	if !ok {
		return
	}
	e, err := s.Courses.Cancel(c.Request.Context(), userID(c), id)
	reply(c, http.StatusOK, e, err, enrollmentOf)
}

type sessionRequest struct {
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
	Place    string `json:"place"`
}

type courseRequest struct {
	Theme               string           `json:"theme"`
	Title               string           `json:"title"`
	Teacher             string           `json:"teacher"`
	Description         string           `json:"description"`
	Audience            string           `json:"audience"`
	MinAge              int              `json:"min_age"`
	MaxAge              int              `json:"max_age"`
	Capacity            int              `json:"capacity"`
	EnrollBy            string           `json:"enroll_by"`
	CertificateSessions int              `json:"certificate_sessions"`
	Sessions            []sessionRequest `json:"sessions"`
}

// courseTimes reads a course's enrolment deadline and sessions, adding what is malformed to errs;
// the course checks they lie in its window.
func courseTimes(errs validation.Errors, enrollBy string, sessions []sessionRequest) (time.Time, []course.Session) {
	var by time.Time
	if enrollBy != "" {
		by, _ = validation.ParseTime(errs, "enroll_by", enrollBy)
	}
	out := make([]course.Session, 0, len(sessions))
	for i, se := range sessions {
		at := "sessions[" + strconv.Itoa(i) + "]."
		start, _ := validation.ParseTime(errs, at+"starts_at", se.StartsAt)
		end, _ := validation.ParseTime(errs, at+"ends_at", se.EndsAt)
		out = append(out, course.Session{StartsAt: start, EndsAt: end, Place: se.Place})
	}
	return by, out
}

func (s *Server) adminCreateCourse(c *gin.Context) {
	var req courseRequest
	if !readBody(c, &req) {
		return
	}
	in := course.Input{Theme: req.Theme, Title: req.Title, Teacher: req.Teacher, Description: req.Description, Audience: req.Audience,
		MinAge: req.MinAge, MaxAge: req.MaxAge, Capacity: req.Capacity, CertificateSessions: req.CertificateSessions}
	errs := validation.Errors{}
	in.EnrollBy, in.Sessions = courseTimes(errs, req.EnrollBy, req.Sessions)
	if err := errs.Err(); err != nil {
		fail(c, err)
		return
	}
	co, err := s.Courses.Create(c.Request.Context(), communityID(c), in)
	reply(c, http.StatusCreated, co, err, s.courseOf)
}

type coursePatchRequest struct {
	Capacity            *int              `json:"capacity"`
	Title               *string           `json:"title"`
	Teacher             *string           `json:"teacher"`
	Description         *string           `json:"description"`
	EnrollBy            *string           `json:"enroll_by"`
	CertificateSessions *int              `json:"certificate_sessions"`
	Sessions            *[]sessionRequest `json:"sessions"`
}

func (s *Server) adminPatchCourse(c *gin.Context) {
	var req coursePatchRequest
	id, ok := idAndBody(c, "id", &req)
	if !ok {
		return
	}
	p := course.Patch{Capacity: req.Capacity, Title: req.Title, Teacher: req.Teacher, Description: req.Description,
		CertificateSessions: req.CertificateSessions}
	errs := validation.Errors{}
	if req.EnrollBy != nil {
		by, _ := courseTimes(errs, *req.EnrollBy, nil)
		p.EnrollBy = &by
	}
	if req.Sessions != nil {
		_, sessions := courseTimes(errs, "", *req.Sessions)
		p.Sessions = &sessions
	}
	if p == (course.Patch{}) {
		errs.Add("capacity", "请至少修改一项")
	}
	if err := errs.Err(); err != nil {
		fail(c, err)
		return
	}
	co, err := s.Courses.Edit(c.Request.Context(), communityID(c), id, p)
	reply(c, http.StatusOK, co, err, s.courseOf)
}

func (s *Server) adminCancelCourse(c *gin.Context) {
	var req reasonRequest
	id, ok := idAndBody(c, "id", &req)
	if !ok {
		return
	}
	co, err := s.Courses.CancelCourse(c.Request.Context(), communityID(c), id, req.Reason)
	reply(c, http.StatusOK, co, err, s.courseOf)
}

func (s *Server) adminListCourses(c *gin.Context) {
	sr, ok := readSearch(c, paging.Newest)
	if !ok {
		return
	}
	theme, err := queryText(c, "theme", themeText)
	if err != nil {
		fail(c, err)
		return
	}
	p, ok := readPage(c)
	if !ok {
		return
	}
	rows, next, err := s.Courses.StaffCourses(c.Request.Context(), communityID(c), theme, sr.Q, p, sr.Order)
	replyList(c, rows, next, err, s.courseOf)
}

// enrollmentStatusNames are the statuses as the roster's CSV shows them.
var enrollmentStatusNames = map[string]string{course.StatusEnrolled: "已报名", course.StatusWaitlisted: "候补", course.StatusCancelled: "已取消"}

type rosterLineJSON struct {
	EnrollmentID     int64  `json:"enrollment_id"`
	PersonID         int64  `json:"person_id"`
	Name             string `json:"name"`
	Status           string `json:"status"`
	WaitlistPosition *int   `json:"waitlist_position"`
	Attended         []int  `json:"attended"`
	Certificate      bool   `json:"certificate"`
}

func (s *Server) adminRoster(c *gin.Context) {
	id, ok := readID(c, "id")
	if !ok {
		return
	}
	co, rows, err := s.Courses.Roster(c.Request.Context(), communityID(c), id)
	if err == nil && c.Query("format") == "csv" {
		w := startCSV(c, fmt.Sprintf("roster-%d.csv", co.ID))
		header := []string{"姓名", "状态", "候补位次"}
		for _, se := range co.Sessions {
			header = append(header, fmt.Sprintf("第%d次 %s", se.Index, cst.Today(se.StartsAt)))
		}
		writeRow(w, append(header, "出勤次数", "结业证书")...)
		for _, e := range rows {
			line := []string{e.PersonName, enrollmentStatusNames[e.Status], ""}
			if e.Position > 0 {
				line[2] = strconv.Itoa(e.Position)
			}
			for _, se := range co.Sessions {
				mark := ""
				if slices.Contains(e.Attended, se.Index) {
					mark = "✓"
				}
				line = append(line, mark)
			}
			writeRow(w, append(line, strconv.Itoa(len(e.Attended)), yesNo(e.Certificate))...)
		}
		w.Flush()
		return
	}
	replyList(c, rows, "", err, func(e course.Enrollment) rosterLineJSON {
		l := rosterLineJSON{EnrollmentID: e.ID, PersonID: e.PersonID, Name: e.PersonName, Status: e.Status, Attended: e.Attended,
			Certificate: e.Certificate}
		if e.Position > 0 {
			l.WaitlistPosition = &e.Position
		}
		return l
	})
}

func (s *Server) adminCheckin(c *gin.Context) {
	var req struct {
		EnrollmentID int64 `json:"enrollment_id"`
		SessionIndex int   `json:"session_index"`
	}
	id, ok := idAndBody(c, "id", &req)
	if !ok {
		return
	}
	e, err := s.Courses.CheckIn(c.Request.Context(), userID(c), communityID(c), id, req.EnrollmentID, req.SessionIndex)
	reply(c, http.StatusOK, e, err, enrollmentOf)
}
