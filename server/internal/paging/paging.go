// Package paging reads list parameters (?limit=&cursor=) and writes the next cursor. Lists are
// ordered by a timestamp with the id as tie-break, never by the id alone: TiDB's ids are not
// monotonic.
package paging

import (
	"cmp"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/linli/linli/server/internal/validation"
)

// Limits of a page.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// Cursor is the position after the last item of a page.
type Cursor struct {
	At time.Time
	ID int64
}

// Page is what a list call asks for.
type Page struct {
	Limit int
	// After is nil for the first page.
	After *Cursor
}

// Parse reads limit and cursor as the query string gives them.
func Parse(limit, cursor string) (Page, error) {
	n, err := parseLimit(limit)
	if err != nil {
		return Page{}, err
	}
	p := Page{Limit: n}
	if cursor != "" {
		c, ok := decode(cursor)
		if !ok {
			return Page{}, validation.Field("cursor", validation.Invalid)
		}
		p.After = &c
	}
	return p, nil
}

func parseLimit(limit string) (int, error) {
	if limit == "" {
		return DefaultLimit, nil
	}
	n, err := strconv.Atoi(limit)
	if err != nil || n < 1 || n > MaxLimit {
		return 0, validation.Field("limit", "应为 1 到 100 之间的整数")
	}
	return n, nil
}

// ByID is what a list keyed by an id asks for: one that is not a stream of rows in time but a
// set of keys (a month's report per person, say), where the id alone orders it. After is 0 on
// the first page.
type ByID struct {
	Limit int
	After int64
}

// ParseByID reads limit and cursor as the query string gives them, for a list keyed by an id.
func ParseByID(limit, cursor string) (ByID, error) {
	n, err := parseLimit(limit)
	if err != nil {
		return ByID{}, err
	}
	p := ByID{Limit: n}
	if cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(cursor)
		id, err2 := strconv.ParseInt(string(raw), 36, 64)
		if err != nil || err2 != nil || id < 1 {
			return ByID{}, validation.Field("cursor", validation.Invalid)
		}
		p.After = id
	}
	return p, nil
}

// IDCursor encodes the id of a page's last item for next_cursor.
func IDCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 36)))
}

// TrimByID is Trim for a list keyed by an id.
func TrimByID[T any](rows []T, limit int, id func(T) int64) ([]T, string) {
	if len(rows) <= limit {
		return rows, ""
	}
	rows = rows[:limit]
	return rows, IDCursor(id(rows[limit-1]))
}

// String encodes the cursor for next_cursor.
func (c Cursor) String() string {
	raw := strconv.FormatInt(c.At.UnixNano(), 36) + "." + strconv.FormatInt(c.ID, 36)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decode(s string) (Cursor, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, false
	}
	a, b, ok := strings.Cut(string(raw), ".")
	if !ok {
		return Cursor{}, false
	}
	ns, err1 := strconv.ParseInt(a, 36, 64)
	id, err2 := strconv.ParseInt(b, 36, 64)
	if err1 != nil || err2 != nil || id < 1 {
		return Cursor{}, false
	}
	return Cursor{At: time.Unix(0, ns).UTC(), ID: id}, true
}

// Trim cuts rows, fetched with Limit+1 to learn whether more follow, to the page, and returns
// the next cursor ("" at the end of the list).
func Trim[T any](rows []T, limit int, key func(T) Cursor) ([]T, string) {
	if len(rows) <= limit {
		return rows, ""
	}
	rows = rows[:limit]
	return rows, key(rows[limit-1]).String()
}

// OfEach pages through the rows of several keys together (the persons a user manages, say), in
// order o by (at, id). load reads one key's page: at most Limit+1 rows after the cursor, in that
// order, through an index on (key, at, id), so the cost is a page per key however long the
// history. The pages are merged, a row two keys share is kept once, and the result is trimmed as
// Trim does. One query with `key IN (...)` would instead read and sort every row of every key.
func OfEach[K, T any](keys []K, p Page, o Order, load func(key K) ([]T, error), key func(T) Cursor) ([]T, string, error) {
	var all []T
	for _, k := range keys {
		rows, err := load(k)
		if err != nil {
			return nil, "", err
		}
		all = append(all, rows...)
	}
	slices.SortFunc(all, func(a, b T) int {
		ka, kb := key(a), key(b)
		c := ka.At.Compare(kb.At)
		if c == 0 {
			c = cmp.Compare(ka.ID, kb.ID)
		}
		if o == Newest {
			return -c
		}
		return c
	})
	all = slices.CompactFunc(all, func(a, b T) bool { return key(a).ID == key(b).ID })
	if all == nil {
		all = []T{}
	}
	rows, next := Trim(all, p.Limit, key)
	return rows, next, nil
}

// WhereNewest is Where for lists ordered newest first (at DESC, id DESC).
func (p Page) WhereNewest(atCol, idCol string) (string, []any) {
	if p.After == nil {
		return "TRUE", nil
	}
	return "(" + atCol + " < ? OR (" + atCol + " = ? AND " + idCol + " < ?))", []any{p.After.At, p.After.At, p.After.ID}
}

// Where is the keyset condition for rows after the cursor, on columns at and id, and its args.
// It is "TRUE" with no args on the first page.
func (p Page) Where(atCol, idCol string) (string, []any) {
	if p.After == nil {
		return "TRUE", nil
	}
	return "(" + atCol + " > ? OR (" + atCol + " = ? AND " + idCol + " > ?))", []any{p.After.At, p.After.At, p.After.ID}
}

// Order is the direction of a list staff may turn around, by its time.
type Order string

// Orders.
const (
	Newest Order = "newest"
	Oldest Order = "oldest"
)

// ParseOrder reads ?order=, def when it is empty.
func ParseOrder(v string, def Order) (Order, error) {
	switch Order(v) {
	case "":
		return def, nil
	case Newest, Oldest:
		return Order(v), nil
	}
	return "", validation.Field("order", "应为 newest 或 oldest")
}

// Keyset is the keyset condition (with its args) and the ORDER BY for a list on columns at and
// id in order o.
func (p Page) Keyset(atCol, idCol string, o Order) (string, []any, string) {
	if o == Newest {
		where, args := p.WhereNewest(atCol, idCol)
		return where, args, atCol + " DESC, " + idCol + " DESC"
	}
	where, args := p.Where(atCol, idCol)
	return where, args, atCol + ", " + idCol
}
