package wechat

import (
	"context"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/linli/linli/server/internal/redistest"
)

var fake *Fake

func TestMain(m *testing.M) {
	fake = NewFake(time.Now)
	u, stop, err := fake.Start()
	if err != nil {
		panic(err)
	}
	util.DefaultHTTPClient = NewHTTPClient(u)
	code := m.Run()
	stop()
	os.Exit(code)
}

func newClient(t *testing.T) *Client {
	rdb, prefix := redistest.New(t)
	return New(Config{AppID: "wxtest", Secret: "s3cr3t-value"}, NewCache(rdb, prefix))
}

func TestCode2Session(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	openid, err := c.Code2Session(ctx, "abc")
	if err != nil || openid != "fake-abc" {
		t.Errorf("Code2Session(abc) = %q, %v; want fake-abc", openid, err)
	}
	for _, code := range []string{"invalid", "bad-x"} {
		if _, err := c.Code2Session(ctx, code); !errors.Is(err, ErrInvalidCode) {
			t.Errorf("Code2Session(%s) err = %v, want ErrInvalidCode", code, err)
		}
	}
	// Codes not of WeChat's shape never reach WeChat: a "&" would add query parameters.
	sent := fake.Requests()
	for _, code := range []string{"a b", `a"b`, "x&grant_type=other", "a/b", "中文", strings.Repeat("a", 129), ""} {
		if _, err := c.Code2Session(ctx, code); !errors.Is(err, ErrInvalidCode) {
			t.Errorf("Code2Session(%q) err = %v, want ErrInvalidCode", code, err)
		}
		if _, err := c.PhoneNumber(ctx, code); !errors.Is(err, ErrInvalidCode) {
			t.Errorf("PhoneNumber(%q) err = %v, want ErrInvalidCode", code, err)
		}
	}
	if got := fake.Requests(); got != sent {
		t.Errorf("malformed codes reached WeChat: %d requests", got-sent)
	}
	// Were one to get past the shape check, it would still be one value of the query: WeChat
	// (the fake) hears the code whole, with no added parameter.
	for _, code := range []string{"x&grant_type=other", "a b", "p+q=r"} {
		if openid, err := c.code2session(ctx, code); err != nil || openid != "fake-"+code {
			t.Errorf("code2session(%q) = %q, %v; want the code sent escaped", code, openid, err)
		}
	}
}

func TestPhoneNumberAndTokenRefresh(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	phone, err := c.PhoneNumber(ctx, "p1")
	if err != nil || phone != FakePhone("p1") || len(phone) != 11 || !strings.HasPrefix(phone, "138") {
		t.Fatalf("PhoneNumber = %q, %v", phone, err)
	}
	before := fake.TokenFetches()
	if _, err := c.PhoneNumber(ctx, "p2"); err != nil {
		t.Fatal(err)
	}
	if fake.TokenFetches() != before {
		t.Error("a cached token was fetched again")
	}
	// WeChat expires the token early: the client refreshes it and retries once.
	fake.ExpireTokens()
	if _, err := c.PhoneNumber(ctx, "p3"); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if fake.TokenFetches() == before {
		t.Error("an expired token was not refreshed")
	}
	if _, err := c.PhoneNumber(ctx, "invalid"); !errors.Is(err, ErrInvalidCode) {
		t.Errorf("PhoneNumber(invalid) err = %v, want ErrInvalidCode", err)
	}
}

func TestSendSubscribeFitsLimits(t *testing.T) {
	c := newClient(t)
	fake.Subscribe("fake-sub", "report_assigned", true)
	err := c.SendSubscribe(context.Background(), Message{
		ToUser: "fake-sub", TemplateID: "report_assigned", Page: "/pages/report/detail/index?id=7",
		Data: map[string]string{"thing1": strings.Repeat("楼", 30), "name2": "欧阳一二三四五六七八九", "phrase3": "处理中请稍候", "time4": "2026-11-26 10:00"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got *FakeMessage
	for _, m := range fake.Messages() {
		if m.ToUser == "fake-sub" {
			got = &m
		}
	}
	if got == nil {
		t.Fatal("the fake kept no message")
	}
	if got.Page != "pages/report/detail/index?id=7" {
		t.Errorf("page = %q, want it without the leading slash", got.Page)
	}
	if n := len([]rune(got.Data["thing1"])); n != 20 {
		t.Errorf("thing1 has %d characters, want 20", n)
	}
	if n := len([]rune(got.Data["phrase3"])); n != 5 {
		t.Errorf("phrase3 has %d characters, want 5", n)
	}
	if got.Data["time4"] != "2026-11-26 10:00" {
		t.Errorf("time4 = %q, changed", got.Data["time4"])
	}
}

func TestCheckText(t *testing.T) {
	c := newClient(t)
	tests := []struct {
		give string
		want Verdict
	}{
		{"楼道灯坏了", VerdictPass},
		{"这里有违禁内容", VerdictRisky},
		{"这段待审", VerdictReview},
	}
	for _, tt := range tests {
		got, err := c.CheckText(context.Background(), "fake-u", tt.give)
		if err != nil || got != tt.want {
			t.Errorf("CheckText(%q) = %q, %v; want %q", tt.give, got, err, tt.want)
		}
	}
	if _, err := c.CheckText(context.Background(), "fake-u", strings.Repeat("字", MaxCheckedText+1)); err == nil {
		t.Error("CheckText accepted text over the limit")
	}
}

func TestErrorsCarryNoSecrets(t *testing.T) {
	rdb, prefix := redistest.New(t)
	saved := util.DefaultHTTPClient
	// Point at a closed port so the library fails with the URL in its error.
	util.DefaultHTTPClient = NewHTTPClient(&url.URL{Scheme: "http", Host: "127.0.0.1:1"})
	defer func() { util.DefaultHTTPClient = saved }()
	c := New(Config{AppID: "wxtest", Secret: "s3cr3t-value"}, NewCache(rdb, prefix))
	_, err := c.Code2Session(context.Background(), "code-123")
	if err == nil {
		t.Fatal("no error from a closed port")
	}
	if strings.Contains(err.Error(), "s3cr3t-value") || strings.Contains(err.Error(), "code-123") {
		t.Errorf("error leaks a secret: %v", err)
	}
	_, err = c.PhoneNumber(context.Background(), "p")
	if err == nil || strings.Contains(err.Error(), "s3cr3t-value") {
		t.Errorf("token error leaks the secret: %v", err)
	}
}

func TestRedactAndFit(t *testing.T) {
	got := Redact(`Get "https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=abc": dial`)
	if strings.Contains(got, "abc") || strings.Contains(got, "wx1") {
		t.Errorf("Redact left a credential: %s", got)
	}
	if got := Redact("x?access_token=TOKEN123&y=1"); strings.Contains(got, "TOKEN123") {
		t.Errorf("Redact left the token: %s", got)
	}
	tests := []struct{ key, give, want string }{
		{"thing1", "短", "短"},
		{"name12", "一二三四五六七八九十十一", "一二三四五六七八九…"},
		{"phrase3", "一二三四五六", "一二三四…"},
		{"date4", strings.Repeat("x", 50), strings.Repeat("x", 50)},
	}
	for _, tt := range tests {
		if got := FitField(tt.key, tt.give); got != tt.want {
			t.Errorf("FitField(%s, %q) = %q, want %q", tt.key, tt.give, got, tt.want)
		}
	}
}

func TestFakeKeepsWeChatsConsentRules(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	send := func(to, tpl string) error {
		return c.SendSubscribe(ctx, Message{ToUser: to, TemplateID: tpl, Page: "pages/home/index", Data: map[string]string{"thing1": "x"}})
	}
	// No acceptance, no send: 43101 as WeChat answers.
	if err := send("fake-c1", "meal_notice"); ErrCode(err) != CodeNoConsent {
		t.Errorf("send without consent = %v, want %d", err, CodeNoConsent)
	}
	// One-time: one send per acceptance; a refusal adds none.
	fake.Subscribe("fake-c1", "meal_notice", true)
	fake.Subscribe("fake-c1", "meal_notice", false)
	if left, long := fake.Subscribe("fake-c1", "meal_notice", true); left != 2 || long {
		t.Errorf("after two acceptances = %d, %v", left, long)
	}
	for i, want := range []int64{0, 0, CodeNoConsent} {
		if got := ErrCode(send("fake-c1", "meal_notice")); got != want {
			t.Errorf("send %d = %d, want %d", i+1, got, want)
		}
	}
	// Long-term: accepted once, sends until refused.
	fake.SetLongTerm("report_assigned_lt")
	fake.Subscribe("fake-c2", "report_assigned_lt", true)
	for i := range 3 {
		if err := send("fake-c2", "report_assigned_lt"); err != nil {
			t.Errorf("long-term send %d = %v", i+1, err)
		}
	}
	if left, long := fake.Subscribe("fake-c2", "report_assigned_lt", false); left != 0 || !long {
		t.Errorf("after refusal = %d, %v", left, long)
	}
	if err := send("fake-c2", "report_assigned_lt"); ErrCode(err) != CodeNoConsent {
		t.Errorf("long-term send after refusal = %v", err)
	}
}
