package reseal_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/linli/linli/server/internal/mysqltest"
	"github.com/linli/linli/server/internal/pii"
	"github.com/linli/linli/server/internal/reseal"
)

func TestResealRotatesEverySealedColumn(t *testing.T) {
	db := mysqltest.NewDB(t)
	ctx := context.Background()
	oldKey, newKey := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	old, _ := pii.NewBox(oldKey)
	now := time.Now().UTC()
	const rows = 7 // more than a batch
	for i := range rows {
		phone := "1380000000" + string(rune('0'+i))
		res, err := db.Exec(`INSERT INTO users (openid, phone_enc, phone_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			"o"+phone, old.Seal(phone), old.Hash(phone), now, now)
		if err != nil {
			t.Fatal(err)
		}
		uid, _ := res.LastInsertId()
		idCard := "33070219900101123" + string(rune('0'+i))
		if _, err := db.Exec(`INSERT INTO persons (community_id, owner_user_id, name, building_id, id_card_enc, id_card_hash, phone_enc, phone_hash,
			contacts_enc, created_at, updated_at) VALUES (1, ?, '某人', 1, ?, ?, ?, ?, ?, ?, ?)`,
			uid, old.Seal(idCard), old.Hash(idCard), old.Seal(phone), old.Hash(phone), old.Seal(`[{"name":"李强"}]`), now, now); err != nil {
			t.Fatal(err)
		}
	}
	// A person without numbers is left alone.
	if _, err := db.Exec(`INSERT INTO persons (community_id, name, building_id, created_at, updated_at) VALUES (1, '无号码', 1, ?, ?)`, now, now); err != nil {
		t.Fatal(err)
	}

	box, err := pii.NewRotatingBox(newKey, 2, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := reseal.Stale(ctx, db, box); err != nil || n != rows*4 {
		t.Fatalf("stale before = %d, %v", n, err)
	}
	counts, err := reseal.Run(ctx, db, box, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range counts {
		if c.Resealed != rows {
			t.Errorf("%s: %d resealed, want %d", c.Column, c.Resealed, rows)
		}
	}
	if n, err := reseal.Stale(ctx, db, box); err != nil || n != 0 {
		t.Errorf("stale after = %d, %v", n, err)
	}
	// Again: nothing to do (it resumes where it stopped).
	counts, _ = reseal.Run(ctx, db, box, 3)
	for _, c := range counts {
		if c.Resealed != 0 {
			t.Errorf("second run resealed %d of %s", c.Resealed, c.Column)
		}
	}

	// The new key alone opens everything, and the hashes are the new key's.
	done, _ := pii.NewRotatingBox(newKey, 2, nil)
	rs, err := db.Query(`SELECT p.id_card_enc, p.id_card_hash, p.phone_enc, p.phone_hash, p.contacts_enc, u.phone_enc, u.phone_hash
		FROM persons p JOIN users u ON u.id = p.owner_user_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	seen := 0
	for rs.Next() {
		var idEnc, idHash, phEnc, phHash, contacts, uEnc, uHash []byte
		if err := rs.Scan(&idEnc, &idHash, &phEnc, &phHash, &contacts, &uEnc, &uHash); err != nil {
			t.Fatal(err)
		}
		id, err1 := done.Open(idEnc)
		ph, err2 := done.Open(phEnc)
		ct, err3 := done.Open(contacts)
		uph, err4 := done.Open(uEnc)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil || ct != `[{"name":"李强"}]` || uph != ph {
			t.Fatalf("row does not open with the new key: %v %v %v %v", err1, err2, err3, err4)
		}
		if !bytes.Equal(idHash, done.Hash(id)) || !bytes.Equal(phHash, done.Hash(ph)) || !bytes.Equal(uHash, done.Hash(uph)) {
			t.Errorf("hashes of %s are not the new key's", id)
		}
		seen++
	}
	if seen != rows {
		t.Errorf("%d rows read", seen)
	}
}

func TestResealStopsAtAValueNoKeyOpens(t *testing.T) {
	db := mysqltest.NewDB(t)
	stranger, _ := pii.NewRotatingBox(bytes.Repeat([]byte{9}, 32), 1, nil)
	now := time.Now().UTC()
	if _, err := db.Exec(`INSERT INTO users (openid, phone_enc, phone_hash, created_at, updated_at) VALUES ('x', ?, ?, ?, ?)`,
		stranger.Seal("13800000000"), stranger.Hash("13800000000"), now, now); err != nil {
		t.Fatal(err)
	}
	box, _ := pii.NewRotatingBox(bytes.Repeat([]byte{2}, 32), 2, bytes.Repeat([]byte{1}, 32))
	if _, err := reseal.Run(context.Background(), db, box, 10); err == nil {
		t.Error("a value sealed with an unknown key was passed over silently")
	}
}
