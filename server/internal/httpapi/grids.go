package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/report"
	"github.com/linli/linli/server/internal/validation"
)

type categoryJSON struct {
	Key            string `json:"key"`
	Name           string `json:"name"`
	Level          string `json:"level"`
	AcceptMinutes  int    `json:"accept_minutes"`
	ResolveMinutes int    `json:"resolve_minutes"`
}

func categoriesOf(cats []report.Category) list[categoryJSON] {
	return listOf(cats, "", func(c report.Category) categoryJSON {
		return categoryJSON{Key: c.Key, Name: c.Name, Level: c.Level, AcceptMinutes: c.AcceptMinutes, ResolveMinutes: c.ResolveMinutes}
	})
}

// listCategories answers the report categories of ?community_id= or of the caller's community.
func (s *Server) listCategories(c *gin.Context) {
	cid, err := queryID(c, "community_id")
	if err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	if cid == 0 {
		if cid, err = s.accounts.HomeCommunity(ctx, userID(c)); err != nil {
			fail(c, err)
			return
		}
		if cid == 0 {
			fail(c, validation.Field("community_id", validation.Required))
			return
		}
	}
	if _, err := s.Communities.Get(ctx, cid); err != nil {
		fail(c, err)
		return
	}
	cats, err := s.Reports.Categories(ctx, cid)
	reply(c, http.StatusOK, cats, err, categoriesOf)
}

func (s *Server) adminPutCategories(c *gin.Context) {
	var req struct {
		Categories []categoryJSON `json:"categories"`
	}
	if !readBody(c, &req) {
		return
	}
	in := make([]report.Category, 0, len(req.Categories))
	for _, x := range req.Categories {
		in = append(in, report.Category{Key: x.Key, Name: x.Name, Level: x.Level, AcceptMinutes: x.AcceptMinutes, ResolveMinutes: x.ResolveMinutes})
	}
	cats, err := s.Reports.SetCategories(c.Request.Context(), communityID(c), in)
	reply(c, http.StatusOK, cats, err, categoriesOf)
}

type gridJSON struct {
	ID           int64   `json:"id"`
	CommunityID  int64   `json:"community_id"`
	Name         string  `json:"name"`
	BuildingIDs  []int64 `json:"building_ids"`
	WorkerIDs    []int64 `json:"worker_user_ids"`
	OnDutyUserID *int64  `json:"on_duty_user_id"`
	CreatedAt    string  `json:"created_at"`
}

func gridOf(g report.Grid) gridJSON {
	return gridJSON{ID: g.ID, CommunityID: g.CommunityID, Name: g.Name, BuildingIDs: g.BuildingIDs, WorkerIDs: g.WorkerIDs,
		OnDutyUserID: optID(g.OnDutyUserID), CreatedAt: stamp(g.CreatedAt)}
}

type gridRequest struct {
	Name         string  `json:"name"`
	BuildingIDs  []int64 `json:"building_ids"`
	WorkerIDs    []int64 `json:"worker_user_ids"`
	OnDutyUserID int64   `json:"on_duty_user_id"`
}

func (r gridRequest) input() report.GridInput {
	return report.GridInput{Name: r.Name, BuildingIDs: r.BuildingIDs, WorkerIDs: r.WorkerIDs, OnDutyUserID: r.OnDutyUserID}
}

func (s *Server) adminCreateGrid(c *gin.Context) {
	var req gridRequest
	if !readBody(c, &req) {
		return
	}
	g, err := s.Reports.SaveGrid(c.Request.Context(), communityID(c), 0, req.input())
	reply(c, http.StatusCreated, g, err, gridOf)
}

// adminPutGrid replaces a grid: its name, buildings, workers and who is on duty.
func (s *Server) adminPutGrid(c *gin.Context) {
	var req gridRequest
	id, ok := idAndBody(c, "id", &req)
	if !ok {
		return
	}
	g, err := s.Reports.SaveGrid(c.Request.Context(), communityID(c), id, req.input())
	reply(c, http.StatusOK, g, err, gridOf)
}

func (s *Server) adminListGrids(c *gin.Context) {
	sr, ok := readSearch(c, paging.Oldest)
	if !ok {
		return
	}
	p, ok := readPage(c)
	if !ok {
		return
	}
	rows, next, err := s.Reports.Grids(c.Request.Context(), communityID(c), sr.Q, sr.Order, p)
	replyList(c, rows, next, err, gridOf)
}
