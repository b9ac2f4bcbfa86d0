package httpapi_test

import (
	"fmt"
	"testing"

	"github.com/linli/linli/server/internal/person"
)

// auditNotes lists a person's audit entries as staff see them, oldest first: "action:note".
func (e *testEnv) auditNotes(staff string, personID int64) []string {
	e.t.Helper()
	r := e.do("GET", fmt.Sprintf("/api/v1/admin/persons/%d/audit?limit=100", personID), staff, nil)
	e.want(r, 200, "")
	var out []string
	for _, it := range r.Body["items"].([]any) {
		a := it.(map[string]any)
		out = append([]string{fmt.Sprintf("%v:%v", a["action"], a["note"])}, out...)
	}
	return out
}

// TestRegistrationConsent: a relative giving someone's ID card and health details confirms that
// person's consent (个人信息保护法: sensitive data); the confirmation is in the audit trail, a
// refusal is refused, and a client that says nothing is served as before.
func TestRegistrationConsent(t *testing.T) {
	e := newEnv(t)
	cid, bs := e.community("中埂社区", "1幢")
	staff, _ := e.staff("staff", cid)
	son, _ := e.login("son")

	refused := elder(bs[0], "李桂英", idElderF)
	refused["consent"] = false
	r := e.do("POST", "/api/v1/persons", son, refused)
	e.want(r, 400, "invalid_request")
	if r.field("consent") == "" {
		t.Errorf("refused consent names no field: %s", r.Raw)
	}
	if n := len(e.do("GET", "/api/v1/persons", son, nil).Body["items"].([]any)); n != 0 {
		t.Fatalf("a registration without consent was kept: %d persons", n)
	}

	given := elder(bs[0], "李桂英", idElderF)
	given["consent"] = true
	pid := e.id(e.do("POST", "/api/v1/persons", son, given))
	silent := elder(bs[0], "张三", idElderM)
	silent["gender"], silent["birth_date"] = "male", "1948-08-12"
	other := e.id(e.do("POST", "/api/v1/persons", son, silent))

	if got := e.auditNotes(staff, pid); len(got) != 1 || got[0] != "created:"+person.ConsentNote {
		t.Errorf("registration with consent audited as %v", got)
	}
	if got := e.auditNotes(staff, other); len(got) != 1 || got[0] != "created:" {
		t.Errorf("registration without a word on consent audited as %v", got)
	}

	// A change of health details notes the consent; one of the room alone has nothing to note.
	path := fmt.Sprintf("/api/v1/persons/%d", pid)
	e.want(e.do("PATCH", path, son, map[string]any{"care_level": "fully_dependent", "consent": true}), 200, "")
	e.want(e.do("PATCH", path, son, map[string]any{"room": "202", "consent": true}), 200, "")
	r = e.do("PATCH", path, son, map[string]any{"diet_notes": "无糖", "consent": false})
	e.want(r, 400, "invalid_request")
	if r.field("consent") == "" {
		t.Errorf("refused consent names no field: %s", r.Raw)
	}
	got := e.auditNotes(staff, pid)
	want := []string{"created:" + person.ConsentNote, "updated:" + person.ConsentNote, "updated:"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("audit after changes = %v, want %v", got, want)
	}
	if p := e.do("GET", path, son, nil); p.Body["diet_notes"] != "少盐" {
		t.Errorf("a change refused for want of consent was kept: %s", p.Raw)
	}

	// A verified person's ID card changed with consent says both things.
	e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/persons/%d/verify", pid), staff, nil), 200, "")
	e.want(e.do("PATCH", path, son, map[string]any{"id_card": "", "consent": true}), 200, "")
	got = e.auditNotes(staff, pid)
	if last := got[len(got)-1]; last != "updated:身份信息已改，需重新核验；"+person.ConsentNote {
		t.Errorf("last audit entry = %s", last)
	}

	// Staff at the counter see the elder in person: the relative's attestation is not theirs.
	walkIn := elder(bs[0], "赵奶奶", idX)
	delete(walkIn, "relation")
	walkIn["consent"] = true
	r = e.do("POST", "/api/v1/admin/persons", staff, walkIn)
	e.want(r, 400, "invalid_request")
	if r.field("consent") == "" {
		t.Errorf("consent at the counter names no field: %s", r.Raw)
	}
}

// TestDeletedAccountLeavesNoHealthData: an account's own record nobody guards loses its health
// details and subsidy status with the rest of its personal data.
func TestDeletedAccountLeavesNoHealthData(t *testing.T) {
	e := newEnv(t)
	cid, bs := e.community("中埂社区", "1幢")
	staff, _ := e.staff("staff", cid)
	tok, _ := e.login("lone")
	e.want(e.do("PUT", "/api/v1/me/profile", tok, map[string]any{
		"name": "孙阿姨", "community_id": cid, "building_id": bs[0], "unit": "1单元", "room": "101",
	}), 200, "")
	own := int64(e.do("GET", "/api/v1/me", tok, nil).Body["person_id"].(float64))
	path := fmt.Sprintf("/api/v1/persons/%d", own)
	e.want(e.do("PATCH", path, tok, map[string]any{"living_alone": true, "care_level": "fully_dependent", "diet_notes": "低盐"}), 200, "")
	e.want(e.do("PUT", fmt.Sprintf("/api/v1/admin/persons/%d/subsidy-status", own), staff, map[string]any{"status": "dibao"}), 200, "")
	before := e.do("GET", path, staff, nil)
	if before.Body["care_level"] != "fully_dependent" || before.Body["subsidy_status"] != "dibao" {
		t.Fatalf("before deletion = %s", before.Raw)
	}

	e.want(e.do("DELETE", "/api/v1/me", tok, nil), 204, "")
	r := e.do("GET", path, staff, nil)
	e.want(r, 200, "")
	for k, want := range map[string]any{
		"name": "已注销", "living_alone": false, "care_level": "self_care", "diet_notes": "", "subsidy_status": nil, "birth_date": nil,
	} {
		if r.Body[k] != want {
			t.Errorf("erased record %s = %v, want %v", k, r.Body[k], want)
		}
	}
}
