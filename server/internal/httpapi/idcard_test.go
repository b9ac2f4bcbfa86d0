package httpapi_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// Two more valid ID card numbers, on file nowhere.
const (
	idGuess1 = "330702194503050030" // male, born 1945-03-05
	idGuess2 = "330702194503050049" // female, born 1945-03-05
)

// shape is an answer with what differs between any two answers (ids, times, who asked, the
// request id) taken out: two answers of the same shape tell the caller the same thing.
func shape(t *testing.T, r resp) string {
	t.Helper()
	var v any
	if len(r.Raw) > 0 {
		if err := json.Unmarshal(r.Raw, &v); err != nil {
			t.Fatalf("answer is not JSON: %s", r.Raw)
		}
	}
	var strip func(v any)
	strip = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, k := range []string{"id", "created_at", "updated_at", "user_id", "user_name", "request_id", "next_cursor"} {
				delete(x, k)
			}
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
	out, _ := json.Marshal(v)
	return fmt.Sprintf("%d %s", r.Status, out)
}

type requestItem struct {
	ID            int64  `json:"id"`
	PersonID      *int64 `json:"person_id"`
	UserID        int64  `json:"user_id"`
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	IDCardMatched *bool  `json:"id_card_matched"`
	// OnFilePersonID is a held registration's record on file, to staff.
	OnFilePersonID *int64 `json:"on_file_person_id"`
}

// pendingRequests lists the community's pending requests as staff see them.
func (e *testEnv) pendingRequests(staff string) []requestItem {
	e.t.Helper()
	r := e.do("GET", "/api/v1/admin/guardian-requests?status=pending&limit=100", staff, nil)
	e.want(r, 200, "")
	return into[struct {
		Items []requestItem `json:"items"`
	}](e.t, r).Items
}

func (e *testEnv) requestOfUser(staff string, userID int64) requestItem {
	e.t.Helper()
	for _, r := range e.pendingRequests(staff) {
		if r.UserID == userID {
			return r
		}
	}
	e.t.Fatalf("no pending request of user %d", userID)
	return requestItem{}
}

// TestIDCardGuessesAnsweredAlike: a stranger who gives a person's ID card where the register is
// searched by it cannot tell a right guess from a wrong one by the answer, nor by what they can
// read afterwards, before staff decide; staff see which was which and decide. The table runs
// every endpoint that takes an ID card from someone who may not see the record it matches.
func TestIDCardGuessesAnsweredAlike(t *testing.T) {
	e := newEnv(t)
	g := e.guardedElder()
	cid, staff, pid := g.cid, g.staff, g.pid

	// Each guess comes from a stranger of its own, who reads what they can afterwards.
	stranger := g.stranger
	tests := []struct {
		name string
		// guess sends the stranger's guess; again sends it a second time.
		guess func(tok, idCard string) resp
	}{
		{"claim the record", func(tok, idCard string) resp {
			return e.do("POST", "/api/v1/me/claims", tok, map[string]any{"community_id": cid, "id_card": idCard})
		}},
		{"ask to join as a guardian", func(tok, idCard string) resp {
			return e.do("POST", fmt.Sprintf("/api/v1/persons/%d/guardian-requests", pid), tok, map[string]any{"relation": "child", "id_card": idCard})
		}},
	}
	for _, tt := range tests {
		right, rightID := stranger()
		wrong, wrongID := stranger()
		hit, miss := tt.guess(right, idElderF), tt.guess(wrong, idGuess1)
		if shape(t, hit) != shape(t, miss) || hit.Status != 201 {
			t.Errorf("%s: the right ID card answered %s, a wrong one %s", tt.name, shape(t, hit), shape(t, miss))
		}
		if into[requestItem](t, hit).PersonID != nil {
			t.Errorf("%s: the answer names the record: %s", tt.name, hit.Raw)
		}
		hit, miss = tt.guess(right, idElderF), tt.guess(wrong, idGuess2)
		if shape(t, hit) != shape(t, miss) {
			t.Errorf("%s, again: the right ID card answered %s, a wrong one %s", tt.name, shape(t, hit), shape(t, miss))
		}
		for _, path := range []string{"/api/v1/me/guardian-requests", "/api/v1/persons", "/api/v1/me/messages"} {
			if got, want := shape(t, e.do("GET", path, right, nil)), shape(t, e.do("GET", path, wrong, nil)); got != want {
				t.Errorf("%s: GET %s after the right ID card: %s, after a wrong one: %s", tt.name, path, got, want)
			}
		}
		// Staff see which was which; a wrong one cannot be approved, only rejected.
		rightReq, wrongReq := e.requestOfUser(staff, rightID), e.requestOfUser(staff, wrongID)
		if rightReq.IDCardMatched == nil || !*rightReq.IDCardMatched || wrongReq.IDCardMatched == nil || *wrongReq.IDCardMatched {
			t.Errorf("%s: staff see id_card_matched %v for the right guess and %v for the wrong one", tt.name, rightReq.IDCardMatched, wrongReq.IDCardMatched)
		}
		e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/approve", wrongReq.ID), staff, nil), 409, "id_card_mismatch")
		e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/reject", wrongReq.ID), staff, map[string]any{"reason": "身份证号不符"}), 200, "")
		e.want(e.do("POST", fmt.Sprintf("/api/v1/admin/guardian-requests/%d/reject", rightReq.ID), staff, map[string]any{"reason": "关系无法核实"}), 200, "")
		// After staff decided, still nothing names the record to either.
		for _, tok := range []string{right, wrong} {
			if r := e.do("GET", "/api/v1/me/guardian-requests", tok, nil); strings.Contains(string(r.Raw), `"person_id":`+fmt.Sprint(pid)) {
				t.Errorf("%s: a rejected request names the record: %s", tt.name, r.Raw)
			}
		}
	}

	// Registering or editing a record with it: TestIDCardOnFileAnsweredLikeANewRegistration.
}

// TestIDCardTriesLimited: a user gives ID cards (claims, joins, registrations and edits with
// one) at most IDCardTriesPerUser times an hour and a community takes IDCardTriesPerCommunity,
// right or wrong alike; beyond, 429 rate_limited, and the community's staff are told once in
// their inbox, without any number.
func TestIDCardTriesLimited(t *testing.T) {
	clk := &clock{t: time.Now()}
	e := newEnv(t, options{now: clk.Now})
	cid, bs := e.community("中埂社区", "1幢")
	staff, _ := e.staff("staff", cid)
	daughter, _ := e.login("daughter")
	pid := e.id(e.do("POST", "/api/v1/persons", daughter, elder(bs[0], "李桂英", idElderF)))
	prober, _ := e.login("prober")

	tries := []struct {
		name string
		try  func(tok string) resp
	}{
		{"claim", func(tok string) resp {
			return e.do("POST", "/api/v1/me/claims", tok, map[string]any{"community_id": cid, "id_card": idGuess1})
		}},
		{"join", func(tok string) resp {
			return e.do("POST", fmt.Sprintf("/api/v1/persons/%d/guardian-requests", pid), tok, map[string]any{"relation": "child", "id_card": idGuess1})
		}},
		{"register", func(tok string) resp {
			return e.do("POST", "/api/v1/persons", tok, elder(bs[0], "王某", idGuess2))
		}},
	}
	for i := range 10 {
		if r := tries[i%len(tries)].try(prober); r.Status == 429 {
			t.Fatalf("try %d (%s) limited: %s", i+1, tries[i%len(tries)].name, r.Raw)
		}
	}
	for _, tt := range tries {
		e.want(tt.try(prober), 429, "rate_limited")
	}
	// The right ID card is refused as well: the limit says nothing of it.
	e.want(e.do("POST", "/api/v1/me/claims", prober, map[string]any{"community_id": cid, "id_card": idElderF}), 429, "rate_limited")
	// Without an ID card nothing is searched, and a registration goes through.
	noCard := elder(bs[0], "赵某", "")
	delete(noCard, "id_card")
	e.want(e.do("POST", "/api/v1/persons", prober, noCard), 201, "")

	told := func() []string {
		r := e.do("GET", "/api/v1/me/messages", staff, nil)
		e.want(r, 200, "")
		var out []string
		for _, m := range into[struct {
			Items []struct {
				Kind  string `json:"kind"`
				Title string `json:"title"`
				Body  string `json:"body"`
			} `json:"items"`
		}](t, r).Items {
			if m.Kind == "id_card_tries" {
				out = append(out, m.Title+" "+m.Body)
			}
		}
		return out
	}
	digits := regexp.MustCompile(`\d{6,}`)
	if got := told(); len(got) != 1 || digits.MatchString(got[0]) || !strings.Contains(got[0], "prober") && !strings.Contains(got[0], "用户") {
		t.Errorf("staff were told %q, want one message naming the user and no number", got)
	}

	// An hour on, the user may try again.
	clk.Add(time.Hour)
	if r := tries[0].try(prober); r.Status == 429 {
		t.Errorf("an hour later: %s", r.Raw)
	}

	// Many users together: the community takes IDCardTriesPerCommunity an hour, then refuses
	// everyone, and its staff are told.
	clk.Add(time.Hour)
	refused := 0
	for u := range 7 {
		tok, _ := e.login(fmt.Sprintf("fleet-%d", u))
		for range 10 {
			if tries[0].try(tok).Status == 429 {
				refused++
			}
		}
	}
	if refused != 10 {
		t.Errorf("the community refused %d of 70 tries, want the 10 beyond 60", refused)
	}
	if got := told(); len(got) != 2 || !slices.ContainsFunc(got, func(m string) bool { return strings.Contains(m, "本社区") }) {
		t.Errorf("staff were told %q, want a second message about the community", got)
	}
	// Another community is not affected.
	west, _ := e.community("西街社区", "1幢")
	tok, _ := e.login("westerner")
	if r := e.do("POST", "/api/v1/me/claims", tok, map[string]any{"community_id": west, "id_card": idGuess1}); r.Status != 201 {
		t.Errorf("a claim in another community: %s", r.Raw)
	}
}
