package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/community"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/pii"
	"github.com/linli/linli/server/internal/validation"
)

type communityJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Lat and Lng are where the community is, for finding the nearest; null when not set.
	Lat *float64 `json:"lat"`
	Lng *float64 `json:"lng"`
}

type buildingJSON struct {
	ID          int64  `json:"id"`
	CommunityID int64  `json:"community_id"`
	Name        string `json:"name"`
}

func buildingOf(b community.Building) buildingJSON {
	return buildingJSON{ID: b.ID, CommunityID: b.CommunityID, Name: b.Name}
}

func (s *Server) listCommunities(c *gin.Context) {
	p, ok := readPage(c)
	if !ok {
		return
	}
	rows, next, err := s.Communities.List(c.Request.Context(), p)
	replyList(c, rows, next, err, func(x community.Community) communityJSON {
		return communityJSON{ID: x.ID, Name: x.Name, Lat: x.Lat, Lng: x.Lng}
	})
}

func (s *Server) listBuildings(c *gin.Context) {
	id, ok := readID(c, "id")
	if !ok {
		return
	}
	sr, ok := readSearch(c, paging.Oldest)
	if !ok {
		return
	}
	p, ok := readPage(c)
	if !ok {
		return
	}
	rows, next, err := s.Communities.Buildings(c.Request.Context(), id, sr.Q, sr.Order, p)
	replyList(c, rows, next, err, buildingOf)
}

type nameRequest struct {
	Name string `json:"name"`
}

func (s *Server) adminAddBuilding(c *gin.Context) {
	var req nameRequest
	if !readBody(c, &req) {
		return
	}
	b, err := s.Communities.AddBuilding(c.Request.Context(), communityID(c), req.Name)
	reply(c, http.StatusCreated, b, err, buildingOf)
}

type memberRequest struct {
	UserID int64  `json:"user_id"`
	Role   string `json:"role"`
}

type memberJSON struct {
	UserID      int64  `json:"user_id"`
	CommunityID int64  `json:"community_id"`
	Role        string `json:"role"`
	CreatedAt   string `json:"created_at"`
}

func (s *Server) adminGrant(c *gin.Context) {
	var req memberRequest
	if !readBody(c, &req) {
		return
	}
	errs := validation.Errors{}
	if req.UserID <= 0 {
		errs.Add("user_id", validation.Required)
	}
	if !account.Role(req.Role).Grantable() {
		errs.Add("role", "应为 staff、grid_worker、canteen_staff 或 volunteer")
	}
	if err := errs.Err(); err != nil {
		fail(c, err)
		return
	}
	m, err := s.accounts.Grant(c.Request.Context(), communityID(c), req.UserID, account.Role(req.Role), userID(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, memberJSON{UserID: req.UserID, CommunityID: m.CommunityID, Role: string(m.Role), CreatedAt: stamp(m.CreatedAt)})
}

func (s *Server) adminRevoke(c *gin.Context) {
	uid, ok := readID(c, "user_id")
	if !ok {
		return
	}
	role := account.Role(c.Param("role"))
	if !role.Grantable() {
		fail(c, errNotFound)
		return
	}
	if err := s.accounts.Revoke(c.Request.Context(), communityID(c), uid, role, userID(c)); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type memberRoleJSON struct {
	Role  string `json:"role"`
	Since string `json:"since"`
}

type memberViewJSON struct {
	UserID      int64            `json:"user_id"`
	Name        string           `json:"name"`
	Phone       *string          `json:"phone"`
	CommunityID *int64           `json:"community_id"`
	Roles       []memberRoleJSON `json:"roles"`
}

func memberOf(m account.Member) memberViewJSON {
	out := memberViewJSON{UserID: m.UserID, Name: m.Name, Phone: masked(m.Phone, pii.MaskPhone), CommunityID: optID(m.HomeCommunity),
		Roles: make([]memberRoleJSON, 0, len(m.Roles))}
	for _, r := range m.Roles {
		out.Roles = append(out.Roles, memberRoleJSON{Role: string(r.Role), Since: stamp(r.CreatedAt)})
	}
	return out
}

// searchQuery reads ?q=, cleaned and bounded; required says whether it may be empty.
func searchQuery(c *gin.Context, required bool) (string, bool) {
	q, err := queryText(c, "q", validation.Text{Max: maxSearch, Required: required})
	return q, answered(c, err)
}

// queryText reads a free-text query parameter through the text rule every free-text field
// follows.
func queryText(c *gin.Context, name string, rule validation.Text) (string, error) {
	v := c.Query(name)
	return v, rule.Check(name, &v)
}

// maxSearch bounds a search text.
const maxSearch = 32

func (s *Server) adminMembers(c *gin.Context) {
	role := account.Role(c.Query("role"))
	if role != "" && !role.Grantable() {
		fail(c, validation.Field("role", "应为 staff、grid_worker、canteen_staff 或 volunteer"))
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
	rows, next, err := s.accounts.Members(c.Request.Context(), communityID(c), role, sr.Q, sr.Order, p)
	replyList(c, rows, next, err, memberOf)
}

func (s *Server) adminFindUsers(c *gin.Context) {
	q, ok := searchQuery(c, true)
	if !ok {
		return
	}
	rows, err := s.accounts.FindUsers(c.Request.Context(), communityID(c), q)
	replyList(c, rows, "", err, memberOf)
}
