package httpapi_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// Valid ID card numbers (check digits computed by GB 11643) and what they carry.
const (
	idElderF = "330702194503050022" // female, born 1945-03-05
	idElderM = "330702194808120036" // male, born 1948-08-12
	idOther  = "330702195201010011" // male, born 1952-01-01
	idX      = "11010519491231002X" // female, born 1949-12-31, check digit X
)

// elder is a registration body for POST /persons.
func elder(buildingID int64, name, idCard string) map[string]any {
	return map[string]any{
		"name": name, "gender": "female", "birth_date": "1945-03-05", "id_card": idCard, "phone": "13800001234",
		"building_id": buildingID, "unit": "1单元", "room": "101", "relation": "parent", "living_alone": true,
		"care_level": "partly_dependent", "diet_notes": "少盐",
		"emergency_contacts": []map[string]any{{"name": "李强", "phone": "13912345678", "relation": "儿子"}},
	}
}

func (e *testEnv) id(r resp) int64 {
	e.t.Helper()
	v, ok := r.Body["id"].(float64)
	if !ok {
		e.t.Fatalf("answer has no id: %s", r.Raw)
	}
	return int64(v)
}

// requestsOf lists the community's guardian requests with a status, as staff see them.
func (e *testEnv) requestsOf(staff, status string) []map[string]any {
	e.t.Helper()
	r := e.do("GET", "/api/v1/admin/guardian-requests?status="+status, staff, nil)
	e.want(r, 200, "")
	var out []map[string]any
	for _, it := range r.Body["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

// requestFor finds the request of a user about a person.
func (e *testEnv) requestFor(staff string, personID, userID int64) int64 {
	e.t.Helper()
	for _, r := range e.requestsOf(staff, "pending") {
		if r["person_id"] == float64(personID) && r["user_id"] == float64(userID) {
			return int64(r["id"].(float64))
		}
	}
	e.t.Fatalf("no pending request of user %d for person %d", userID, personID)
	return 0
}

func TestRegisterJoinApproveLeave(t *testing.T) {
	e := newEnv(t)
	cid, bs := e.community("中埂社区", "1幢", "2幢")
	staff, _ := e.staff("staff", cid)
	daughter, daughterID := e.login("daughter")
	son, sonID := e.login("son")
	stranger, strangerID := e.login("stranger")

	r := e.do("POST", "/api/v1/persons", daughter, elder(bs[0], "李桂英", idElderF))
	e.want(r, 201, "")
	pid := e.id(r)
	for k, want := range map[string]any{
		"guardianship": "pending", "relation": "parent", "verified": false, "primary": false, "community_id": float64(cid),
		"id_card": "330702********0022", "phone": "138****1234", "building_name": "1幢", "care_level": "partly_dependent",
		"living_alone": true, "has_account": false,
	} {
		if r.Body[k] != want {
			t.Errorf("created person %s = %v, want %v", k, r.Body[k], want)
		}
	}
	if c := r.Body["emergency_contacts"].([]any)[0].(map[string]any); c["phone"] != "139****5678" || c["name"] != "李强" {
		t.Errorf("contact = %v", c)
	}
	// The pending guardian sees the person in their list and can read it.
	r = e.do("GET", "/api/v1/persons", daughter, nil)
	e.want(r, 200, "")
	if items := r.Body["items"].([]any); len(items) != 1 || items[0].(map[string]any)["guardianship"] != "pending" {
		t.Errorf("persons = %s", r.Raw)
	}
	e.want(e.do("GET", fmt.Sprintf("/api/v1/persons/%d", pid), daughter, nil), 200, "")

	// A second relative asks to join as a guardian, giving the ID card (registering it again is
	// held aside for staff: TestIDCardOnFileAnsweredLikeANewRegistration).
	e.want(e.do("POST", fmt.Sprintf("/api/v1/persons/%d/guardian-requests", pid), son, map[string]any{"relation": "parent", "id_card": idElderF}), 201, "")
	r = e.do("GET", "/api/v1/me/guardian-requests", son, nil)
	if it := r.Body["items"].([]any)[0].(map[string]any); it["kind"] != "join" || it["status"] != "pending" || it["person_id"] != nil {
		t.Errorf("the son's requests = %s", r.Raw)
	}
	e.want(e.do("POST", fmt.Sprintf("/api/v1/persons/%d/guardian-requests", pid), son, map[string]any{"relation": "parent", "id_card": idElderF}), 409, "request_pending")
	// Asking gives no access yet.
	e.want(e.do("GET", fmt.Sprintf("/api/v1/persons/%d", pid), son, nil), 404, "not_found")
	// Asking by id needs the ID card; a wrong one is filed like a right one, for staff to see.
	if r := e.do("POST", fmt.Sprintf("/api/v1/persons/%d/guardian-requests", pid), stranger, map[string]any{"relation": "child"}); r.Status != 400 || r.field("id_card") == "" {
		t.Errorf("asking without the ID card: %s", r.Raw)
	}
	e.want(e.do("POST", fmt.Sprintf("/api/v1/persons/%d/guardian-requests", pid), stranger, map[string]any{"relation": "child", "id_card": idOther}), 201, "")
	e.want(e.do("POST", fmt.Sprintf("/api/v1/persons/%d/guardian-requests", pid), stranger, map[string]any{"relation": "child", "id_card": strings.ToLower(idElderF)}), 409, "request_pending")
	e.want(e.do("POST", fmt.Sprintf("/api/v1/persons/%d/guardian-requests", pid), daughter, map[string]any{"relation": "parent", "id_card": idElderF}), 409, "already_guardian")

	pending := e.requestsOf(staff, "pending")
	if len(pending) != 3 || pending[0]["kind"] != "register" || pending[0]["person_name"] != "李桂英" || pending[1]["kind"] != "join" {
		t.Fatalf("pending requests = %v", pending)
	}

	// Staff approve the registration: the daughter is approved and primary, the person verified.
	r = e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/approve", e.requestFor(staff, pid, daughterID)), staff, nil)
	e.want(r, 200, "")
	if r.Body["status"] != "approved" || r.Body["decided_at"] == nil {
		t.Errorf("approved = %s", r.Raw)
	}
	r = e.do("GET", fmt.Sprintf("/api/v1/persons/%d", pid), daughter, nil)
	if r.Body["verified"] != true || r.Body["guardianship"] != "approved" {
		t.Errorf("after approval = %s", r.Raw)
	}
	e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%v/approve", e.requestsOf(staff, "approved")[0]["id"]), staff, nil), 409, "already_decided")

	sonReq := e.requestFor(staff, pid, sonID)
	e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/approve", sonReq), staff, map[string]any{}), 200, "")
	strangerReq := e.requestFor(staff, pid, strangerID)
	e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/approve", strangerReq), staff, nil), 409, "id_card_mismatch")
	// A rejection says why: the person who asked reads it.
	e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/reject", strangerReq), staff, nil), 400, "invalid_request")
	e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/reject", strangerReq), staff, map[string]any{"reason": "  "}), 400, "invalid_request")
	r = e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/reject", strangerReq), staff,
		map[string]any{"reason": "与老人无亲属关系"})
	e.want(r, 200, "")
	if r.Body["status"] != "rejected" || r.Body["reason"] != "与老人无亲属关系" {
		t.Errorf("rejected = %s", r.Raw)
	}
	e.want(e.do("GET", fmt.Sprintf("/api/v1/persons/%d", pid), stranger, nil), 404, "not_found")
	// The requester learns the outcome in the inbox, with the reason, and in their requests.
	r = e.do("GET", "/api/v1/me/messages", stranger, nil)
	if !strings.Contains(string(r.Raw), "与老人无亲属关系") || !strings.Contains(string(r.Raw), "家属申请未通过") {
		t.Errorf("stranger inbox = %s", r.Raw)
	}
	r = e.do("GET", "/api/v1/me/guardian-requests", stranger, nil)
	if it := r.Body["items"].([]any)[0].(map[string]any); it["status"] != "rejected" || it["person_name"] != nil {
		t.Errorf("stranger's requests = %s", r.Raw)
	}
	r = e.do("GET", "/api/v1/me/guardian-requests", son, nil)
	if it := r.Body["items"].([]any)[0].(map[string]any); it["status"] != "approved" || it["person_name"] != "李桂英" {
		t.Errorf("son's requests = %s", r.Raw)
	}

	// Guardians: the daughter is primary; only she or staff may hand that on.
	guardians := func(tok string) string {
		r := e.do("GET", fmt.Sprintf("/api/v1/persons/%d/guardians", pid), tok, nil)
		e.want(r, 200, "")
		var out []string
		for _, it := range r.Body["items"].([]any) {
			g := it.(map[string]any)
			out = append(out, fmt.Sprintf("%v:%v:%v", g["user_id"], g["status"], g["primary"]))
		}
		return strings.Join(out, ",")
	}
	if got, want := guardians(son), fmt.Sprintf("%d:approved:true,%d:approved:false", daughterID, sonID); got != want {
		t.Errorf("guardians = %s, want %s", got, want)
	}
	e.want(e.do("POST", fmt.Sprintf("/api/v1/persons/%d/guardians/%d/primary", pid, sonID), son, nil), 403, "forbidden")
	e.want(e.do("POST", fmt.Sprintf("/api/v1/persons/%d/guardians/%d/primary", pid, strangerID), daughter, nil), 404, "not_found")
	r = e.do("POST", fmt.Sprintf("/api/v1/persons/%d/guardians/%d/primary", pid, sonID), daughter, nil)
	e.want(r, 200, "")
	if r.Body["primary"] != true {
		t.Errorf("primary = %s", r.Raw)
	}
	e.want(e.do("DELETE", fmt.Sprintf("/api/v1/persons/%d/guardians/%d", pid, sonID), daughter, nil), 403, "forbidden")

	// The son leaves: the daughter becomes primary again; the person stays.
	e.want(e.do("DELETE", fmt.Sprintf("/api/v1/persons/%d/guardians/%d", pid, sonID), son, nil), 204, "")
	e.want(e.do("GET", fmt.Sprintf("/api/v1/persons/%d", pid), son, nil), 404, "not_found")
	if got, want := guardians(daughter), fmt.Sprintf("%d:approved:true", daughterID); got != want {
		t.Errorf("guardians after leaving = %s, want %s", got, want)
	}
	// Staff remove the last guardian; staff still act for the person.
	e.want(e.do("DELETE", fmt.Sprintf("/api/v1/persons/%d/guardians/%d", pid, daughterID), staff, nil), 204, "")
	r = e.do("GET", fmt.Sprintf("/api/v1/persons/%d", pid), staff, nil)
	e.want(r, 200, "")
	if r.Body["guardianship"] != nil || r.Body["name"] != "李桂英" {
		t.Errorf("staff view = %s", r.Raw)
	}

	// The audit trail names actors, capacities and fields, never values.
	r = e.do("GET", fmt.Sprintf("/api/v1/admin/persons/%d/audit?limit=100", pid), staff, nil)
	e.want(r, 200, "")
	var actions []string
	for _, it := range r.Body["items"].([]any) {
		a := it.(map[string]any)
		actions = append([]string{fmt.Sprintf("%v/%v", a["action"], a["capacity"])}, actions...)
	}
	want := "created/pending_guardian,guardian_requested/applicant,guardian_requested/applicant,request_approved/staff," +
		"request_approved/staff,request_rejected/staff,primary_changed/guardian,guardian_left/guardian,guardian_removed/staff"
	if got := strings.Join(actions, ","); got != want {
		t.Errorf("audit actions =\n %s\nwant\n %s", got, want)
	}
	first := r.Body["items"].([]any)[len(r.Body["items"].([]any))-1].(map[string]any)
	if fields := fmt.Sprint(first["fields"]); !strings.Contains(fields, "id_card") || !strings.Contains(fields, "phone") {
		t.Errorf("created fields = %s", fields)
	}
	for _, secret := range []string{idElderF, "13800001234", "13912345678", "0022"} {
		if strings.Contains(string(r.Raw), secret) {
			t.Errorf("audit trail shows %s: %s", secret, r.Raw)
		}
	}
}

func TestDuplicateRegistrationRace(t *testing.T) {
	e := newEnv(t)
	_, bs := e.community("中埂社区", "1幢")
	const n = 8
	tokens := make([]string, n)
	for i := range tokens {
		tokens[i], _ = e.login(fmt.Sprintf("relative-%d", i))
	}
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			statuses[i] = e.do("POST", "/api/v1/persons", tokens[i], elder(bs[0], "李桂英", idElderF)).Status
		})
	}
	wg.Wait()
	created := 0
	for _, s := range statuses {
		switch s {
		case 201:
			created++
		case 409:
		default:
			t.Errorf("status %d", s)
		}
	}
	// Each relative is answered as for a new ID card (TestIDCardOnFileAnsweredLikeANewRegistration),
	// but one record only is on file with it: the others are held aside for staff.
	if created != n {
		t.Errorf("%d registrations of one ID card answered 201, want %d (%v)", created, n, statuses)
	}
	var onFile int
	if err := e.db.QueryRow(`SELECT COUNT(*) FROM persons WHERE id_card_hash IS NOT NULL`).Scan(&onFile); err != nil || onFile != 1 {
		t.Errorf("%d records on file with the ID card, want 1 (%v)", onFile, err)
	}
}

func TestPersonValidation(t *testing.T) {
	e := newEnv(t)
	cid, bs := e.community("中埂社区", "1幢")
	_, otherBs := e.community("西街社区", "1幢")
	tok, _ := e.login("relative")
	staff, _ := e.staff("staff", cid)
	cases := []struct {
		name  string
		edit  func(map[string]any)
		field string
	}{
		{"future birth date", func(b map[string]any) { b["birth_date"] = "2099-01-01"; b["id_card"] = "" }, "birth_date"},
		{"bad date", func(b map[string]any) { b["birth_date"] = "1945-13-40"; b["id_card"] = "" }, "birth_date"},
		{"wrong check digit", func(b map[string]any) { b["id_card"] = "330702194503050021" }, "id_card"},
		{"short id card", func(b map[string]any) { b["id_card"] = "33070219450305" }, "id_card"},
		{"birth date not the ID card's", func(b map[string]any) { b["birth_date"] = "1946-03-05" }, "birth_date"},
		{"gender not the ID card's", func(b map[string]any) { b["gender"] = "male" }, "gender"},
		{"10 KB name", func(b map[string]any) { b["name"] = strings.Repeat("名", 10<<10/3) }, "name"},
		{"empty name", func(b map[string]any) { b["name"] = "  " }, "name"},
		{"control character", func(b map[string]any) { b["name"] = "李\x00桂英" }, "name"},
		{"unknown building", func(b map[string]any) { b["building_id"] = 999999 }, "building_id"},
		{"missing building", func(b map[string]any) { delete(b, "building_id") }, "building_id"},
		{"missing living_alone", func(b map[string]any) { delete(b, "living_alone") }, "living_alone"},
		{"bad care level", func(b map[string]any) { b["care_level"] = "fine" }, "care_level"},
		{"missing care level", func(b map[string]any) { delete(b, "care_level") }, "care_level"},
		{"missing relation", func(b map[string]any) { delete(b, "relation") }, "relation"},
		{"self relation", func(b map[string]any) { b["relation"] = "self" }, "relation"},
		{"bad phone", func(b map[string]any) { b["phone"] = "12345" }, "phone"},
		{"missing gender", func(b map[string]any) { delete(b, "gender"); b["id_card"] = "" }, "gender"},
		{"long diet notes", func(b map[string]any) { b["diet_notes"] = strings.Repeat("少", 201) }, "diet_notes"},
		{"contact phone", func(b map[string]any) {
			b["emergency_contacts"] = []map[string]any{{"name": "李强", "phone": "x"}}
		}, "emergency_contacts[0].phone"},
		{"four contacts", func(b map[string]any) {
			c := map[string]any{"name": "李强", "phone": "13912345678"}
			b["emergency_contacts"] = []map[string]any{c, c, c, c}
		}, "emergency_contacts"},
		{"unknown field", func(b map[string]any) { b["nickname"] = "李" }, "nickname"},
		{"wrong type", func(b map[string]any) { b["living_alone"] = "yes" }, "living_alone"},
	}
	for _, tc := range cases {
		b := elder(bs[0], "李桂英", idElderF)
		tc.edit(b)
		r := e.do("POST", "/api/v1/persons", tok, b)
		if r.Status != 400 || r.errCode() != "invalid_request" || r.field(tc.field) == "" {
			t.Errorf("%s: got %d %s, want 400 with field %s", tc.name, r.Status, r.Raw, tc.field)
		}
	}
	// Every problem is reported at once.
	r := e.do("POST", "/api/v1/persons", tok, map[string]any{"name": ""})
	for _, f := range []string{"name", "gender", "birth_date", "building_id", "unit", "room", "relation", "living_alone", "care_level"} {
		if r.field(f) == "" {
			t.Errorf("empty registration: no %s in %s", f, r.Raw)
		}
	}
	// A building of another community is unknown to staff registering at the counter.
	b := elder(otherBs[0], "李桂英", idElderF)
	delete(b, "relation")
	r = e.do("POST", "/api/v1/admin/persons", staff, b)
	if r.Status != 400 || r.field("building_id") == "" {
		t.Errorf("other community's building: %d %s", r.Status, r.Raw)
	}
	// A birth date and gender left out are taken from the ID card; the check digit may be X.
	b = elder(bs[0], "王秀兰", idX)
	delete(b, "birth_date")
	delete(b, "gender")
	r = e.do("POST", "/api/v1/persons", tok, b)
	e.want(r, 201, "")
	if r.Body["birth_date"] != "1949-12-31" || r.Body["gender"] != "female" || r.Body["id_card"] != "110105********002X" {
		t.Errorf("derived from ID card = %s", r.Raw)
	}
}

func TestPersonEditAndVerification(t *testing.T) {
	e := newEnv(t)
	cid, bs := e.community("中埂社区", "1幢", "2幢")
	_, otherBs := e.community("西街社区", "1幢")
	staff, _ := e.staff("staff", cid)
	tok, uid := e.login("daughter")
	pid := e.id(e.do("POST", "/api/v1/persons", tok, elder(bs[0], "李桂英", idElderF)))
	path := fmt.Sprintf("/api/v1/persons/%d", pid)

	// A pending guardian may already correct the record.
	r := e.do("PATCH", path, tok, map[string]any{"room": "102", "diet_notes": "", "phone": ""})
	e.want(r, 200, "")
	if r.Body["room"] != "102" || r.Body["diet_notes"] != "" || r.Body["phone"] != nil || r.Body["id_card"] != "330702********0022" {
		t.Errorf("patched = %s", r.Raw)
	}
	e.want(e.do("PATCH", path, tok, map[string]any{"building_id": otherBs[0]}), 400, "invalid_request")
	e.want(e.do("PATCH", path, tok, map[string]any{"birth_date": "2099-01-01"}), 400, "invalid_request")
	e.want(e.do("PATCH", path, tok, map[string]any{"name": strings.Repeat("名", 33)}), 400, "invalid_request")
	e.want(e.do("PATCH", path, tok, map[string]any{"owner_user_id": 1}), 400, "invalid_request")

	e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/approve", e.requestFor(staff, pid, uid)), staff, nil), 200, "")
	// A guardian changing the name undoes the verification; staff verify again.
	r = e.do("PATCH", path, tok, map[string]any{"name": "李桂芳", "building_id": bs[1]})
	e.want(r, 200, "")
	if r.Body["verified"] != false || r.Body["building_name"] != "2幢" {
		t.Errorf("after a name change = %s", r.Raw)
	}
	r = e.do("POST", fmt.Sprintf("/api/v1/admin/persons/%d/verify", pid), staff, nil)
	e.want(r, 200, "")
	if r.Body["verified"] != true {
		t.Errorf("verify = %s", r.Raw)
	}
	// Staff's own corrections keep it.
	r = e.do("PATCH", path, staff, map[string]any{"name": "李桂英"})
	e.want(r, 200, "")
	if r.Body["verified"] != true {
		t.Errorf("after staff's change = %s", r.Raw)
	}
	// Changing the ID card to one on file is a conflict.
	other := elder(bs[0], "张三", idElderM)
	other["gender"], other["birth_date"] = "male", "1948-08-12"
	e.want(e.do("POST", "/api/v1/persons", tok, other), 201, "")
	e.want(e.do("PATCH", path, tok, map[string]any{"id_card": idElderM, "birth_date": "1948-08-12", "gender": "male"}), 409, "person_exists")

	r = e.do("GET", fmt.Sprintf("/api/v1/admin/persons/%d/audit", pid), staff, nil)
	if it := r.Body["items"].([]any)[0].(map[string]any); it["action"] != "updated" || it["capacity"] != "staff" || fmt.Sprint(it["fields"]) != "[name]" {
		t.Errorf("last audit entry = %v", it)
	}
	if it := r.Body["items"].([]any)[2].(map[string]any); it["note"] == "" || fmt.Sprint(it["fields"]) != "[name building_id]" {
		t.Errorf("unverifying audit entry = %v", it)
	}

	// ID card and phone are sealed at rest, findable by keyed hash only.
	var idEnc, idHash []byte
	if err := e.db.QueryRow(`SELECT id_card_enc, id_card_hash FROM persons WHERE id = ?`, pid).Scan(&idEnc, &idHash); err != nil {
		t.Fatal(err)
	}
	if len(idEnc) < 30 || len(idHash) != 32 || strings.Contains(string(idEnc), "1945") {
		t.Errorf("id card at rest: %x / %x", idEnc, idHash)
	}
	var raw string
	if err := e.db.QueryRow(`SELECT CONCAT(HEX(contacts_enc), name) FROM persons WHERE id = ?`, pid).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(raw, "李强") {
		t.Error("emergency contacts stored in clear")
	}
}

// guardedElder is a community of one building with its staff, and 李桂英 (idElderF), whom her
// daughter registered and staff made her guardian.
type guardedElder struct {
	e               *testEnv
	cid             int64
	bs              []int64
	staff, daughter string
	daughterID, pid int64
	strangers       int
}

func (e *testEnv) guardedElder() *guardedElder {
	g := &guardedElder{e: e}
	g.cid, g.bs = e.community("中埂社区", "1幢")
	g.staff, _ = e.staff("staff", g.cid)
	g.daughter, g.daughterID = e.login("daughter")
	g.pid = e.id(e.do("POST", "/api/v1/persons", g.daughter, elder(g.bs[0], "李桂英", idElderF)))
	e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/approve", e.requestFor(g.staff, g.pid, g.daughterID)), g.staff, nil), 200, "")
	return g
}

// stranger is a new resident of the community, with an address of their own, who may see
// nothing of the elder.
func (g *guardedElder) stranger() (string, int64) {
	g.strangers++
	tok, id := g.e.login(fmt.Sprintf("stranger-%d", g.strangers))
	g.e.want(g.e.do("PUT", "/api/v1/me/profile", tok, map[string]any{"name": "陌生人", "community_id": g.cid,
		"building_id": g.bs[0], "unit": "9单元", "room": "901"}), 200, "")
	return tok, id
}

func TestClaimRecord(t *testing.T) {
	e := newEnv(t)
	g := e.guardedElder()
	cid, bs, staff, daughter, pid := g.cid, g.bs, g.staff, g.daughter, g.pid

	// The elder signs in and, having onboarded first by mistake, claims the relative's record.
	elderTok, elderID := e.login("elder")
	e.want(e.do("PUT", "/api/v1/me/profile", elderTok, map[string]any{
		"name": "李桂英", "community_id": cid, "building_id": bs[0], "unit": "1单元", "room": "101",
	}), 200, "")
	mistaken := int64(e.do("GET", "/api/v1/me", elderTok, nil).Body["person_id"].(float64))

	r := e.do("POST", "/api/v1/me/claims", elderTok, map[string]any{"community_id": cid, "id_card": "330702194503050021"})
	if r.Status != 400 || r.field("id_card") == "" {
		t.Errorf("bad id card claim: %s", r.Raw)
	}
	e.want(e.do("POST", "/api/v1/me/claims", elderTok, map[string]any{"community_id": 99999, "id_card": idElderF}), 404, "not_found")
	// A claim that matches no record is filed all the same; staff can only reject it.
	r = e.do("POST", "/api/v1/me/claims", elderTok, map[string]any{"community_id": cid, "id_card": idOther})
	e.want(r, 201, "")
	if r.Body["kind"] != "claim" || r.Body["person_id"] != nil || r.Body["person_name"] != nil {
		t.Errorf("claim = %s", r.Raw)
	}
	unmatched := e.id(r)
	e.want(e.do("POST", "/api/v1/me/claims", elderTok, map[string]any{"community_id": cid, "id_card": idElderF}), 409, "request_pending")
	e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/approve", unmatched), staff, nil), 409, "id_card_mismatch")
	e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/reject", unmatched), staff, map[string]any{"reason": "没有找到您的档案，请核对身份证号"}), 200, "")
	if r := e.do("GET", "/api/v1/me/messages", elderTok, nil); !strings.Contains(string(r.Raw), "没有找到您的档案") {
		t.Errorf("the elder was not told why: %s", r.Raw)
	}
	r = e.do("POST", "/api/v1/me/claims", elderTok, map[string]any{"community_id": cid, "id_card": idElderF})
	e.want(r, 201, "")
	if r.Body["kind"] != "claim" || r.Body["person_id"] != nil || r.Body["person_name"] != nil {
		t.Errorf("claim = %s", r.Raw)
	}
	e.want(e.do("POST", "/api/v1/me/claims", elderTok, map[string]any{"community_id": cid, "id_card": idElderF}), 409, "request_pending")
	e.want(e.do("GET", fmt.Sprintf("/api/v1/persons/%d", pid), elderTok, nil), 404, "not_found")

	e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/approve", e.requestFor(staff, pid, elderID)), staff, nil), 200, "")
	me := e.do("GET", "/api/v1/me", elderTok, nil)
	if me.Body["person_id"] != float64(pid) || me.Body["community_id"] != float64(cid) {
		t.Errorf("me after claim = %s", me.Raw)
	}
	r = e.do("GET", "/api/v1/persons", elderTok, nil)
	items := r.Body["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["id"] != float64(pid) || items[0].(map[string]any)["guardianship"] != "self" {
		t.Errorf("elder's persons = %s", r.Raw)
	}
	// The relative still acts for her; the record now has an account.
	r = e.do("GET", fmt.Sprintf("/api/v1/persons/%d", pid), daughter, nil)
	e.want(r, 200, "")
	if r.Body["has_account"] != true {
		t.Errorf("claimed person = %s", r.Raw)
	}
	// The record made by mistake stays, without an account, for staff.
	r = e.do("GET", fmt.Sprintf("/api/v1/persons/%d", mistaken), staff, nil)
	if r.Body["has_account"] != false {
		t.Errorf("released record = %s", r.Raw)
	}
	e.want(e.do("POST", "/api/v1/me/claims", elderTok, map[string]any{"community_id": cid, "id_card": idElderF}), 409, "already_claimed")
}

func TestDeleteMeKeepsGuardedPersons(t *testing.T) {
	e := newEnv(t)
	cid, bs := e.community("中埂社区", "1幢")
	staff, _ := e.staff("staff", cid)
	profile := map[string]any{"name": "赵大爷", "community_id": cid, "building_id": bs[0], "unit": "1单元", "room": "201"}

	// An elder with an account, whose son also guards him.
	elderTok, _ := e.login("elder")
	e.want(e.do("PUT", "/api/v1/me/profile", elderTok, profile), 200, "")
	own := int64(e.do("GET", "/api/v1/me", elderTok, nil).Body["person_id"].(float64))
	e.want(e.do("PATCH", fmt.Sprintf("/api/v1/persons/%d", own), elderTok, map[string]any{"id_card": idElderM}), 200, "")
	son, sonID := e.login("son")
	b := elder(bs[0], "赵大爷", idElderM)
	b["gender"], b["birth_date"] = "male", "1948-08-12"
	e.want(e.do("POST", "/api/v1/persons", son, b), 201, "")
	e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/approve", e.requestOfUser(staff, sonID).ID), staff, nil), 200, "")

	// The elder also guards his wife, with the son.
	wife := e.id(e.do("POST", "/api/v1/persons", elderTok, elder(bs[0], "钱奶奶", idElderF)))
	e.want(e.do("POST", fmt.Sprintf("/api/v1/persons/%d/guardian-requests", wife), son, map[string]any{"relation": "parent", "id_card": idElderF}), 201, "")
	elderID := int64(e.do("GET", "/api/v1/me", elderTok, nil).Body["id"].(float64))
	e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/approve", e.requestFor(staff, wife, elderID)), staff, nil), 200, "")
	e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/approve", e.requestFor(staff, wife, sonID)), staff, nil), 200, "")

	e.want(e.do("DELETE", "/api/v1/me", elderTok, nil), 204, "")
	// His record stays whole for his son, without the account.
	r := e.do("GET", fmt.Sprintf("/api/v1/persons/%d", own), son, nil)
	e.want(r, 200, "")
	if r.Body["name"] != "赵大爷" || r.Body["id_card"] != "330702********0036" || r.Body["has_account"] != false {
		t.Errorf("guarded own record after deletion = %s", r.Raw)
	}
	// His wife is now the son's alone, and the son is primary.
	r = e.do("GET", fmt.Sprintf("/api/v1/persons/%d/guardians", wife), son, nil)
	if items := r.Body["items"].([]any); len(items) != 1 || items[0].(map[string]any)["primary"] != true {
		t.Errorf("wife's guardians = %s", r.Raw)
	}

	// A resident nobody guards leaves no personal data behind.
	lone, _ := e.login("lone")
	profile["name"] = "孙阿姨"
	e.want(e.do("PUT", "/api/v1/me/profile", lone, profile), 200, "")
	loneOwn := int64(e.do("GET", "/api/v1/me", lone, nil).Body["person_id"].(float64))
	e.want(e.do("PATCH", fmt.Sprintf("/api/v1/persons/%d", loneOwn), lone, map[string]any{"phone": "13700001111", "id_card": idOther}), 200, "")
	e.want(e.do("DELETE", "/api/v1/me", lone, nil), 204, "")
	r = e.do("GET", fmt.Sprintf("/api/v1/persons/%d", loneOwn), staff, nil)
	if r.Body["name"] != "已注销" || r.Body["phone"] != nil || r.Body["id_card"] != nil || r.Body["room"] != "" {
		t.Errorf("erased record = %s", r.Raw)
	}
}

// TestPersonAuthorization proves, endpoint by endpoint, that a person the caller may not act
// for answers exactly as a missing one, and that staff routes need the role.
func TestPersonAuthorization(t *testing.T) {
	e := newEnv(t)
	cid, bs := e.community("中埂社区", "1幢")
	cid2, bs2 := e.community("西街社区", "1幢")
	staff, _ := e.staff("staff", cid)
	otherStaff, _ := e.staff("other-staff", cid2)
	guardian, guardianID := e.login("guardian")
	resident, _ := e.login("resident")
	e.want(e.do("PUT", "/api/v1/me/profile", resident, map[string]any{
		"name": "邻居", "community_id": cid, "building_id": bs[0], "unit": "1", "room": "1",
	}), 200, "")
	pid := e.id(e.do("POST", "/api/v1/persons", guardian, elder(bs[0], "李桂英", idElderF)))
	reqID := e.requestFor(staff, pid, guardianID)
	_ = bs2

	type call struct{ method, path string }
	personCalls := func(id any) []call {
		return []call{
			{"GET", fmt.Sprintf("/api/v1/persons/%v", id)},
			{"PATCH", fmt.Sprintf("/api/v1/persons/%v", id)},
			{"GET", fmt.Sprintf("/api/v1/persons/%v/guardians", id)},
			{"DELETE", fmt.Sprintf("/api/v1/persons/%v/guardians/%d", id, guardianID)},
			{"POST", fmt.Sprintf("/api/v1/persons/%v/guardians/%d/primary", id, guardianID)},
		}
	}
	// Asking to join (POST /persons/{id}/guardian-requests) is for persons the caller may not
	// see: TestIDCardGuessesAnsweredAlike checks it answers alike whatever the ID card.
	body := func(c call) any {
		switch {
		case c.method == "PATCH":
			return map[string]any{"room": "999"}
		case c.method == "POST":
			return map[string]any{}
		}
		return nil
	}
	// The answer to another's person, without its request id, is the answer to a missing one.
	shape := func(r resp) string {
		env := r.Body["error"].(map[string]any)
		return fmt.Sprintf("%d %v %v %v", r.Status, env["code"], env["message"], env["fields"])
	}
	for _, tok := range []string{resident, otherStaff} {
		missing := personCalls(99999999)
		for i, c := range personCalls(pid) {
			got := e.do(c.method, c.path, tok, body(c))
			e.want(got, 404, "not_found")
			absent := e.do(missing[i].method, missing[i].path, tok, body(missing[i]))
			if shape(got) != shape(absent) {
				t.Errorf("%s %s: %s, but for a missing person %s", c.method, c.path, shape(got), shape(absent))
			}
		}
		for _, bad := range []string{"abc", "-1", "0", "99999999999999999999"} {
			e.want(e.do("GET", "/api/v1/persons/"+bad, tok, nil), 404, "not_found")
		}
	}
	// Nothing changed.
	if r := e.do("GET", fmt.Sprintf("/api/v1/persons/%d", pid), guardian, nil); r.Body["room"] != "101" {
		t.Errorf("person changed by others: %s", r.Raw)
	}
	if r := e.do("GET", "/api/v1/persons", resident, nil); strings.Contains(string(r.Raw), "李桂英") {
		t.Errorf("resident's list shows another's person: %s", r.Raw)
	}

	// Staff routes: residents are forbidden; other communities' staff find nothing.
	staffCalls := []call{
		{"GET", "/api/v1/admin/persons"},
		{"GET", "/api/v1/admin/persons.csv"},
		{"POST", "/api/v1/admin/persons"},
		{"POST", fmt.Sprintf("/api/v1/admin/persons/%d/verify", pid)},
		{"GET", fmt.Sprintf("/api/v1/admin/persons/%d/audit", pid)},
		{"GET", "/api/v1/admin/guardian-requests?status=pending"},
		{"POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/approve", reqID)},
		{"POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/reject", reqID)},
	}
	for _, c := range staffCalls {
		e.want(e.do(c.method, c.path, resident, map[string]any{}), 403, "forbidden")
		e.want(e.do(c.method, c.path, guardian, map[string]any{}), 403, "forbidden")
	}
	for _, c := range staffCalls[3:5] {
		e.want(e.do(c.method, c.path, otherStaff, nil), 404, "not_found")
	}
	for _, c := range staffCalls[6:] {
		e.want(e.do(c.method, c.path, otherStaff, map[string]any{"reason": "不认识"}), 404, "not_found")
	}
	for _, path := range []string{"/api/v1/admin/persons", "/api/v1/admin/guardian-requests"} {
		if r := e.do("GET", path, otherStaff, nil); strings.Contains(string(r.Raw), "李桂英") {
			t.Errorf("%s shows another community's person: %s", path, r.Raw)
		}
	}
	if r := e.do("GET", "/api/v1/admin/persons.csv", otherStaff, nil); strings.Contains(string(r.Raw), "李桂英") {
		t.Errorf("export shows another community's person")
	}
	// The request is still pending: no one above decided it.
	if got := e.requestsOf(staff, "pending"); len(got) != 1 {
		t.Errorf("pending = %v", got)
	}
}

func TestStaffRegister(t *testing.T) {
	e := newEnv(t)
	cid, bs := e.community("中埂社区", "1幢", "2幢")
	staff, _ := e.staff("staff", cid)
	walkIn := func(name, idCard string, building int64, alone bool, care string, birth, gender string) int64 {
		b := elder(building, name, idCard)
		delete(b, "relation")
		b["living_alone"], b["care_level"], b["birth_date"], b["gender"] = alone, care, birth, gender
		r := e.do("POST", "/api/v1/admin/persons", staff, b)
		e.want(r, 201, "")
		if r.Body["verified"] != true || r.Body["guardianship"] != nil {
			t.Errorf("walk-in = %s", r.Raw)
		}
		return e.id(r)
	}
	walkIn("李桂英", idElderF, bs[0], true, "partly_dependent", "1945-03-05", "female")
	walkIn("张建国", idElderM, bs[1], false, "self_care", "1948-08-12", "male")
	walkIn("=HYPERLINK(\"x\")", "", bs[0], false, "fully_dependent", "1990-05-05", "male")
	walkIn("王秀兰", idX, bs[1], true, "fully_dependent", "1949-12-31", "female")
	// Two without ID cards, turning 80 today and tomorrow.
	today := time.Now().In(time.FixedZone("CST", 8*3600))
	walkIn("寿星", "", bs[0], false, "self_care", today.AddDate(-80, 0, 0).Format(time.DateOnly), "male")
	walkIn("差一天", "", bs[0], false, "self_care", today.AddDate(-80, 0, 1).Format(time.DateOnly), "male")

	names := func(query string) string {
		return strings.Join(e.walk("/api/v1/admin/persons?limit=2"+query, staff, "name"), ",")
	}
	for query, want := range map[string]string{
		"":                                  `李桂英,张建国,=HYPERLINK("x"),王秀兰,寿星,差一天`,
		"&q=桂":                              "",
		"&q=李":                              "李桂英",
		"&q=李桂英":                            "李桂英",
		"&q=lgy":                            "李桂英",
		"&q=ZJ":                             "张建国",
		"&q=hyper":                          `=HYPERLINK("x")`,
		"&q=s":                              "寿星",
		"&q=" + idElderM:                    "张建国",
		"&q=13800001234":                    `李桂英,张建国,=HYPERLINK("x"),王秀兰,寿星,差一天`,
		"&q=%25":                            "",
		"&building_id=" + fmt.Sprint(bs[1]): "张建国,王秀兰",
		"&living_alone=true":                "李桂英,王秀兰",
		"&min_age=80":                       "李桂英,寿星",
		"&min_age=70":                       "李桂英,张建国,王秀兰,寿星,差一天",
		"&care_level=fully_dependent":       `=HYPERLINK("x"),王秀兰`,
		"&living_alone=true&min_age=80":     "李桂英",
		"&verified=false":                   "",
		"&order=newest":                     `差一天,寿星,王秀兰,=HYPERLINK("x"),张建国,李桂英`,
		"&order=oldest&living_alone=true":   "李桂英,王秀兰",
	} {
		if got := names(query); got != want {
			t.Errorf("register %q = %s, want %s", query, got, want)
		}
	}
	for _, bad := range []string{"order=name", "min_age=x", "min_age=200", "living_alone=yes", "care_level=x", "building_id=-1", "q=" + strings.Repeat("x", 40)} {
		e.want(e.do("GET", "/api/v1/admin/persons?"+bad, staff, nil), 400, "invalid_request")
	}

	r := e.do("GET", "/api/v1/admin/persons.csv?living_alone=true", staff, nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", r.Status, r.Header)
	}
	text := string(r.Raw)
	if !strings.HasPrefix(text, "\uFEFF编号,姓名") || strings.Count(text, "\n") != 3 {
		t.Errorf("export =\n%s", text)
	}
	if !strings.Contains(text, "330702********0022") || strings.Contains(text, idElderF) || strings.Contains(text, "13800001234") {
		t.Errorf("export does not mask: %s", text)
	}
	r = e.do("GET", "/api/v1/admin/persons.csv", staff, nil)
	if !strings.Contains(string(r.Raw), `"'=HYPERLINK(""x"")"`) {
		t.Errorf("export does not escape a formula: %s", r.Raw)
	}
	if got := e.do("GET", "/api/v1/admin/persons.csv?min_age=x", staff, nil); got.Status != 400 {
		t.Errorf("bad export filter: %d", got.Status)
	}
}
