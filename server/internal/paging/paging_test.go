package paging

import (
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
