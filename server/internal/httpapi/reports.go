package httpapi

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/pii"
	"github.com/linli/linli/server/internal/report"
)

type stepJSON struct {
	At      string `json:"at"`
	Actor   string `json:"actor"`
	ActorID *int64 `json:"actor_user_id"`
	Role    string `json:"role"`
	Action  string `json:"action"`
	Note    string `json:"note"`
}

type reportJSON struct {
	ID           int64       `json:"id"`
	CommunityID  int64       `json:"community_id"`
	Status       string      `json:"status"`
	Category     string      `json:"category"`
	CategoryName string      `json:"category_name"`
	Level        string      `json:"level"`
	Urgency      string      `json:"urgency"`
	Description  string      `json:"description"`
	BuildingID   *int64      `json:"building_id"`
	BuildingName string      `json:"building_name"`
	Unit         string      `json:"unit"`
	LocationText string      `json:"location_text"`
	Lat          *float64    `json:"lat"`
	Lng          *float64    `json:"lng"`
	PersonID     *int64      `json:"person_id"`
	Anonymous    bool        `json:"anonymous"`
	Flagged      bool        `json:"flagged"`
	AssigneeID   *int64      `json:"assignee_user_id"`
	AssigneeName string      `json:"assignee_name"`
	AcceptBy     string      `json:"accept_by"`
	ResolveBy    string      `json:"resolve_by"`
	Rating       *int        `json:"rating"`
	Comment      string      `json:"comment"`
	Reporter     *string     `json:"reporter_name"`
	Phone        *string     `json:"reporter_phone"`
	PhotoIDs     []int64     `json:"photo_ids"`
	Photos       []photoJSON `json:"photos"`
	CreatedAt    string      `json:"created_at"`
	UpdatedAt    string      `json:"updated_at"`
	Timeline     []stepJSON  `json:"timeline,omitempty"`
}

type photoJSON struct {
	ID      int64  `json:"id"`
	URL     string `json:"url"`
	Purpose string `json:"purpose"`
}

func (s *Server) reportOf(r report.Report) reportJSON {
	out := reportJSON{ID: r.ID, CommunityID: r.CommunityID, Status: r.Status, Category: r.CategoryKey, CategoryName: r.CategoryName,
		Level: r.Level, Urgency: r.Urgency, Description: r.Description, BuildingID: optID(r.BuildingID), BuildingName: r.BuildingName,
		Unit: r.Unit, LocationText: r.LocationText, Lat: r.Lat, Lng: r.Lng, PersonID: optID(r.PersonID), Anonymous: r.Anonymous,
		Flagged: r.Flagged, AssigneeID: optID(r.AssigneeID), AssigneeName: r.AssigneeName, AcceptBy: stamp(r.AcceptBy),
		ResolveBy: stamp(r.ResolveBy), Comment: r.Comment, PhotoIDs: []int64{}, CreatedAt: stamp(r.CreatedAt), UpdatedAt: stamp(r.UpdatedAt)}
	if r.Rating > 0 {
		out.Rating = &r.Rating
	}
	out.Photos = make([]photoJSON, 0, len(r.Photos))
	for _, p := range r.Photos {
		out.Photos = append(out.Photos, photoJSON{ID: p.ID, URL: s.Uploads.URL(p.Name), Purpose: p.Purpose})
		if p.Purpose == report.PurposeReport {
			out.PhotoIDs = append(out.PhotoIDs, p.ID)
		}
	}
	return out
}

// withReporter adds the reporter's name and masked phone, for staff, and for workers unless the
// report is anonymous.
func (s *Server) withReporter(c *gin.Context, r report.Report, out reportJSON) reportJSON {
	u, err := s.accounts.User(c.Request.Context(), r.ReporterID)
	if err != nil {
		return out
	}
	out.Reporter = &u.Name
	out.Phone = masked(u.Phone, pii.MaskPhone)
	return out
}

func (s *Server) withTimeline(c *gin.Context, r report.Report, out reportJSON) (reportJSON, error) {
	steps, err := s.Reports.Timeline(c.Request.Context(), r.ID)
	if err != nil {
		return out, err
	}
	out.Timeline = make([]stepJSON, 0, len(steps))
	for _, st := range steps {
		name := st.ActorName
		if st.Role == "system" {
			name = "系统"
		}
		out.Timeline = append(out.Timeline, stepJSON{At: stamp(st.At), Actor: name, ActorID: optID(st.ActorID), Role: st.Role, Action: st.Action, Note: st.Note})
	}
	return out, nil
}

type reportRequest struct {
	Category     string   `json:"category"`
	Description  string   `json:"description"`
	BuildingID   int64    `json:"building_id"`
	Unit         string   `json:"unit"`
	LocationText string   `json:"location_text"`
	Lat          *float64 `json:"lat"`
	Lng          *float64 `json:"lng"`
	Urgency      string   `json:"urgency"`
	PhotoIDs     []int64  `json:"photo_ids"`
	PersonID     int64    `json:"person_id"`
	Anonymous    bool     `json:"anonymous"`
}

func (s *Server) submitReport(c *gin.Context) {
	var req reportRequest
	if !readBody(c, &req) {
		return
	}
	ctx := c.Request.Context()
	uid := userID(c)
	openid, err := s.accounts.OpenID(ctx, uid)
	if err != nil {
		fail(c, err)
		return
	}
	home, err := s.accounts.HomeCommunity(ctx, uid)
	if err != nil {
		fail(c, err)
		return
	}
	r, err := s.Reports.Submit(ctx, report.Actor{UserID: uid, OpenID: openid, HomeCommunity: home}, report.Input{
		Category: req.Category, Description: req.Description, BuildingID: req.BuildingID, Unit: req.Unit, LocationText: req.LocationText,
		Lat: req.Lat, Lng: req.Lng, Urgency: req.Urgency, PhotoIDs: req.PhotoIDs, PersonID: req.PersonID, Anonymous: req.Anonymous,
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, s.reportOf(r))
}

func (s *Server) listMyReports(c *gin.Context) {
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
	rows, next, err := s.Reports.Mine(c.Request.Context(), userID(c), personID, sr.Q, sr.Order, p)
	replyList(c, rows, next, err, s.reportOf)
}

// reportFor reads the path's report if the caller made it or acts for its person.
func (s *Server) reportFor(c *gin.Context) (report.Report, bool) {
	id, err := pathID(c, "id")
	if err == nil {
		var r report.Report
		if r, err = s.Reports.Get(c.Request.Context(), id); err == nil {
			if s.Reports.CanSee(c.Request.Context(), userID(c), r) {
				return r, true
			}
			err = errNotFound
		}
	}
	fail(c, err)
	return report.Report{}, false
}

func (s *Server) getReport(c *gin.Context) {
	r, ok := s.reportFor(c)
	if !ok {
		return
	}
	out, err := s.withTimeline(c, r, s.reportOf(r))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

type confirmRequest struct {
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
}

func (s *Server) confirmReport(c *gin.Context) {
	var req confirmRequest
	id, ok := idAndBody(c, "id", &req)
	if !ok {
		return
	}
	s.answerReport(c)(s.Reports.Confirm(c.Request.Context(), userID(c), id, req.Rating, req.Comment))
}

func (s *Server) reopenReport(c *gin.Context) {
	var req reasonRequest
	id, ok := idAndOptionalBody(c, "id", &req)
	if !ok {
		return
	}
	s.answerReport(c)(s.Reports.Reopen(c.Request.Context(), userID(c), id, req.Reason))
}

func (s *Server) cancelReport(c *gin.Context) {
	id, ok := readID(c, "id")
	if !ok {
		return
	}
	s.answerReport(c)(s.Reports.Cancel(c.Request.Context(), userID(c), id))
}

// answerReport answers an action's report (200) or its error.
func (s *Server) answerReport(c *gin.Context) func(report.Report, error) {
	return func(r report.Report, err error) {
		if err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, s.reportOf(r))
	}
}

// workerView is a report as the worker sees it: the reporter only when not anonymous. An
// anonymous report carries nothing that could be matched with the reporter's other reports: no
// name or phone, and no person id either.
func (s *Server) workerView(c *gin.Context) func(report.Report) reportJSON {
	return func(r report.Report) reportJSON {
		out := s.reportOf(r)
		if r.Anonymous {
			out.PersonID = nil
			return out
		}
		return s.withReporter(c, r, out)
	}
}

func (s *Server) workerTasks(c *gin.Context) {
	status, ok := readChoice(c, "status", report.Statuses)
	if !ok {
		return
	}
	p, ok := readPage(c)
	if !ok {
		return
	}
	rows, next, err := s.Reports.Tasks(c.Request.Context(), userID(c), status, p)
	replyList(c, rows, next, err, s.workerView(c))
}

// workerTask is one task as the worker opens it: photos, place and timeline. To the worker it is
// assigned to, a report that is not anonymous carries the reporter's number in full, so they can
// call: the one place a reporter's number is whole, and each read is audited on the trail of the
// person the report is for. An anonymous report's timeline names its reporter to nobody.
func (s *Server) workerTask(c *gin.Context) {
	id, ok := readID(c, "id")
	if !ok {
		return
	}
	ctx := c.Request.Context()
	r, assigned, err := s.Reports.ForWorker(ctx, userID(c), communityID(c), id)
	if err != nil {
		fail(c, err)
		return
	}
	out := s.workerView(c)(r)
	if assigned && out.Phone != nil && r.PersonID != 0 {
		u, err := s.accounts.User(ctx, r.ReporterID)
		if err == nil {
			err = s.Persons.RecordRead(ctx, userID(c), r.CommunityID, person.CapWorker, r.PersonID, "reporter_phone", fmt.Sprintf("报事联系（报事 #%d）", r.ID))
		}
		if err != nil {
			fail(c, err)
			return
		}
		out.Phone = &u.Phone
	}
	if out, err = s.withTimeline(c, r, out); err != nil {
		fail(c, err)
		return
	}
	if r.Anonymous {
		for i, st := range out.Timeline {
			if st.Role == "resident" {
				out.Timeline[i].Actor, out.Timeline[i].ActorID = "居民", nil
			}
		}
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) workerOpenTasks(c *gin.Context) {
	p, ok := readPage(c)
	if !ok {
		return
	}
	rows, next, err := s.Reports.Open(c.Request.Context(), communityID(c), p)
	replyList(c, rows, next, err, s.workerView(c))
}

// workerAction runs a worker's step on the path's report.
func (s *Server) workerAction(act func(c *gin.Context, id int64) (report.Report, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := readID(c, "id")
		if !ok {
			return
		}
		r, err := act(c, id)
		if err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, s.workerView(c)(r))
	}
}

type resolveRequest struct {
	Note     string  `json:"note"`
	PhotoIDs []int64 `json:"photo_ids"`
}

func (s *Server) routesWorkerActions(g *gin.RouterGroup) {
	g.POST("/tasks/:id/accept", s.workerAction(func(c *gin.Context, id int64) (report.Report, error) {
		return s.Reports.Accept(c.Request.Context(), userID(c), id)
	}))
	g.POST("/tasks/:id/claim", s.workerAction(func(c *gin.Context, id int64) (report.Report, error) {
		return s.Reports.Claim(c.Request.Context(), userID(c), communityID(c), id)
	}))
	g.POST("/tasks/:id/resolve", s.workerAction(func(c *gin.Context, id int64) (report.Report, error) {
		var req resolveRequest
		if err := decodeOptional(c, &req); err != nil {
			return report.Report{}, err
		}
		return s.Reports.Resolve(c.Request.Context(), userID(c), id, req.Note, req.PhotoIDs)
	}))
	g.POST("/tasks/:id/return", s.workerAction(func(c *gin.Context, id int64) (report.Report, error) {
		var req reasonRequest
		if err := decode(c, &req); err != nil {
			return report.Report{}, err
		}
		return s.Reports.Return(c.Request.Context(), userID(c), id, req.Reason)
	}))
}

func (s *Server) adminReports(c *gin.Context) {
	status, ok := readChoice(c, "status", report.Statuses)
	if !ok {
		return
	}
	overdue := c.Query("overdue") == "true"
	sr, ok := readSearch(c, paging.Newest)
	if !ok {
		return
	}
	p, ok := readPage(c)
	if !ok {
		return
	}
	rows, next, err := s.Reports.ForStaff(c.Request.Context(), communityID(c), status, overdue, sr.Q, p, sr.Order)
	replyList(c, rows, next, err, func(r report.Report) reportJSON { return s.withReporter(c, r, s.reportOf(r)) })
}

func (s *Server) adminAssignReport(c *gin.Context) {
	var req struct {
		WorkerUserID int64 `json:"worker_user_id"`
	}
	id, ok := idAndBody(c, "id", &req)
	if !ok {
		return
	}
	r, err := s.Reports.Assign(c.Request.Context(), userID(c), communityID(c), id, req.WorkerUserID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.withReporter(c, r, s.reportOf(r)))
}

// adminGetReport is one report of the staff's community with its reporter and timeline.
func (s *Server) adminGetReport(c *gin.Context) {
	id, ok := readID(c, "id")
	if !ok {
		return
	}
	r, err := s.Reports.Get(c.Request.Context(), id)
	if err == nil && r.CommunityID != communityID(c) {
		err = errNotFound
	}
	if err != nil {
		fail(c, err)
		return
	}
	out, err := s.withTimeline(c, r, s.withReporter(c, r, s.reportOf(r)))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}
