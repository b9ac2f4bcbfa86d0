package wechat

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Fake is a small WeChat of our own: the endpoints we call, with WeChat's answers and limits
// (API.md, "Fake WeChat"). Tests and the local run reach it through NewHTTPClient's transport.
type Fake struct {
	now func() time.Time

	mu        sync.Mutex
	tokens    map[string]bool
	tokenHits int
	// requests counts every request the fake answered.
	requests int
	messages []FakeMessage
	// busy is how many subscribe sends to answer "system busy" (-1), as WeChat does when down.
	busy map[string]int
	// consents are what each user accepted, by openid and template id: one-time templates count
	// sends left; long-term ones (longTerm) are 1 while on.
	consents map[consentKey]int
	longTerm map[string]bool
}

type consentKey struct{ openid, templateID string }

// SetLongTerm marks template ids as long-term (长期订阅): accepted once, they send until rejected.
func (f *Fake) SetLongTerm(templateIDs ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range templateIDs {
		f.longTerm[id] = true
	}
}

// Subscribe is the user's answer in wx.requestSubscribeMessage. accept adds one send of a one-time
// template, or turns a long-term one on; a refusal adds nothing, or turns a long-term one off. It
// answers the sends now allowed (for a long-term template, 1 while on).
func (f *Fake) Subscribe(openid, templateID string, accept bool) (remaining int, longTerm bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := consentKey{openid, templateID}
	longTerm = f.longTerm[templateID]
	switch {
	case longTerm && accept:
		f.consents[k] = 1
	case longTerm:
		delete(f.consents, k)
	case accept:
		f.consents[k]++
	}
	return f.consents[k], longTerm
}

// Busy makes the next n subscribe sends to a user answer errcode -1 (WeChat busy): nothing is
// delivered, and a retry may succeed.
func (f *Fake) Busy(touser string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.busy == nil {
		f.busy = map[string]int{}
	}
	f.busy[touser] = n
}

// FakeMessage is a subscribe message the fake kept.
type FakeMessage struct {
	ToUser     string            `json:"touser"`
	TemplateID string            `json:"template_id"`
	Page       string            `json:"page"`
	Data       map[string]string `json:"data"`
	SentAt     time.Time         `json:"sent_at"`
}

// NewFake returns an empty fake WeChat.
func NewFake(now func() time.Time) *Fake {
	return &Fake{now: now, tokens: map[string]bool{}, consents: map[consentKey]int{}, longTerm: map[string]bool{}}
}

// ServeHTTP answers as WeChat does.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests++
	f.mu.Unlock()
	switch r.URL.Path {
	case "/cgi-bin/token":
		f.token(w, r.URL.Query().Get("appid"), r.URL.Query().Get("secret"))
	case "/cgi-bin/stable_token":
		var req struct {
			AppID  string `json:"appid"`
			Secret string `json:"secret"`
		}
		if json.NewDecoder(r.Body).Decode(&req) != nil {
			writeErr(w, 47001, "data format error")
			return
		}
		f.token(w, req.AppID, req.Secret)
	case "/sns/jscode2session":
		code := r.URL.Query().Get("js_code")
		if code == "" || code == "invalid" || strings.HasPrefix(code, "bad-") {
			writeErr(w, codeInvalidCode, "invalid code")
			return
		}
		writeJSON(w, map[string]any{"openid": "fake-" + code, "session_key": randHex(12)})
	case "/wxa/business/getuserphonenumber":
		if !f.authorized(w, r) {
			return
		}
		var req struct {
			Code string `json:"code"`
		}
		if json.NewDecoder(r.Body).Decode(&req) != nil || req.Code == "" || req.Code == "invalid" || strings.HasPrefix(req.Code, "bad-") {
			writeErr(w, codeInvalidCode, "invalid code")
			return
		}
		phone := FakePhone(req.Code)
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "phone_info": map[string]any{
			"phoneNumber": phone, "purePhoneNumber": phone, "countryCode": "86",
		}})
	case "/cgi-bin/message/subscribe/send":
		if !f.authorized(w, r) {
			return
		}
		f.send(w, r)
	case "/wxa/msg_sec_check":
		if !f.authorized(w, r) {
			return
		}
		var req struct {
			Content string `json:"content"`
			OpenID  string `json:"openid"`
			Version int    `json:"version"`
		}
		if json.NewDecoder(r.Body).Decode(&req) != nil || req.Version != 2 || req.OpenID == "" {
			writeErr(w, 40003, "invalid openid or request")
			return
		}
		suggest := "pass"
		switch {
		case strings.Contains(req.Content, "违禁"):
			suggest = "risky"
		case strings.Contains(req.Content, "待审"):
			suggest = "review"
		}
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "trace_id": randHex(8),
			"result": map[string]any{"suggest": suggest, "label": 100}})
	case "/_fake/wechat/messages":
		f.ServeMessages(w, r)
	default:
		http.NotFound(w, r)
	}
}

// Start serves the fake on a loopback port, for NewHTTPClient to point at, until stop is called.
func (f *Fake) Start() (addr *url.URL, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, fmt.Errorf("fake wechat: %w", err)
	}
	srv := &http.Server{Handler: f, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &url.URL{Scheme: "http", Host: ln.Addr().String()}, func() { _ = srv.Close() }, nil
}

// ServeMessages lists the kept subscribe messages: {items: [...]}.
func (f *Fake) ServeMessages(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, map[string]any{"items": f.Messages()})
}

// Messages returns a copy of the kept subscribe messages, oldest first.
func (f *Fake) Messages() []FakeMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FakeMessage{}, f.messages...)
}

// ExpireTokens makes every access token issued so far answer 42001, as WeChat does when one
// expires early.
func (f *Fake) ExpireTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k := range f.tokens {
		f.tokens[k] = false
	}
}

// Requests counts the requests the fake answered.
func (f *Fake) Requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

// TokenFetches counts the access tokens handed out.
func (f *Fake) TokenFetches() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokenHits
}

// FakePhone is the phone number the fake gives for a getPhoneNumber code: 138 and 8 digits from
// the first four bytes of SHA-256(code).
func FakePhone(code string) string {
	sum := sha256.Sum256([]byte(code))
	return fmt.Sprintf("138%08d", binary.BigEndian.Uint32(sum[:4])%100000000)
}

func (f *Fake) token(w http.ResponseWriter, appid, secret string) {
	if appid == "" || secret == "" {
		writeErr(w, 40013, "invalid appid")
		return
	}
	tok := "fake-token-" + randHex(16)
	f.mu.Lock()
	f.tokens[tok] = true
	f.tokenHits++
	f.mu.Unlock()
	writeJSON(w, map[string]any{"access_token": tok, "expires_in": 7200})
}

func (f *Fake) authorized(w http.ResponseWriter, r *http.Request) bool {
	f.mu.Lock()
	valid, known := f.tokens[r.URL.Query().Get("access_token")]
	f.mu.Unlock()
	switch {
	case !known:
		writeErr(w, codeInvalidToken, "invalid credential, access_token is invalid or not latest")
		return false
	case !valid:
		writeErr(w, codeTokenExpired, "access_token expired")
		return false
	}
	return true
}

func (f *Fake) send(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ToUser     string `json:"touser"`
		TemplateID string `json:"template_id"`
		Page       string `json:"page"`
		Data       map[string]struct {
			Value any `json:"value"`
		} `json:"data"`
	}
	if json.NewDecoder(r.Body).Decode(&req) != nil || req.ToUser == "" || req.TemplateID == "" {
		writeErr(w, 47001, "data format error")
		return
	}
	data := make(map[string]string, len(req.Data))
	for k, v := range req.Data {
		s := fmt.Sprint(v.Value)
		if limit, ok := fieldLimits[FieldType(k)]; ok && utf8.RuneCountInString(s) > limit {
			writeErr(w, CodeDataTooLong, "argument invalid! data."+k+".value exceeds limit")
			return
		}
		data[k] = s
	}
	f.mu.Lock()
	if f.busy[req.ToUser] > 0 {
		f.busy[req.ToUser]--
		f.mu.Unlock()
		writeErr(w, -1, "system error")
		return
	}
	// WeChat's consent rule: a send needs the user's acceptance, one per send for a one-time
	// template.
	k := consentKey{req.ToUser, req.TemplateID}
	if f.consents[k] == 0 {
		f.mu.Unlock()
		writeErr(w, CodeNoConsent, "user refuse to accept the msg")
		return
	}
	if !f.longTerm[req.TemplateID] {
		f.consents[k]--
	}
	f.messages = append(f.messages, FakeMessage{ToUser: req.ToUser, TemplateID: req.TemplateID, Page: req.Page, Data: data, SentAt: f.now().UTC()})
	f.mu.Unlock()
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "msgid": time.Now().UnixNano()})
}

func writeErr(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, map[string]any{"errcode": code, "errmsg": msg + " rid: " + randHex(6)})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
