// Package wechat is our client of WeChat's mini-program API over silenceper/wechat/v2, the
// go-redis v9 cache for its access token, and the fake WeChat used by tests and local runs.
package wechat

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	wxcache "github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/credential"
	"github.com/silenceper/wechat/v2/miniprogram"
	mpconfig "github.com/silenceper/wechat/v2/miniprogram/config"
	"github.com/silenceper/wechat/v2/miniprogram/security"
	"github.com/silenceper/wechat/v2/miniprogram/subscribe"
	"github.com/silenceper/wechat/v2/util"
)

// WeChat error codes we act on.
const (
	codeInvalidCode    = 40029 // js_code or phone code is invalid
	codeCodeUsed       = 40163 // js_code was used already
	codeCodeBlocked    = 40226 // user is blocked by risk control
	codeInvalidToken   = 40001
	codeTokenExpired   = 42001
	codeInvalidTokenFm = 40014
	// CodeNoConsent is the subscribe-send answer when the user has no consent left.
	CodeNoConsent = 43101
	// CodeDataTooLong is the subscribe-send answer when a data value broke WeChat's limits.
	CodeDataTooLong = 47003
)

// ErrInvalidCode is returned when WeChat refuses a login or phone code.
var ErrInvalidCode = errors.New("wechat: code refused")

// Config names the mini-program.
type Config struct {
	AppID  string
	Secret string
}

// Client calls WeChat. Its HTTP client is util.DefaultHTTPClient, set once by the caller
// (NewHTTPClient): the library reads that global on every call.
type Client struct {
	mp    *miniprogram.MiniProgram
	token *tokenSource
}

// New builds the client. cache holds the access token, shared by all replicas; the stable token
// endpoint is used so that replicas never invalidate each other's token.
func New(cfg Config, cache wxcache.Cache) *Client {
	mp := miniprogram.NewMiniProgram(&mpconfig.Config{
		AppID:       cfg.AppID,
		AppSecret:   cfg.Secret,
		Cache:       cache,
		UseStableAK: true,
	})
	stable, _ := credential.NewStableAccessToken(cfg.AppID, cfg.Secret, credential.CacheKeyMiniProgramPrefix, cache).(*credential.StableAccessToken)
	ts := &tokenSource{stable: stable, cache: cache, key: "access_token:" + cfg.AppID}
	mp.SetAccessTokenContextHandle(ts)
	return &Client{mp: mp, token: ts}
}

// codeShape is what WeChat's login and phone codes look like. A code of any other shape is
// refused here: the library puts the code into a query string unescaped, so a "&" would add
// parameters to the request, and quotes or spaces made a malformed request (a 500).
var codeShape = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// CodeShape tells whether code has the shape of a WeChat login or phone code.
func CodeShape(code string) bool { return codeShape.MatchString(code) }

// Code2Session exchanges a wx.login code for the user's openid. The session key is dropped:
// no flow of ours needs it.
func (c *Client) Code2Session(ctx context.Context, code string) (string, error) {
	if !codeShape.MatchString(code) {
		return "", ErrInvalidCode
	}
	return c.code2session(ctx, code)
}

// code2session asks WeChat for the code's openid. The library writes the code into the query
// unescaped, so it is escaped here too: whatever the shape check lets through stays one value.
func (c *Client) code2session(ctx context.Context, code string) (string, error) {
	res, err := c.mp.GetAuth().Code2SessionContext(ctx, url.QueryEscape(code))
	switch res.ErrCode {
	case 0:
	case codeInvalidCode, codeCodeUsed, codeCodeBlocked:
		return "", ErrInvalidCode
	default:
		return "", fmt.Errorf("code2session: errcode %d", res.ErrCode)
	}
	if err != nil {
		return "", fmt.Errorf("code2session: %w", redactErr(err))
	}
	if res.OpenID == "" {
		return "", errors.New("code2session: no openid in answer")
	}
	return res.OpenID, nil
}

// PhoneNumber exchanges a getPhoneNumber code for the user's phone number (without country code).
func (c *Client) PhoneNumber(ctx context.Context, code string) (string, error) {
	if !codeShape.MatchString(code) {
		return "", ErrInvalidCode
	}
	var phone string
	err := c.withToken(ctx, func() error {
		res, err := c.mp.GetAuth().GetPhoneNumberContext(ctx, code)
		if err != nil {
			return err
		}
		phone = res.PhoneInfo.PurePhoneNumber
		if phone == "" {
			phone = res.PhoneInfo.PhoneNumber
		}
		return nil
	})
	if ErrCode(err) == codeInvalidCode {
		return "", ErrInvalidCode
	}
	if err != nil {
		return "", fmt.Errorf("get phone number: %w", err)
	}
	return phone, nil
}

// Message is a subscribe message. Data maps a template field (thing1, name2, ...) to its value.
type Message struct {
	ToUser     string
	TemplateID string
	Page       string
	Data       map[string]string
}

// SendSubscribe sends a subscribe message, cutting every value to WeChat's limit for its field
// type first. The page goes without a leading slash, as WeChat wants it (our inbox keeps the
// slash that wx.navigateTo needs). ErrCode(err) tells CodeNoConsent apart.
func (c *Client) SendSubscribe(ctx context.Context, m Message) error {
	data := make(map[string]*subscribe.DataItem, len(m.Data))
	for k, v := range m.Data {
		data[k] = &subscribe.DataItem{Value: FitField(k, v)}
	}
	msg := &subscribe.Message{ToUser: m.ToUser, TemplateID: m.TemplateID, Page: strings.TrimPrefix(m.Page, "/"), Data: data, Lang: "zh_CN"}
	err := c.withToken(ctx, func() error { return c.mp.GetSubscribe().Send(msg) })
	if err != nil {
		return fmt.Errorf("send subscribe message: %w", err)
	}
	return nil
}

// Verdict is the answer of the text check.
type Verdict string

// Text check verdicts.
const (
	VerdictPass   Verdict = "pass"
	VerdictReview Verdict = "review"
	VerdictRisky  Verdict = "risky"
)

// MaxCheckedText is msgSecCheck's limit, in characters.
const MaxCheckedText = 2500

// CheckText runs msgSecCheck (v2) on text written by the user with openid, who must have used
// the mini-program within two hours.
func (c *Client) CheckText(ctx context.Context, openid, text string) (Verdict, error) {
	if utf8.RuneCountInString(text) > MaxCheckedText {
		return "", fmt.Errorf("check text: longer than %d characters", MaxCheckedText)
	}
	var res security.MsgCheckResponse
	err := c.withToken(ctx, func() error {
		var err error
		res, err = c.mp.GetSecurity().MsgCheckContext(ctx, &security.MsgCheckRequest{OpenID: openid, Scene: 2, Content: text})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("check text: %w", err)
	}
	switch Verdict(res.Result.Suggest) {
	case VerdictPass, VerdictReview, VerdictRisky:
		return Verdict(res.Result.Suggest), nil
	}
	return "", fmt.Errorf("check text: unknown suggestion %q", res.Result.Suggest)
}

// withToken runs call; when WeChat says the access token is invalid or expired, it fetches a
// fresh one (the library never force-refreshes the stable token) and tries once more.
func (c *Client) withToken(ctx context.Context, call func() error) error {
	err := call()
	switch ErrCode(err) {
	case codeInvalidToken, codeTokenExpired, codeInvalidTokenFm:
		if rerr := c.token.refresh(ctx); rerr != nil {
			return rerr
		}
		err = call()
	}
	return redactErr(err)
}

// ErrCode is WeChat's errcode in err, or 0.
func ErrCode(err error) int64 {
	var ce *util.CommonError
	if errors.As(err, &ce) {
		return ce.ErrCode
	}
	return 0
}

func unwrapCommon(err error) error {
	var ce *util.CommonError
	if errors.As(err, &ce) {
		return ce
	}
	return nil
}

// Field limits of subscribe messages, in characters, by field type.
var fieldLimits = map[string]int{"thing": 20, "name": 10, "phrase": 5, "character_string": 32, "letter": 32, "car_number": 8}

// FieldType is the type part of a template field key: "thing" for "thing12".
func FieldType(key string) string {
	i := len(key)
	for i > 0 && key[i-1] >= '0' && key[i-1] <= '9' {
		i--
	}
	return key[:i]
}

// FitField cuts v to the limit of the field key's type, ending with "…" when cut.
func FitField(key, v string) string {
	limit, ok := fieldLimits[FieldType(key)]
	if !ok || utf8.RuneCountInString(v) <= limit {
		return v
	}
	r := []rune(v)
	if limit <= 1 {
		return string(r[:limit])
	}
	return string(r[:limit-1]) + "…"
}

// tokenSource keeps the stable access token in our Redis cache and can force a refresh.
type tokenSource struct {
	stable *credential.StableAccessToken
	cache  wxcache.Cache
	key    string
	mu     sync.Mutex
}

func (t *tokenSource) GetAccessToken() (string, error) {
	return t.GetAccessTokenContext(context.Background())
}

func (t *tokenSource) GetAccessTokenContext(ctx context.Context) (string, error) {
	if v, ok := wxcache.GetContext(ctx, t.cache, t.key).(string); ok && v != "" {
		return v, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if v, ok := wxcache.GetContext(ctx, t.cache, t.key).(string); ok && v != "" {
		return v, nil
	}
	return t.fetch(ctx, false)
}

func (t *tokenSource) refresh(ctx context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, err := t.fetch(ctx, true)
	return err
}

func (t *tokenSource) fetch(ctx context.Context, force bool) (string, error) {
	res, err := t.stable.GetAccessTokenDirectly(ctx, force)
	if err != nil {
		return "", fmt.Errorf("access token: %w", redactErr(err))
	}
	ttl := time.Duration(res.ExpiresIn-300) * time.Second
	if ttl < time.Minute {
		ttl = time.Minute
	}
	// A cache failure only costs another fetch later.
	_ = wxcache.SetContext(ctx, t.cache, t.key, res.AccessToken, ttl)
	return res.AccessToken, nil
}
