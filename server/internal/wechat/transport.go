package wechat

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"time"
)

// NewHTTPClient is the client the WeChat library must use instead of http.DefaultClient, which
// has no timeout. When fakeURL is set, every request goes to that fake WeChat instead of WeChat's
// hosts: only the transport changes, the real client code runs unchanged.
func NewHTTPClient(fakeURL *url.URL) *http.Client {
	base := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 10 * time.Second,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   20,
		IdleConnTimeout:       90 * time.Second,
	}
	var rt http.RoundTripper = base
	if fakeURL != nil {
		rt = &rewrite{target: fakeURL, base: base}
	}
	return &http.Client{Transport: rt, Timeout: 15 * time.Second}
}

type rewrite struct {
	target *url.URL
	base   http.RoundTripper
}

func (r *rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	out.URL.Scheme = r.target.Scheme
	out.URL.Host = r.target.Host
	out.Host = r.target.Host
	return r.base.RoundTrip(out)
}

var secretParam = regexp.MustCompile(`(?i)(secret|access_token|js_code|code|appid)=[^&\s"']*`)

// Redact removes credentials from a message of the WeChat library, whose errors can carry the
// request URL with secret= and access_token=.
func Redact(s string) string {
	return secretParam.ReplaceAllString(s, "$1=***")
}

// redactErr keeps the error's kind (timeouts stay timeouts) but drops the URL.
func redactErr(err error) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return &redacted{msg: Redact(ue.Op + " wechat api: " + ue.Err.Error()), cause: ue.Err}
	}
	return &redacted{msg: Redact(err.Error()), cause: unwrapCommon(err)}
}

type redacted struct {
	msg   string
	cause error
}

func (r *redacted) Error() string { return r.msg }
func (r *redacted) Unwrap() error { return r.cause }
