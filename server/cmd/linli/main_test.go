package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/mysqltest"
	"github.com/linli/linli/server/internal/pii"
	"github.com/linli/linli/server/internal/redistest"
)

func getenv(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func openTestDB(t *testing.T, dsn string) *sql.DB {
	cfg, err := database.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	db, err := database.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrateCreatesDatabase(t *testing.T) {
	dsn := mysqltest.EmptyDSN(t)
	var out bytes.Buffer
	env := getenv(map[string]string{"LINLI_MYSQL_DSN": dsn})
	if err := run(context.Background(), []string{"migrate"}, env, &out, &out); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out.String())
	}
	// Twice is fine: nothing is pending.
	if err := run(context.Background(), []string{"migrate"}, env, &out, &out); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	var n int
	if err := openTestDB(t, dsn).QueryRow("SELECT COUNT(*) FROM communities").Scan(&n); err != nil {
		t.Errorf("communities table after migrate: %v", err)
	}
}

func TestAdminCommands(t *testing.T) {
	dsn := mysqltest.NewDSN(t)
	env := getenv(map[string]string{"LINLI_MYSQL_DSN": dsn})
	cmd := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, env, &out, &errOut); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errOut.String())
		}
		return strings.TrimSpace(out.String())
	}
	cid := cmd("admin", "create-community", "--name", "中埂社区", "--lat", "29.4519", "--lng", "119.8923")
	if _, err := strconv.ParseInt(cid, 10, 64); err != nil {
		t.Fatalf("create-community printed %q, want an id", cid)
	}
	db := openTestDB(t, dsn)
	place := func() string {
		t.Helper()
		var lat, lng sql.NullFloat64
		if err := db.QueryRow("SELECT lat, lng FROM communities WHERE id = ?", cid).Scan(&lat, &lng); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(lat.Float64, ",", lng.Float64, ",", lat.Valid)
	}
	if got := place(); got != "29.4519,119.8923,true" {
		t.Errorf("place after create-community = %s", got)
	}
	cmd("admin", "locate-community", "--community", cid, "--lat", "29.3", "--lng", "120.1")
	if got := place(); got != "29.3,120.1,true" {
		t.Errorf("place after locate-community = %s", got)
	}
	cmd("admin", "locate-community", "--community", cid)
	if got := place(); got != "0,0,false" {
		t.Errorf("place after clearing it = %s", got)
	}
	bid := cmd("admin", "add-building", "--community", cid, "--name", "1幢")
	if _, err := strconv.ParseInt(bid, 10, 64); err != nil {
		t.Fatalf("add-building printed %q, want an id", bid)
	}
	uid := cmd("admin", "grant", "--community", cid, "--openid", "fake-boss", "--role", "staff")
	var role string
	if err := db.QueryRow("SELECT role FROM user_roles WHERE user_id = ? AND community_id = ?", uid, cid).Scan(&role); err != nil || role != "staff" {
		t.Errorf("role after grant = %q, %v", role, err)
	}
	cmd("admin", "grant", "--community", cid, "--user", uid, "--role", "volunteer")
	cmd("admin", "revoke", "--community", cid, "--user", uid, "--role", "volunteer")

	for _, args := range [][]string{
		{"admin", "grant", "--community", cid, "--openid", "fake-x", "--role", "mayor"},
		{"admin", "grant", "--community", "999999", "--openid", "fake-x", "--role", "staff"},
		{"admin", "grant", "--community", cid, "--role", "staff"},
		{"admin", "revoke", "--community", cid, "--user", uid, "--role", "staff"}, // the last staff member
		{"admin", "add-building", "--community", cid, "--name", "1幢"},
		{"admin", "locate-community", "--community", cid, "--lat", "119.8923", "--lng", "29.4519"}, // swapped
		{"admin", "locate-community", "--community", cid, "--lat", "29.4519"},
		{"admin", "locate-community", "--community", "999999", "--lat", "29.4519", "--lng", "119.8923"},
		{"admin", "create-community", "--name", "西街社区", "--lat", "north", "--lng", "119.8923"},
		{"admin", "explode"},
		{"nonsense"},
		{},
	} {
		var out bytes.Buffer
		if err := run(context.Background(), args, env, &out, &out); err == nil {
			t.Errorf("%v succeeded, want an error", args)
		}
	}
}

// TestAdminReseal rotates the data key: a phone sealed with the old key is sealed again with
// the new one, and the command says when the old key may go.
func TestAdminReseal(t *testing.T) {
	dsn := mysqltest.NewDSN(t)
	oldKey, newKey := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	b64 := base64.StdEncoding.EncodeToString
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, getenv(map[string]string{"LINLI_MYSQL_DSN": dsn}), &out, &out); err != nil {
		t.Fatal(err)
	}
	db := openTestDB(t, dsn)
	old, _ := pii.NewBox(oldKey)
	if _, err := db.Exec(`INSERT INTO users (openid, phone_enc, phone_hash, created_at, updated_at) VALUES ('o', ?, ?, NOW(), NOW())`,
		old.Seal("13800001234"), old.Hash("13800001234")); err != nil {
		t.Fatal(err)
	}
	rotate := getenv(map[string]string{"LINLI_MYSQL_DSN": dsn, "LINLI_DATA_KEY": b64(newKey), "LINLI_DATA_KEY_VERSION": "2",
		"LINLI_DATA_KEY_PREVIOUS": b64(oldKey)})
	for i, want := range []string{"users.phone_enc: 1 sealed again", "users.phone_enc: 0 sealed again"} {
		out.Reset()
		if err := run(context.Background(), []string{"admin", "reseal", "--batch", "50"}, rotate, &out, &out); err != nil {
			t.Fatalf("run %d: %v\n%s", i, err, out.String())
		}
		if !strings.Contains(out.String(), want) || !strings.Contains(out.String(), "LINLI_DATA_KEY_PREVIOUS can be removed") {
			t.Errorf("run %d said:\n%s", i, out.String())
		}
	}
	var sealed []byte
	if err := db.QueryRow(`SELECT phone_enc FROM users WHERE openid = 'o'`).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	box, _ := pii.NewRotatingBox(newKey, 2, nil)
	if got, err := box.Open(sealed); err != nil || got != "13800001234" {
		t.Errorf("after reseal: %q, %v", got, err)
	}
	if err := run(context.Background(), []string{"admin", "reseal"}, getenv(map[string]string{"LINLI_MYSQL_DSN": dsn}), &out, &out); err == nil {
		t.Error("reseal ran without LINLI_DATA_KEY")
	}
}

func TestServeRefusesBadConfig(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"real mode without data key", map[string]string{"LINLI_WECHAT_APPID": "wx", "LINLI_WECHAT_SECRET": "s"}, "LINLI_DATA_KEY is required"},
		{"short data key", map[string]string{"LINLI_WECHAT_FAKE": "1", "LINLI_DATA_KEY": "YWJj"}, "32 bytes"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		err := run(context.Background(), []string{"serve"}, getenv(tt.env), &out, &out)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestServeDemoAndShutdown(t *testing.T) {
	dsn := mysqltest.EmptyDSN(t)
	// Its own key prefix, removed afterwards: sessions and login counters do not outlive the test.
	_, prefix := redistest.New(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	keyFile := filepath.Join(t.TempDir(), "data.key")
	env := getenv(map[string]string{
		"LINLI_MYSQL_DSN": dsn, "LINLI_REDIS_URL": redistest.URL(), "LINLI_WECHAT_FAKE": "1",
		"LINLI_HTTP_ADDR": addr, "LINLI_DATA_KEY_FILE": keyFile, "LINLI_REDIS_PREFIX": prefix,
	})
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "--demo"}, env, &out, &out) }()

	base := "http://" + addr
	var ready bool
	// Up to 30 s: a fresh database takes every migration first, slow on a loaded machine.
	for range 300 {
		if r, err := http.Get(base + "/readyz"); err == nil {
			r.Body.Close()
			ready = r.StatusCode == 200
			if ready {
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !ready {
		cancel()
		t.Fatalf("server never became ready:\n%s", out.String())
	}
	// login signs in with a demo code; get logs in and reads path.
	login := func(code string) string {
		r, err := http.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(`{"code":"`+code+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		var login struct {
			Token string `json:"token"`
		}
		err = json.NewDecoder(r.Body).Decode(&login)
		r.Body.Close()
		if err != nil || r.StatusCode != 200 {
			t.Fatalf("demo login %s = %d %v", code, r.StatusCode, err)
		}
		return login.Token
	}
	get := func(code, path string) string {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+login(code))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body bytes.Buffer
		body.ReadFrom(resp.Body)
		return body.String()
	}
	if me := get("demo-staff", "/api/v1/me"); !strings.Contains(me, `"role":"staff"`) {
		t.Errorf("demo staff = %s", me)
	}
	// The demo elder has two approved guardians, and one registration waits for staff.
	for _, code := range []string{"demo-resident", "demo-relative"} {
		if got := get(code, "/api/v1/persons"); !strings.Contains(got, `"name":"王秀英"`) || !strings.Contains(got, `"guardianship":"approved"`) {
			t.Errorf("%s's persons = %s", code, got)
		}
	}
	if got := get("demo-staff", "/api/v1/admin/guardian-requests?status=pending"); !strings.Contains(got, `"person_name":"李大爷"`) {
		t.Errorf("demo pending requests = %s", got)
	}
	// The canteen's week: 7 days of lunch and dinner, and the demo elder is subsidised.
	if got := get("demo-resident", "/api/v1/canteens/1/slots"); strings.Count(got, `"meal":"lunch"`) != 7 || strings.Count(got, `"meal":"dinner"`) != 7 {
		t.Errorf("demo menu = %s", got)
	}
	if got := get("demo-resident", "/api/v1/meal-quote?slot_id=3&person_id=3"); !strings.Contains(got, `"subsidy_fen":500`) {
		t.Errorf("demo elder's quote = %s", got)
	}
	// The parent university: 6 themes, 21 courses.
	if got := get("demo-resident", "/api/v1/course-themes?community_id=1"); strings.Count(got, `"theme"`) != 6 {
		t.Errorf("demo themes = %s", got)
	}
	if got := get("demo-resident", "/api/v1/courses?community_id=1&limit=100"); strings.Count(got, `"teacher"`) != 21 {
		t.Errorf("demo courses = %s", got)
	}
	// A report from building 1 reaches the grid worker through the running event pipeline.
	tok := login("demo-resident")
	req, _ := http.NewRequest("POST", base+"/api/v1/reports", strings.NewReader(`{"category":"repair","description":"楼道灯坏了","building_id":1,"urgency":"normal","photo_ids":[]}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		ID int64 `json:"id"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("demo report: %d", resp.StatusCode)
	}
	var status string
	for range 50 {
		if got := get("demo-resident", fmt.Sprintf("/api/v1/reports/%d", created.ID)); strings.Contains(got, `"status":"assigned"`) {
			status = "assigned"
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if status != "assigned" {
		t.Errorf("the demo report was never assigned")
	}
	if !strings.Contains(out.String(), `{"code":"demo-resident"}`) {
		t.Errorf("serve --demo did not print how to log in:\n%s", out.String())
	}
	if _, err := os.Stat(keyFile); err != nil {
		t.Errorf("no local data key was kept: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not shut down")
	}
}
