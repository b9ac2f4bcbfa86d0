package httpapi_test

import (
	"context"
	"fmt"
	"testing"
)

func TestCategoriesAndGrids(t *testing.T) {
	e := newEnv(t)
	cid, bs := e.community("中埂社区", "1幢", "2幢", "3幢")
	_, otherBs := e.community("西街社区", "1幢")
	staff, _ := e.staff("staff", cid)
	resident, _ := e.login("resident")
	var workers []int64
	for i := range 2 {
		_, uid := e.login(fmt.Sprintf("worker-%d", i))
		if _, err := e.app.Accounts.Grant(context.Background(), cid, uid, "grid_worker", 0); err != nil {
			t.Fatal(err)
		}
		workers = append(workers, uid)
	}
	_, notWorker := e.login("not-a-worker")

	// The built-in categories until staff define their own.
	r := e.do("GET", fmt.Sprintf("/api/v1/report-categories?community_id=%d", cid), resident, nil)
	e.want(r, 200, "")
	if items := r.Body["items"].([]any); len(items) != 7 || items[0].(map[string]any)["key"] != "repair" {
		t.Errorf("default categories = %s", r.Raw)
	}
	e.want(e.do("GET", "/api/v1/report-categories", resident, nil), 400, "invalid_request")
	e.want(e.do("GET", "/api/v1/report-categories?community_id=99999", resident, nil), 404, "not_found")
	e.want(e.do("GET", "/api/v1/report-categories?community_id=1", "", nil), 401, "unauthenticated")
	cats := map[string]any{"categories": []map[string]any{
		{"key": "leak", "name": "漏水", "level": "major", "accept_minutes": 30, "resolve_minutes": 240},
		{"key": "litter", "name": "乱扔垃圾", "level": "minor", "accept_minutes": 60, "resolve_minutes": 1440},
		{"key": "gas", "name": "燃气泄漏", "level": "urgent", "accept_minutes": 5, "resolve_minutes": 60},
	}}
	e.want(e.do("PUT", "/api/v1/admin/report-categories", resident, cats), 403, "forbidden")
	r = e.do("PUT", "/api/v1/admin/report-categories", staff, cats)
	e.want(r, 200, "")
	if items := r.Body["items"].([]any); len(items) != 3 || items[2].(map[string]any)["level"] != "urgent" {
		t.Errorf("categories = %s", r.Raw)
	}
	for name, bad := range map[string]map[string]any{
		"bad key":      {"key": "Leak!", "name": "漏水", "level": "major", "accept_minutes": 30, "resolve_minutes": 240},
		"bad level":    {"key": "leak", "name": "漏水", "level": "huge", "accept_minutes": 30, "resolve_minutes": 240},
		"resolve < ac": {"key": "leak", "name": "漏水", "level": "major", "accept_minutes": 30, "resolve_minutes": 10},
		"no name":      {"key": "leak", "name": " ", "level": "major", "accept_minutes": 30, "resolve_minutes": 240},
	} {
		if r := e.do("PUT", "/api/v1/admin/report-categories", staff, map[string]any{"categories": []map[string]any{bad}}); r.Status != 400 {
			t.Errorf("%s: %d %s", name, r.Status, r.Raw)
		}
	}

	// Grids: buildings of the community, grid workers of the community, one on duty.
	r = e.do("POST", "/api/v1/admin/grids", staff, map[string]any{"name": "第一网格", "building_ids": []int64{bs[0], bs[1]}, "worker_user_ids": workers})
	e.want(r, 201, "")
	gid := e.id(r)
	if r.Body["on_duty_user_id"] != float64(workers[0]) || len(r.Body["building_ids"].([]any)) != 2 {
		t.Errorf("grid = %s", r.Raw)
	}
	e.want(e.do("POST", "/api/v1/admin/grids", staff, map[string]any{"name": "第二网格", "building_ids": []int64{bs[1]}}), 409, "building_in_grid")
	e.want(e.do("POST", "/api/v1/admin/grids", staff, map[string]any{"name": "第一网格", "building_ids": []int64{bs[2]}}), 409, "name_taken")
	for name, bad := range map[string]map[string]any{
		"other community's building": {"name": "x", "building_ids": []int64{otherBs[0]}},
		"not a grid worker":          {"name": "x", "worker_user_ids": []int64{notWorker}},
		"on duty not in the grid":    {"name": "x", "worker_user_ids": []int64{workers[0]}, "on_duty_user_id": workers[1]},
		"no name":                    {"name": ""},
	} {
		if r := e.do("POST", "/api/v1/admin/grids", staff, bad); r.Status != 400 {
			t.Errorf("%s: %d %s", name, r.Status, r.Raw)
		}
	}
	r = e.do("PUT", fmt.Sprintf("/api/v1/admin/grids/%d", gid), staff, map[string]any{
		"name": "第一网格", "building_ids": []int64{bs[0], bs[2]}, "worker_user_ids": workers, "on_duty_user_id": workers[1]})
	e.want(r, 200, "")
	if r.Body["on_duty_user_id"] != float64(workers[1]) || fmt.Sprint(r.Body["building_ids"]) != fmt.Sprintf("[%d %d]", bs[0], bs[2]) {
		t.Errorf("replaced grid = %s", r.Raw)
	}
	// The building freed by the change can join another grid.
	e.want(e.do("POST", "/api/v1/admin/grids", staff, map[string]any{"name": "第二网格", "building_ids": []int64{bs[1]}}), 201, "")
	if got := e.walk("/api/v1/admin/grids?limit=1", staff, "name"); fmt.Sprint(got) != "[第一网格 第二网格]" {
		t.Errorf("grids = %v", got)
	}
	e.want(e.do("PUT", "/api/v1/admin/grids/99999", staff, map[string]any{"name": "x"}), 404, "not_found")
	e.want(e.do("GET", "/api/v1/admin/grids", resident, nil), 403, "forbidden")
}
