package querycheck

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/history"
	"github.com/linli/linli/server/internal/mysqltest"
)

// The guard finds the plans that grew with history before they were fixed (issue 13's table),
// and passes their fixed forms.
func TestCheck(t *testing.T) {
	db := mysqltest.NewDB(t)
	ctx := context.Background()
	if _, err := history.Seed(ctx, db, history.Options{Scale: 0.02}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	stmt := func(q string, args ...any) database.Statement { return database.Statement{Query: q, Args: args} }
	bad := map[string]database.Statement{
		"a resident's orders through a subquery": stmt(`SELECT o.id FROM meal_orders o WHERE o.person_id IN (SELECT id FROM persons WHERE owner_user_id = ?
			UNION SELECT person_id FROM guardians WHERE user_id = ?) AND o.status <> 'pending' ORDER BY o.created_at DESC, o.id DESC LIMIT ?`, 3, 3, 21),
		"users found by a name anywhere":     stmt(`SELECT id FROM users WHERE community_id = ? AND deleted_at IS NULL AND name LIKE ?`, 1, "%秀%"),
		"a community's reports, all of them": stmt(`SELECT r.id FROM reports r WHERE r.community_id = ? AND (r.status = ? OR ? = '') ORDER BY r.created_at DESC, r.id DESC`, 1, "", ""),
		"orders of a month sorted by creation": stmt(`SELECT o.id FROM meal_orders o WHERE o.community_id = ? AND o.meal_date >= ? ORDER BY o.created_at LIMIT ?`,
			1, now.AddDate(0, -6, 0).Format(time.DateOnly), 20),
		"events by topic": stmt(`SELECT id FROM outbox WHERE topic = ?`, "report.submitted"),
	}
	for name, st := range bad {
		res, err := Check(ctx, db, []database.Statement{st})
		if err != nil || res.Explained != 1 {
			t.Fatalf("%s: explained %d, %v", name, res.Explained, err)
		}
		if len(res.Findings) == 0 {
			t.Errorf("%s: the guard found nothing", name)
		}
	}
	good := map[string]database.Statement{
		"a person's page of orders": stmt(`SELECT o.id FROM meal_orders o WHERE o.person_id = ? AND o.status <> 'pending' AND TRUE
			ORDER BY o.created_at DESC, o.id DESC LIMIT ?`, 3, 21),
		"pending orders in flight":  stmt(`SELECT id FROM meal_orders WHERE status = 'pending' AND created_at < ? LIMIT ?`, now, 200),
		"assigned reports past due": stmt(`SELECT id FROM reports WHERE status = 'assigned' AND accept_by < ? ORDER BY accept_by LIMIT ?`, now, 200),
		"a name's start":            stmt(`SELECT p.id FROM persons p WHERE p.community_id = ? AND p.name LIKE ? ORDER BY p.created_at, p.id LIMIT ?`, 1, "王秀%", 21),
		"an insert":                 stmt(`INSERT INTO messages (user_id) VALUES (?)`, 1),
	}
	for name, st := range good {
		res, err := Check(ctx, db, []database.Statement{st})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, f := range res.Findings {
			t.Errorf("%s: %s", name, f)
		}
	}
	if !allowed(strings.ReplaceAll(Allow[0].Match, " ", "\n\t ")) {
		t.Error("an allowed statement laid out on other lines is not allowed")
	}
}
