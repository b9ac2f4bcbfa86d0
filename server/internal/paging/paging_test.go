package paging

import (
	"cmp"
	"slices"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	c := Cursor{At: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), ID: 42}
	tests := []struct {
		limit, cursor string
		wantLimit     int
		wantAfter     *Cursor
		wantErr       bool
	}{
		{"", "", DefaultLimit, nil, false},
		{"5", c.String(), 5, &c, false},
		{"0", "", 0, nil, true},
		{"101", "", 0, nil, true},
		{"x", "", 0, nil, true},
		{"", "!!", 0, nil, true},
		{"", "YWJj", 0, nil, true},
	}
	for _, tt := range tests {
		got, err := Parse(tt.limit, tt.cursor)
		if (err != nil) != tt.wantErr {
			t.Errorf("Parse(%q, %q) err = %v, wantErr %v", tt.limit, tt.cursor, err, tt.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		if got.Limit != tt.wantLimit {
			t.Errorf("Parse(%q) limit = %d, want %d", tt.limit, got.Limit, tt.wantLimit)
		}
		if (got.After == nil) != (tt.wantAfter == nil) || (got.After != nil && (!got.After.At.Equal(tt.wantAfter.At) || got.After.ID != tt.wantAfter.ID)) {
			t.Errorf("Parse(%q) after = %v, want %v", tt.cursor, got.After, tt.wantAfter)
		}
	}
}

func TestTrim(t *testing.T) {
	key := func(i int) Cursor { return Cursor{At: time.Unix(int64(i), 0), ID: int64(i)} }
	rows, next := Trim([]int{1, 2, 3}, 2, key)
	if len(rows) != 2 || next != key(2).String() {
		t.Errorf("Trim = %v, %q; want [1 2] and the cursor of 2", rows, next)
	}
	rows, next = Trim([]int{1, 2}, 2, key)
	if len(rows) != 2 || next != "" {
		t.Errorf("Trim at end = %v, %q; want [1 2] and no cursor", rows, next)
	}
}

func TestParseByID(t *testing.T) {
	tests := []struct {
		limit, cursor string
		want          ByID
		wantErr       bool
	}{
		{"", "", ByID{Limit: DefaultLimit}, false},
		{"7", IDCursor(123456789), ByID{Limit: 7, After: 123456789}, false},
		{"101", "", ByID{}, true},
		{"", "!!", ByID{}, true},
		{"", IDCursor(0), ByID{}, true},
		{"", Cursor{At: time.Unix(1, 0), ID: 2}.String(), ByID{}, true}, // a time cursor is no id
	}
	for _, tt := range tests {
		got, err := ParseByID(tt.limit, tt.cursor)
		if (err != nil) != tt.wantErr || (err == nil && got != tt.want) {
			t.Errorf("ParseByID(%q, %q) = %+v, %v; want %+v, error %v", tt.limit, tt.cursor, got, err, tt.want, tt.wantErr)
		}
	}
	rows, next := TrimByID([]int64{4, 9, 12}, 2, func(i int64) int64 { return i })
	if len(rows) != 2 || next != IDCursor(9) {
		t.Errorf("TrimByID = %v, %q; want [4 9] and the cursor of 9", rows, next)
	}
	if rows, next = TrimByID([]int64{4}, 2, func(i int64) int64 { return i }); len(rows) != 1 || next != "" {
		t.Errorf("TrimByID at end = %v, %q", rows, next)
	}
}

// OfEach merges each key's page into one, in either order, keeps a row two keys share once and
// pages on: walking it gives every row once, whatever the page size.
func TestOfEach(t *testing.T) {
	base := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	type row struct {
		key int
		c   Cursor
	}
	// Keys 1 and 2 share row 5 (a report both made and about a guarded person, say).
	var rows []row
	for i := range 12 {
		rows = append(rows, row{key: 1 + i%3, c: Cursor{At: base.Add(time.Duration(i/2) * time.Minute), ID: int64(i + 1)}})
	}
	rows = append(rows, row{key: 2, c: rows[4].c})
	for _, o := range []Order{Newest, Oldest} {
		for _, limit := range []int{1, 2, 5, 20} {
			p := Page{Limit: limit}
			var got []int64
			for pages := 0; ; pages++ {
				if pages > 20 {
					t.Fatal("no end")
				}
				page, next, err := OfEach([]int{1, 2, 3}, p, o, func(k int) ([]Cursor, error) {
					var out []Cursor
					for _, r := range rows {
						if r.key != k {
							continue
						}
						after := p.After == nil || r.c.At.After(p.After.At) || (r.c.At.Equal(p.After.At) && r.c.ID > p.After.ID)
						if o == Newest {
							after = p.After == nil || r.c.At.Before(p.After.At) || (r.c.At.Equal(p.After.At) && r.c.ID < p.After.ID)
						}
						if after {
							out = append(out, r.c)
						}
					}
					slices.SortFunc(out, func(a, b Cursor) int {
						c := a.At.Compare(b.At)
						if c == 0 {
							c = cmp.Compare(a.ID, b.ID)
						}
						if o == Newest {
							c = -c
						}
						return c
					})
					return out[:min(len(out), p.Limit+1)], nil
				}, func(c Cursor) Cursor { return c })
				if err != nil {
					t.Fatal(err)
				}
				if len(page) > limit {
					t.Fatalf("%s limit %d: a page of %d", o, limit, len(page))
				}
				for _, c := range page {
					got = append(got, c.ID)
				}
				if next == "" {
					break
				}
				c, _ := decode(next)
				p.After = &c
			}
			want := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
			if o == Newest {
				slices.Reverse(want)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s, limit %d: walked %v, want %v", o, limit, got, want)
			}
		}
	}
}
