// Package config reads the server's configuration from the environment.
package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is everything the server reads from its environment (API.md, "Running it").
type Config struct {
	HTTPAddr  string
	PublicURL string
	MySQLDSN  string
	RedisURL  string
	// RedisPrefix starts every Redis key of the server (LINLI_REDIS_PREFIX, default "linli:"), so
	// that several deployments, or tests, can share one Redis.
	RedisPrefix     string
	WechatAppID     string
	WechatSecret    string
	WechatFake      bool
	WechatTemplates map[string]string
	// WechatLongTerm are the template keys configured as long-term (长期订阅): sent without
	// counting one-time consents.
	WechatLongTerm []string
	// DataKey is nil when LINLI_DATA_KEY is unset; serve decides whether that is allowed.
	DataKey []byte
	// DataKeyVersion is the data key's version (LINLI_DATA_KEY_VERSION, default 1), and
	// PreviousDataKey the key of the version before, while a rotation is under way
	// (docs/operations.md).
	DataKeyVersion  int
	PreviousDataKey []byte
	UploadDir       string
	// ConsoleDir, when set, serves the console from this folder instead of the build embedded in
	// the binary (for working on the console without rebuilding the server).
	ConsoleDir     string
	TrustedProxies []string
	// EventClaimIdle is how long an event may sit with a consumer (a process that died holding
	// it) before another claims it.
	EventClaimIdle time.Duration
	// LoginsPerMinute limits sign-ins (and console sign-in tickets) per client address.
	LoginsPerMinute int64
}

// TemplateKeys are the subscribe-message templates the product uses.
var TemplateKeys = []string{"report_assigned", "report_updated", "course_update", "meal_notice"}

// Defaults for a local run against the services scripts/services.sh starts.
const (
	DefaultHTTPAddr = ":8080"
	DefaultMySQLDSN = "linli:linli@tcp(127.0.0.1:3306)/linli"
	DefaultRedisURL = "redis://127.0.0.1:6379/0"
	// DefaultRedisPrefix starts every key of ours unless LINLI_REDIS_PREFIX says otherwise.
	DefaultRedisPrefix = "linli:"
)

// Load reads the configuration. Any bad value stops the start with one clear error.
func Load(getenv func(string) string) (Config, error) {
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	cfg := Config{
		HTTPAddr:     get("LINLI_HTTP_ADDR", DefaultHTTPAddr),
		PublicURL:    strings.TrimRight(get("LINLI_PUBLIC_URL", "http://localhost:8080"), "/"),
		MySQLDSN:     get("LINLI_MYSQL_DSN", DefaultMySQLDSN),
		RedisURL:     get("LINLI_REDIS_URL", DefaultRedisURL),
		RedisPrefix:  get("LINLI_REDIS_PREFIX", DefaultRedisPrefix),
		WechatAppID:  get("LINLI_WECHAT_APPID", ""),
		WechatSecret: get("LINLI_WECHAT_SECRET", ""),
		UploadDir:    get("LINLI_UPLOAD_DIR", "uploads"),
		ConsoleDir:   get("LINLI_CONSOLE_DIR", ""),
	}
	switch v := get("LINLI_WECHAT_FAKE", "0"); v {
	case "1", "true":
		cfg.WechatFake = true
	case "0", "false":
	default:
		return Config{}, fmt.Errorf("LINLI_WECHAT_FAKE must be 1 or 0, got %q", v)
	}
	if u, err := url.Parse(cfg.PublicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Config{}, fmt.Errorf("LINLI_PUBLIC_URL must be an absolute http(s) origin, got %q", cfg.PublicURL)
	}
	if len(cfg.RedisPrefix) > 32 || strings.ContainsAny(cfg.RedisPrefix, " *?[]") {
		return Config{}, fmt.Errorf("LINLI_REDIS_PREFIX must be at most 32 characters without spaces or glob characters, got %q", cfg.RedisPrefix)
	}
	if u, err := url.Parse(cfg.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
		return Config{}, fmt.Errorf("LINLI_REDIS_URL must look like redis://host:port/db, got %q", cfg.RedisURL)
	}
	if !cfg.WechatFake && (cfg.WechatAppID == "" || cfg.WechatSecret == "") {
		return Config{}, errors.New("LINLI_WECHAT_APPID and LINLI_WECHAT_SECRET are required unless LINLI_WECHAT_FAKE=1")
	}
	if cfg.WechatFake && cfg.WechatAppID == "" {
		cfg.WechatAppID, cfg.WechatSecret = "wxfake00000000000", "fake-secret"
	}
	tpl, err := parseTemplates(getenv("LINLI_WECHAT_TEMPLATES"), cfg.WechatFake)
	if err != nil {
		return Config{}, err
	}
	cfg.WechatTemplates = tpl
	for _, k := range strings.Split(getenv("LINLI_WECHAT_LONG_TERM"), ",") {
		if k = strings.TrimSpace(k); k == "" {
			continue
		}
		if _, ok := tpl[k]; !ok {
			return Config{}, fmt.Errorf("LINLI_WECHAT_LONG_TERM: unknown key %q (known: %s)", k, strings.Join(TemplateKeys, ", "))
		}
		cfg.WechatLongTerm = append(cfg.WechatLongTerm, k)
	}
	if cfg.DataKey, cfg.DataKeyVersion, cfg.PreviousDataKey, err = DataKeys(getenv); err != nil {
		return Config{}, err
	}
	idle, err := time.ParseDuration(get("LINLI_EVENT_CLAIM_IDLE", "30s"))
	if err != nil || idle < 100*time.Millisecond {
		return Config{}, fmt.Errorf("LINLI_EVENT_CLAIM_IDLE must be a duration of at least 100ms, got %q", getenv("LINLI_EVENT_CLAIM_IDLE"))
	}
	cfg.EventClaimIdle = idle
	logins, err := strconv.ParseInt(get("LINLI_LOGINS_PER_MINUTE", "30"), 10, 64)
	if err != nil || logins < 1 || logins > 100000 {
		return Config{}, fmt.Errorf("LINLI_LOGINS_PER_MINUTE must be a whole number from 1 to 100000, got %q", getenv("LINLI_LOGINS_PER_MINUTE"))
	}
	cfg.LoginsPerMinute = logins
	proxies, err := parseProxies(get("LINLI_TRUSTED_PROXIES", "127.0.0.1,::1"))
	if err != nil {
		return Config{}, err
	}
	cfg.TrustedProxies = proxies
	return cfg, nil
}

// DataKeys reads the data key (nil when LINLI_DATA_KEY is unset), its version and, during a
// rotation, the previous key.
func DataKeys(getenv func(string) string) (key []byte, version int, previous []byte, err error) {
	if raw := strings.TrimSpace(getenv("LINLI_DATA_KEY")); raw != "" {
		if key, err = ParseDataKey(raw); err != nil {
			return nil, 0, nil, err
		}
	}
	rawVersion := strings.TrimSpace(getenv("LINLI_DATA_KEY_VERSION"))
	if rawVersion == "" {
		rawVersion = "1"
	}
	version, err = strconv.Atoi(rawVersion)
	if err != nil || version < 1 || version > 255 {
		return nil, 0, nil, fmt.Errorf("LINLI_DATA_KEY_VERSION must be a number from 1 to 255, got %q", rawVersion)
	}
	if raw := strings.TrimSpace(getenv("LINLI_DATA_KEY_PREVIOUS")); raw != "" {
		if previous, err = ParseDataKey(raw); err != nil {
			return nil, 0, nil, fmt.Errorf("LINLI_DATA_KEY_PREVIOUS: %w", err)
		}
		if version < 2 || key == nil {
			return nil, 0, nil, errors.New("LINLI_DATA_KEY_PREVIOUS needs LINLI_DATA_KEY (the new key) and LINLI_DATA_KEY_VERSION of 2 or more")
		}
	}
	return key, version, previous, nil
}

// ParseDataKey decodes a base64 data key and checks that it is 32 bytes.
func ParseDataKey(raw string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(raw))
	if err != nil {
		return nil, errors.New("LINLI_DATA_KEY must be base64 of 32 bytes: it is not valid base64")
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("LINLI_DATA_KEY must be base64 of 32 bytes: it decodes to %d bytes", len(key))
	}
	return key, nil
}

func parseTemplates(raw string, fake bool) (map[string]string, error) {
	out := make(map[string]string, len(TemplateKeys))
	if fake {
		for _, k := range TemplateKeys {
			out[k] = k
		}
	}
	for _, pair := range strings.Split(raw, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		k, v, ok := strings.Cut(pair, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("LINLI_WECHAT_TEMPLATES must be key=template_id,...: bad entry %q", pair)
		}
		if !slices.Contains(TemplateKeys, k) {
			return nil, fmt.Errorf("LINLI_WECHAT_TEMPLATES: unknown key %q (known: %s)", k, strings.Join(TemplateKeys, ", "))
		}
		out[k] = v
	}
	return out, nil
}

func parseProxies(raw string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(raw, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return nil, fmt.Errorf("LINLI_TRUSTED_PROXIES: %q is neither an IP address nor a CIDR", p)
			}
		}
		out = append(out, p)
	}
	return out, nil
}
