package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/community"
	"github.com/linli/linli/server/internal/validation"
)

type communityJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
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
		return communityJSON{ID: x.ID, Name: x.Name}
	})
}

func (s *Server) listBuildings(c *gin.Context) {
	id, ok := readID(c, "id")
	if !ok {
		return
	}
	p, ok := readPage(c)
	if !ok {
		return
	}
	rows, next, err := s.Communities.Buildings(c.Request.Context(), id, p)
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
