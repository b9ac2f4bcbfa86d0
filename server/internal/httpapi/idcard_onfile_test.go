package httpapi_test

import (
	"encoding/json"
	"fmt"
	"testing"
)

// noCard is shape without the masked ID card and the record's id, which two answers about
// different ID cards differ in.
func noCard(t *testing.T, r resp) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(r.Raw, &v); err != nil {
		t.Fatalf("answer is not JSON: %s", r.Raw)
	}
	var strip func(v any)
	strip = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "id_card")
			delete(x, "person_id") // each its own record
			for _, c := range x {
				strip(c)
			}
		case []any:
			for _, c := range x {
				strip(c)
			}
		}
	}
	strip(v)
	raw, _ := json.Marshal(v)
	return shape(t, resp{Status: r.Status, Raw: raw})
}

// TestIDCardOnFileAnsweredLikeANewRegistration: a stranger who registers a relative, or edits a
// record they manage, with an ID card on file in the community is answered exactly as with a
// new one, and reads the same afterwards; the registration is held aside for staff, who see the
// record on file and decide. Whoever may see that record is told which it is.
func TestIDCardOnFileAnsweredLikeANewRegistration(t *testing.T) {
	e := newEnv(t)
	g := e.guardedElder()
	bs, staff, daughter, pid := g.bs, g.staff, g.daughter, g.pid

	stranger := g.stranger
	register := func(tok, idCard string) resp {
		return e.do("POST", "/api/v1/persons", tok, elder(bs[0], "李桂英", idCard))
	}

	right, rightID := stranger()
	wrong, wrongID := stranger()
	hit, miss := register(right, idElderF), register(wrong, idGuess2)
	if noCard(t, hit) != noCard(t, miss) || hit.Status != 201 {
		t.Fatalf("registering: the right ID card answered %s, a wrong one %s", noCard(t, hit), noCard(t, miss))
	}
	held, fresh := e.id(hit), e.id(miss)
	if held == pid {
		t.Fatalf("the answer names the record on file")
	}
	// Again: each is told of their own registration, alike.
	hit, miss = register(right, idElderF), register(wrong, idGuess2)
	e.want(hit, 409, "person_exists")
	e.want(miss, 409, "person_exists")
	if got, want := hit.Body["error"].(map[string]any)["person_id"], miss.Body["error"].(map[string]any)["person_id"]; got != float64(held) || want != float64(fresh) {
		t.Errorf("registering again names %v and %v, want their own %d and %d", got, want, held, fresh)
	}
	for _, path := range []string{"/api/v1/persons", "/api/v1/me/guardian-requests", "/api/v1/me/messages"} {
		if got, want := noCard(t, e.do("GET", path, right, nil)), noCard(t, e.do("GET", path, wrong, nil)); got != want {
			t.Errorf("GET %s after the right ID card: %s, after a wrong one: %s", path, got, want)
		}
	}
	if got, want := noCard(t, e.do("GET", fmt.Sprintf("/api/v1/persons/%d", held), right, nil)),
		noCard(t, e.do("GET", fmt.Sprintf("/api/v1/persons/%d", fresh), wrong, nil)); got != want {
		t.Errorf("reading the registration: the right ID card %s, a wrong one %s", got, want)
	}
	// Editing it, and other fields, reads alike too.
	for tok, id := range map[string]int64{right: held, wrong: fresh} {
		e.want(e.do("PATCH", fmt.Sprintf("/api/v1/persons/%d", id), tok, map[string]any{"room": "102"}), 200, "")
	}

	// Staff see which matched a record on file.
	rightReq, wrongReq := e.requestOfUser(staff, rightID), e.requestOfUser(staff, wrongID)
	if rightReq.OnFilePersonID == nil || *rightReq.OnFilePersonID != pid || rightReq.IDCardMatched == nil || !*rightReq.IDCardMatched {
		t.Errorf("staff see the held registration as %+v, want on_file_person_id %d", rightReq, pid)
	}
	if wrongReq.OnFilePersonID != nil || wrongReq.IDCardMatched != nil {
		t.Errorf("staff see the new registration as %+v", wrongReq)
	}
	if trail := e.auditOf(staff, pid); trail[0].Action != "id_card_conflict" {
		t.Errorf("audit trail of the record on file = %+v, want the conflict first", trail)
	}
	// Approved: the stranger guards the record on file, and the held one is gone.
	e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/approve", rightReq.ID), staff, nil), 200, "")
	r := e.do("GET", "/api/v1/persons", right, nil)
	items := r.Body["items"].([]any)
	var guards []string
	for _, it := range items {
		m := it.(map[string]any)
		guards = append(guards, fmt.Sprint(m["id"], ":", m["guardianship"]))
	}
	if fmt.Sprint(guards) != fmt.Sprint([]string{fmt.Sprint(e.do("GET", "/api/v1/me", right, nil).Body["person_id"], ":self"), fmt.Sprint(pid, ":approved")}) {
		t.Errorf("after approval the stranger manages %v", guards)
	}
	e.want(e.do("GET", fmt.Sprintf("/api/v1/persons/%d", held), right, nil), 404, "not_found")

	// Rejected: the held record is gone as well.
	third, thirdID := stranger()
	e.want(register(third, idElderF), 201, "")
	req := e.requestOfUser(staff, thirdID)
	e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/reject", req.ID), staff, map[string]any{"reason": "已有档案"}), 200, "")
	if got := e.do("GET", "/api/v1/persons", third, nil).Body["items"].([]any); len(got) != 1 {
		t.Errorf("after rejection the stranger manages %v", got)
	}
	e.want(e.do("GET", fmt.Sprintf("/api/v1/persons/%d", *req.PersonID), third, nil), 404, "not_found")

	// Writing it into a record one manages: answered like any new ID card.
	a, _ := stranger()
	b, _ := stranger()
	ownA := int64(e.do("GET", "/api/v1/me", a, nil).Body["person_id"].(float64))
	ownB := int64(e.do("GET", "/api/v1/me", b, nil).Body["person_id"].(float64))
	hit = e.do("PATCH", fmt.Sprintf("/api/v1/persons/%d", ownA), a, map[string]any{"id_card": idElderF, "gender": "female", "birth_date": "1945-03-05"})
	miss = e.do("PATCH", fmt.Sprintf("/api/v1/persons/%d", ownB), b, map[string]any{"id_card": idGuess2, "gender": "female", "birth_date": "1945-03-05"})
	if noCard(t, hit) != noCard(t, miss) || hit.Status != 200 {
		t.Errorf("editing: the right ID card answered %s, a wrong one %s", noCard(t, hit), noCard(t, miss))
	}
	if trail := e.auditOf(staff, pid); trail[0].Action != "id_card_conflict" {
		t.Errorf("audit trail of the record on file = %+v, want the conflict first", trail)
	}
	// The record on file still answers to its ID card alone.
	if got := e.walk("/api/v1/admin/persons?q="+idElderF, staff, "name"); len(got) != 1 || got[0] != "李桂英" {
		t.Errorf("staff searching by the ID card find %v, want only the record on file", got)
	}

	// A guardian, and staff at the counter, are told which record it is.
	for name, call := range map[string]func() resp{
		"guardian": func() resp { return register(daughter, idElderF) },
		"staff": func() resp {
			b := elder(bs[0], "李桂英", idElderF)
			delete(b, "relation")
			return e.do("POST", "/api/v1/admin/persons", staff, b)
		},
	} {
		r := call()
		e.want(r, 409, "person_exists")
		if got := r.Body["error"].(map[string]any)["person_id"]; got != float64(pid) {
			t.Errorf("person_exists to the %s names %v, want %d", name, got, pid)
		}
	}
}
