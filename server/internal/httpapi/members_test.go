package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/wechat"
)

type memberJSON struct {
	UserID      int64   `json:"user_id"`
	Name        string  `json:"name"`
	Phone       *string `json:"phone"`
	CommunityID *int64  `json:"community_id"`
	Roles       []struct {
		Role  string `json:"role"`
		Since string `json:"since"`
	} `json:"roles"`
}

type memberPage struct {
	Items      []memberJSON `json:"items"`
	NextCursor string       `json:"next_cursor"`
}

func names(ms []memberJSON) string {
	out := make([]string, len(ms))
	for i, m := range ms {
		roles := make([]string, len(m.Roles))
		for j, r := range m.Roles {
			roles[j] = r.Role
		}
		out[i] = m.Name + "(" + strings.Join(roles, "+") + ")"
	}
	return strings.Join(out, ",")
}

func TestAdminMembersAndFindUsers(t *testing.T) {
	e := newEnv(t)
	cid, bs := e.community("中埂社区", "1幢")
	cid2, bs2 := e.community("西街社区", "1幢")
	staff, _ := e.staff("staff", cid)
	staff2, _ := e.staff("staff2", cid2)
	ctx := context.Background()
	join := func(code, name string, community, building int64) (string, int64) {
		tok, uid := e.login(code)
		e.want(e.do("PUT", "/api/v1/me/profile", tok, map[string]any{"name": name, "community_id": community, "building_id": building, "unit": "1单元", "room": "101"}), 200, "")
		return tok, uid
	}
	workerTok, worker := join("worker", "张建国", cid, bs[0])
	e.want(e.do("POST", "/api/v1/me/phone", workerTok, map[string]any{"code": "worker-phone"}), 200, "")
	_, rider := join("rider", "赵志强", cid, bs[0])
	residentTok, _ := join("resident", "王小明", cid, bs[0])
	_, outsider := join("outsider", "张三丰", cid2, bs2[0])
	for _, g := range []struct {
		user int64
		role account.Role
	}{{worker, account.RoleGridWorker}, {worker, account.RoleVolunteer}, {rider, account.RoleVolunteer}} {
		e.want(e.do("POST", "/api/v1/admin/members", staff, map[string]any{"user_id": g.user, "role": g.role}), 201, "")
	}
	if _, err := e.app.Accounts.Grant(ctx, cid2, outsider, account.RoleGridWorker, 0); err != nil {
		t.Fatal(err)
	}

	all := into[memberPage](t, e.do("GET", "/api/v1/admin/members", staff, nil))
	// Newest grant first; residency is not a role staff grant; the other community's are absent.
	if got := names(all.Items); got != "赵志强(volunteer),张建国(grid_worker+volunteer),(staff)" {
		t.Errorf("members = %s", got)
	}
	if got := names(into[memberPage](t, e.do("GET", "/api/v1/admin/members?role=grid_worker", staff, nil)).Items); got != "张建国(grid_worker+volunteer)" {
		t.Errorf("grid workers = %s", got)
	}
	if got := names(into[memberPage](t, e.do("GET", "/api/v1/admin/members?q=志", staff, nil)).Items); got != "赵志强(volunteer)" {
		t.Errorf("q=志 = %s", got)
	}
	// LIKE's wildcards are taken literally.
	if got := into[memberPage](t, e.do("GET", "/api/v1/admin/members?q=%25", staff, nil)).Items; len(got) != 0 {
		t.Errorf("q=%% = %s", names(got))
	}
	// Pages of one, to the end.
	var paged []memberJSON
	cursor := ""
	for range 5 {
		p := into[memberPage](t, e.do("GET", "/api/v1/admin/members?limit=1&cursor="+cursor, staff, nil))
		paged = append(paged, p.Items...)
		if cursor = p.NextCursor; cursor == "" {
			break
		}
	}
	if names(paged) != names(all.Items) {
		t.Errorf("paged = %s, want %s", names(paged), names(all.Items))
	}
	if got := names(into[memberPage](t, e.do("GET", "/api/v1/admin/members", staff2, nil)).Items); got != "张三丰(grid_worker),(staff)" {
		t.Errorf("other community's members = %s", got)
	}
	e.want(e.do("GET", "/api/v1/admin/members?role=resident", staff, nil), 400, "invalid_request")
	e.want(e.do("GET", "/api/v1/admin/members?q="+strings.Repeat("长", 33), staff, nil), 400, "invalid_request")

	// Finding a user: by name among the community's people, by a whole phone number anyone.
	found := into[memberPage](t, e.do("GET", "/api/v1/admin/users?q=张", staff, nil)).Items
	if names(found) != "张建国(grid_worker+volunteer)" {
		t.Errorf("users q=张 = %s", names(found))
	}
	if found[0].Phone == nil || !strings.Contains(*found[0].Phone, "****") || found[0].CommunityID == nil || *found[0].CommunityID != cid {
		t.Errorf("user = %+v", found[0])
	}
	if got := names(into[memberPage](t, e.do("GET", "/api/v1/admin/users?q=王小明", staff, nil)).Items); got != "王小明()" {
		t.Errorf("resident by name = %s", got)
	}
	phone := wechat.FakePhone("worker-phone")
	if got := into[memberPage](t, e.do("GET", "/api/v1/admin/users?q="+phone, staff2, nil)).Items; len(got) != 1 || got[0].UserID != worker || len(got[0].Roles) != 0 {
		t.Errorf("by phone from another community = %+v", got)
	}
	e.want(e.do("GET", "/api/v1/admin/users", staff, nil), 400, "invalid_request")
	e.want(e.do("GET", "/api/v1/admin/users?q=张", residentTok, nil), 403, "forbidden")
	e.want(e.do("GET", "/api/v1/admin/members", workerTok, nil), 403, "forbidden")
}
