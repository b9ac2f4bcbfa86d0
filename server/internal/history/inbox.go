package history

import (
	"encoding/json"
	"slices"
	"strconv"
	"sync"
	"time"
)

// message is an inbox entry a generator found the app would have written, with its push when
// the app queues one.
type message struct {
	at                      time.Time
	user                    int // index into world.users
	comm                    int
	dedup                   string
	kind, title, body, page string
	push                    *push
}

type push struct {
	template string
	data     map[string]string
}

// inbox gathers the messages of every generator; they are written last, thinned to the
// volume the history is given (the recent ones all kept).
type inbox struct {
	mu   sync.Mutex
	list []message
}

// newInbox is an inbox for the messages of a history of the scale: about three for each one
// kept in the end.
func newInbox(scale float64) *inbox {
	return &inbox{list: make([]message, 0, 3*scaled(volMessages, scale, 1))}
}

func (in *inbox) add(ms []message) {
	in.mu.Lock()
	in.list = append(in.list, ms...)
	in.mu.Unlock()
}

// spill hands a generator's messages over once there are many, and answers the slice to go on
// with: appending to a long slice would copy it again and again.
func (in *inbox) spill(ms []message) []message {
	if len(ms) < 4096 {
		return ms
	}
	in.add(ms)
	return ms[:0]
}

// keepAll is how far back every message is kept: an inbox's first pages are whole.
const keepAll = 60 * 24 * time.Hour

var (
	tMessages = newTable("messages", "id", "community_id", "user_id", "dedup_key", "kind", "title", "body", "page", "created_at", "read_at")
	tPushes   = newTable("push_outbox", "id", "community_id", "user_id", "dedup_key", "template_key", "page", "data", "status", "attempts",
		"next_at", "error", "created_at", "sent_at")
)

// writeInbox writes the messages in the order they were made, with their pushes: most read and
// sent long ago, some never read, some pushes not sent for want of the user's consent.
func (w *world) writeInbox(s *sink, in *inbox) {
	r := rng(9)
	list := in.list
	slices.SortStableFunc(list, func(a, b message) int { return a.at.Compare(b.at) })
	first := slices.IndexFunc(list, func(m message) bool { return m.at.After(w.now.Add(-keepAll)) })
	if first < 0 {
		first = len(list)
	}
	recent := len(list) - first
	keep := 1.0
	if old := len(list) - recent; old > 0 {
		keep = min(1, float64(scaled(volMessages, w.o.Scale, 1)-recent)/float64(old))
	}
	ms, ps := s.batch(tMessages), s.batch(tPushes)
	cut := w.now.Add(-keepAll)
	// A message is written once per user and key, as notify's ON DUPLICATE KEY makes it.
	seen := make(map[string]bool, len(list))
	for _, m := range list {
		key := strconv.Itoa(m.user) + " " + m.dedup
		if m.at.After(w.now) || seen[key] || (m.at.Before(cut) && !chance(r, keep)) {
			continue
		}
		seen[key] = true
		u := w.users[m.user]
		c := w.comms[m.comm].id
		var read time.Time
		if p := map[bool]float64{true: 0.95, false: 0.4}[m.at.Before(w.now.Add(-72*time.Hour))]; chance(r, p) {
			read = minTime(m.at.Add(minutes(10+r.IntN(2*24*60))), w.now)
		}
		ms.Row().Int(w.ids.next("messages")).Int(c).Int(u.id).Str(m.dedup).Str(m.kind).Str(cut64(m.title)).Str(cut512(m.body)).
			Str(m.page).Time(m.at).Time(read).End()
		if m.push == nil {
			continue
		}
		data, _ := json.Marshal(m.push.data)
		status, attempts, errText, sent, next := "sent", int64(1), "", m.at.Add(300*time.Millisecond), m.at
		switch x := r.Float64(); {
		case x < 0.14:
			status, sent = "no_consent", time.Time{}
		case x < 0.15:
			status, attempts, errText, sent, next = "failed", 5, "wechat: system busy (-1)", time.Time{}, m.at.Add(31*time.Minute)
		}
		ps.Row().Int(w.ids.next("push_outbox")).Int(c).Int(u.id).Str(m.dedup).Str(m.push.template).Str(m.page).Str(string(data)).
			Str(status).Int(attempts).Time(next).Str(errText).Time(m.at).Time(sent).End()
	}
	ms.Flush()
	ps.Flush()
}

// cut64 and cut512 keep a title and a body to their columns, as notify does.
func cut64(s string) string  { return cutRunes(s, 64) }
func cut512(s string) string { return cutRunes(s, 512) }

func cutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// watchers are the users told about a person at t: its own account and its guardians
// (registrations pending or approved, joins once approved), as person.Watchers reads them.
func (w *world) watchers(pi int, t time.Time) []int {
	p := &w.persons[pi]
	var out []int
	if p.owner >= 0 {
		out = append(out, p.owner)
	}
	for _, g := range p.guardians {
		if g.askedAt.After(t) || (g.kind != "register" && !g.approved(t)) {
			continue
		}
		if !slices.Contains(out, g.user) {
			out = append(out, g.user)
		}
	}
	return out
}
