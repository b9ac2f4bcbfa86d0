package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/linli/linli/server/internal/app"
	"github.com/linli/linli/server/internal/pii"
	"github.com/linli/linli/server/internal/reseal"
	"github.com/linli/linli/server/internal/wechat"
)

// TestDataKeyRotation runs the rotation of docs/operations.md against the API: while both keys
// are held, records sealed under the old key are found by ID card and phone and still refuse a
// duplicate; after the reseal, the new key alone serves them.
func TestDataKeyRotation(t *testing.T) {
	w := newCanteenWorld(t)
	oldKey, newKey := bytes.Repeat([]byte{42}, 32), bytes.Repeat([]byte{43}, 32)
	restart := func(previous []byte) *testEnv {
		a, err := app.New(app.Options{
			DB: w.db, Redis: w.rdb, KeyPrefix: w.prefix, Log: slog.New(slog.DiscardHandler), Now: time.Now,
			DataKey: newKey, DataKeyVersion: 2, PreviousDataKey: previous,
			WeChat:         wechat.New(wechat.Config{AppID: "wxtest", Secret: "test-secret"}, wechat.NewCache(w.rdb, w.prefix)),
			TrustedProxies: []string{"127.0.0.1"}, Fake: fake, LoginsPerMinute: 1000, UploadDir: t.TempDir(), PublicURL: "https://linli.test",
		})
		if err != nil {
			t.Fatal(err)
		}
		e := *w.testEnv
		e.app, e.h = a, a.Handler
		return &e
	}
	found := func(e *testEnv, q string) []string { return e.walk("/api/v1/admin/persons?q="+q, w.staff, "name") }

	other, otherID := w.login("another-relative")
	during := restart(oldKey)
	if got := found(during, idElderF); len(got) != 1 || got[0] != "王秀英" {
		t.Errorf("by ID card during the rotation: %v", got)
	}
	if got := found(during, "13800001234"); len(got) != 1 {
		t.Errorf("by phone during the rotation: %v", got)
	}
	// Registered again by someone who may not see it, the ID card under the old key is still found:
	// the registration is held aside for staff, who see the record on file.
	r := during.do("POST", "/api/v1/persons", other, elder(w.bs[1], "王秀英", idElderF))
	during.want(r, 201, "")
	held := during.id(r)
	if req := during.requestOfUser(w.staff, otherID); req.OnFilePersonID == nil || *req.OnFilePersonID != w.mother {
		t.Errorf("during the rotation the registration is filed as %+v, want held for person %d", req, w.mother)
	}
	r = during.do("GET", fmt.Sprintf("/api/v1/persons/%d", w.mother), w.resident, nil)
	if r.Status != 200 || r.Body["id_card"] != "330702********0022" {
		t.Errorf("the old key's record during the rotation: %s", r.Raw)
	}

	box, _ := pii.NewRotatingBox(newKey, 2, oldKey)
	if _, err := reseal.Run(context.Background(), w.db, box, 100); err != nil {
		t.Fatal(err)
	}
	after := restart(nil)
	if got := found(after, idElderF); len(got) != 1 {
		t.Errorf("by ID card after the rotation: %v", got)
	}
	// The held record, resealed without a hash, is still found by the one who holds it.
	r = after.do("POST", "/api/v1/persons", other, elder(w.bs[1], "王秀英", idElderF))
	after.want(r, 409, "person_exists")
	if got := r.Body["error"].(map[string]any)["person_id"]; got != float64(held) {
		t.Errorf("after the rotation registering again names %v, want the held record %d", got, held)
	}
	var hashed int
	if err := w.db.QueryRow(`SELECT COUNT(*) FROM persons WHERE id = ? AND id_card_hash IS NOT NULL`, held).Scan(&hashed); err != nil || hashed != 0 {
		t.Errorf("the held record was given a hash by the rotation (%d, %v)", hashed, err)
	}
	if r := after.do("GET", fmt.Sprintf("/api/v1/persons/%d", w.mother), w.resident, nil); r.Body["phone"] != "138****1234" {
		t.Errorf("after the rotation: %s", r.Raw)
	}
}
