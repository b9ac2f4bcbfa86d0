package person

import (
	"context"
	"testing"
	"time"

	"github.com/linli/linli/server/internal/mysqltest"
)

func TestInitials(t *testing.T) {
	for name, want := range map[string]string{
		"王秀英":               "wxy",
		"李桂英":               "lgy",
		"欧阳 建国":             "oyjg",
		"张三2号":              "zs2h",
		"Anna 李":            "annal",
		"=HYPERLINK(\"x\")": "hyperlinkx",
		"":                  "",
	} {
		if got := Initials(name); got != want {
			t.Errorf("Initials(%q) = %q, want %q", name, got, want)
		}
	}
	long := ""
	for range 100 {
		long += "王"
	}
	if got := Initials(long); len(got) != maxInitials {
		t.Errorf("initials of 100 characters are %d long, want %d", len(got), maxInitials)
	}
	for q, want := range map[string]bool{"wxy": true, "WX": true, "w1": false, "王": false, "": false, "w y": false} {
		if got := initialsQuery(q); got != want {
			t.Errorf("initialsQuery(%q) = %v, want %v", q, got, want)
		}
	}
}

// Rows registered before the column existed are filled in by primary key, across batches, and a
// name changed meanwhile is left for its own write.
func TestFillInitials(t *testing.T) {
	db := mysqltest.NewDB(t)
	ctx := context.Background()
	now := time.Now().UTC()
	for i := range 1203 {
		name := "王秀英"
		if i%2 == 1 {
			name = "李桂英"
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO persons (community_id, name, building_id, created_at, updated_at)
			VALUES (1, ?, 1, ?, ?)`, name, now, now); err != nil {
			t.Fatal(err)
		}
	}
	n, err := FillInitials(ctx, db)
	if err != nil || n != 1203 {
		t.Fatalf("FillInitials = %d, %v; want 1203", n, err)
	}
	var wxy, lgy, none int
	if err := db.QueryRowContext(ctx, `SELECT SUM(name_initials = 'wxy'), SUM(name_initials = 'lgy'), SUM(name_initials IS NULL) FROM persons`).
		Scan(&wxy, &lgy, &none); err != nil {
		t.Fatal(err)
	}
	if wxy != 602 || lgy != 601 || none != 0 {
		t.Errorf("after filling: wxy %d, lgy %d, none %d; want 602, 601, 0", wxy, lgy, none)
	}
	if n, err := FillInitials(ctx, db); err != nil || n != 0 {
		t.Errorf("second FillInitials = %d, %v; want nothing to do", n, err)
	}
}
