package httpapi

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/safety"
)

// Safety alerts (安危确认): read one, answer it, and the lists of a person and of staff.

type alertStepJSON struct {
	At      string `json:"at"`
	Actor   string `json:"actor"`
	ActorID *int64 `json:"actor_user_id"`
	Role    string `json:"role"`
	Action  string `json:"action"`
	Note    string `json:"note"`
}

type alertContactJSON struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Phone  string `json:"phone"`
}

type alertJSON struct {
	ID          int64             `json:"id"`
	CommunityID int64             `json:"community_id"`
	PersonID    int64             `json:"person_id"`
	PersonName  string            `json:"person_name"`
	Address     string            `json:"address"`
	OrderID     *int64            `json:"order_id"`
	Kind        string            `json:"kind"`
	Status      string            `json:"status"`
	What        string            `json:"what"`
	Note        string            `json:"note"`
	RaisedAt    string            `json:"raised_at"`
	EscalateAt  string            `json:"escalate_at"`
	ClosedAt    *string           `json:"closed_at"`
	ClosedBy    *string           `json:"closed_by_name"`
	EscalatedAt *string           `json:"escalated_at"`
	ReportID    *int64            `json:"report_id"`
	Steps       []alertStepJSON   `json:"steps"`
	PersonPhone *string           `json:"person_phone"`
	Worker      *alertContactJSON `json:"worker"`
	YourRole    *string           `json:"your_role"`
}

var stepActorNames = map[string]string{"rider": "送餐员", "elder": "老人本人", "guardian": "家属", "worker": "网格员", "staff": "社区工作人员", "system": "系统"}

// alertsOf turns alerts into their answers, with the persons' names and addresses and the names
// of who acted, read for the whole page at once.
func (s *Server) alertsOf(c *gin.Context, alerts []safety.Alert) ([]alertJSON, error) {
	out, _, err := s.alertViews(c, alerts)
	return out, err
}

// alertViews is alertsOf, with the persons it read.
func (s *Server) alertViews(c *gin.Context, alerts []safety.Alert) ([]alertJSON, map[int64]person.Person, error) {
	ctx := c.Request.Context()
	var ids []int64
	persons := map[int64]person.Person{}
	for _, a := range alerts {
		if _, ok := persons[a.PersonID]; !ok {
			p, err := s.Persons.InCommunity(ctx, a.CommunityID, a.PersonID)
			if err != nil {
				return nil, nil, err
			}
			persons[a.PersonID] = p
		}
		for _, st := range a.Steps {
			if st.ActorID != 0 && !slices.Contains(ids, st.ActorID) {
				ids = append(ids, st.ActorID)
			}
		}
		if a.ClosedBy != 0 && !slices.Contains(ids, a.ClosedBy) {
			ids = append(ids, a.ClosedBy)
		}
	}
	names, err := s.accounts.Names(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	out := make([]alertJSON, 0, len(alerts))
	for _, a := range alerts {
		p := persons[a.PersonID]
		j := alertJSON{ID: a.ID, CommunityID: a.CommunityID, PersonID: a.PersonID, PersonName: p.Name,
			Address: p.BuildingName + " " + p.Unit + " " + p.Room, OrderID: optID(a.OrderID), Kind: a.Kind, Status: a.Status, What: a.What,
			Note: a.Note, RaisedAt: stamp(a.CreatedAt), EscalateAt: stamp(a.EscalateAt), ReportID: optID(a.ReportID),
			ClosedAt: optStamp(a.ClosedAt), EscalatedAt: optStamp(a.EscalatedAt),
			Steps: make([]alertStepJSON, 0, len(a.Steps))}
		if a.ClosedBy != 0 {
			n := names[a.ClosedBy]
			j.ClosedBy = &n
		}
		for _, st := range a.Steps {
			actor := names[st.ActorID]
			if actor == "" {
				actor = stepActorNames[st.Role]
			}
			j.Steps = append(j.Steps, alertStepJSON{At: stamp(st.At), Actor: actor, ActorID: optID(st.ActorID), Role: st.Role, Action: st.Action, Note: st.Note})
		}
		out = append(out, j)
	}
	return out, persons, nil
}

// viewer is the caller as the alerts see them: who, and where they are a grid worker.
func (s *Server) viewer(c *gin.Context) (safety.Viewer, error) {
	held, err := s.roles(c)
	if err != nil {
		return safety.Viewer{}, err
	}
	v := safety.Viewer{UserID: userID(c)}
	for _, m := range held {
		if m.Role == account.RoleGridWorker {
			v.WorkerIn = append(v.WorkerIn, m.CommunityID)
		}
	}
	return v, nil
}

// roleCapacity is the capacity an alert's reader is audited in.
var roleCapacity = map[string]person.Capacity{"elder": person.CapSelf, "guardian": person.CapGuardian, "staff": person.CapStaff, "worker": person.CapWorker}

// answerAlert answers one alert to whoever may see it, with the numbers to call while it is not
// closed: the elder's and the grid worker's on duty, in full (the one place besides the delivery
// lists), the read of the elder's audited. A closed alert has nobody left to call: no number.
func (s *Server) answerAlert(c *gin.Context, v safety.Viewer, a safety.Alert, role string, err error) {
	if err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	views, persons, err := s.alertViews(c, []safety.Alert{a})
	if err != nil {
		fail(c, err)
		return
	}
	out := views[0]
	out.YourRole = &role
	if a.Status == safety.StatusClosed {
		c.JSON(http.StatusOK, out)
		return
	}
	p := persons[a.PersonID]
	if p.Phone != "" {
		out.PersonPhone = &p.Phone
		if err := s.Persons.RecordReads(ctx, v.UserID, a.CommunityID, roleCapacity[role], []int64{a.PersonID}, "安危确认"); err != nil {
			fail(c, err)
			return
		}
	}
	if p.BuildingID != 0 {
		duty, err := s.Reports.OnDuty(ctx, p.BuildingID)
		if err != nil {
			fail(c, err)
			return
		}
		if duty != 0 {
			if u, err := s.accounts.User(ctx, duty); err == nil && u.Phone != "" {
				out.Worker = &alertContactJSON{UserID: u.ID, Name: u.Name, Phone: u.Phone}
			}
		}
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) getAlert(c *gin.Context) {
	id, ok := readID(c, "id")
	if !ok {
		return
	}
	v, err := s.viewer(c)
	if err != nil {
		fail(c, err)
		return
	}
	a, role, err := s.Safety.Get(c.Request.Context(), v, id)
	s.answerAlert(c, v, a, role, err)
}

func (s *Server) acknowledgeAlert(c *gin.Context) {
	var req struct {
		Outcome string `json:"outcome"`
		Note    string `json:"note"`
	}
	id, ok := idAndBody(c, "id", &req)
	if !ok {
		return
	}
	v, err := s.viewer(c)
	if err != nil {
		fail(c, err)
		return
	}
	a, role, err := s.Safety.Acknowledge(c.Request.Context(), v, id, req.Outcome, req.Note)
	s.answerAlert(c, v, a, role, err)
}

func (s *Server) listPersonAlerts(c *gin.Context) {
	pid, ok := readID(c, "id")
	if !ok {
		return
	}
	order, ok := readOrder(c, paging.Newest)
	if !ok {
		return
	}
	p, ok := readPage(c)
	if !ok {
		return
	}
	rows, next, err := s.Safety.ForPerson(c.Request.Context(), userID(c), pid, order, p)
	s.replyAlerts(c, rows, next, err)
}

func (s *Server) adminAlerts(c *gin.Context) {
	status, ok := readChoice(c, "status", safety.Statuses)
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
	rows, next, err := s.Safety.ForStaff(c.Request.Context(), communityID(c), status, sr.Q, sr.Order, p)
	s.replyAlerts(c, rows, next, err)
}

func (s *Server) replyAlerts(c *gin.Context, rows []safety.Alert, next string, err error) {
	if err != nil {
		fail(c, err)
		return
	}
	items, err := s.alertsOf(c, rows)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, list[alertJSON]{Items: items, NextCursor: next})
}
