package config

import (
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoad(t *testing.T) {
	cfg, err := Load(env(map[string]string{"LINLI_WECHAT_FAKE": "1"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HTTPAddr != ":8080" || cfg.DataKey != nil || cfg.WechatTemplates["meal_notice"] != "meal_notice" || len(cfg.TrustedProxies) != 2 {
		t.Errorf("defaults = %+v", cfg)
	}
	cfg, err = Load(env(map[string]string{
		"LINLI_WECHAT_APPID": "wx1", "LINLI_WECHAT_SECRET": "s", "LINLI_DATA_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
		"LINLI_WECHAT_TEMPLATES": "report_assigned=TPL1, meal_notice=TPL2", "LINLI_TRUSTED_PROXIES": "10.0.0.0/8",
		"LINLI_LOGINS_PER_MINUTE": "120",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.DataKey) != 32 || cfg.WechatTemplates["report_assigned"] != "TPL1" || cfg.WechatTemplates["course_update"] != "" || cfg.LoginsPerMinute != 120 {
		t.Errorf("cfg = %+v", cfg)
	}

	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"real mode needs appid", map[string]string{}, "LINLI_WECHAT_APPID"},
		{"short data key", map[string]string{"LINLI_WECHAT_FAKE": "1", "LINLI_DATA_KEY": "c2hvcnQ="}, "decodes to 5 bytes"},
		{"data key not base64", map[string]string{"LINLI_WECHAT_FAKE": "1", "LINLI_DATA_KEY": "!!!"}, "not valid base64"},
		{"bad fake flag", map[string]string{"LINLI_WECHAT_FAKE": "yes"}, "LINLI_WECHAT_FAKE"},
		{"bad template", map[string]string{"LINLI_WECHAT_FAKE": "1", "LINLI_WECHAT_TEMPLATES": "nope=1"}, "unknown key"},
		{"template without id", map[string]string{"LINLI_WECHAT_FAKE": "1", "LINLI_WECHAT_TEMPLATES": "meal_notice="}, "bad entry"},
		{"bad proxy", map[string]string{"LINLI_WECHAT_FAKE": "1", "LINLI_TRUSTED_PROXIES": "example"}, "LINLI_TRUSTED_PROXIES"},
		{"bad login limit", map[string]string{"LINLI_WECHAT_FAKE": "1", "LINLI_LOGINS_PER_MINUTE": "0"}, "LINLI_LOGINS_PER_MINUTE"},
		{"bad public url", map[string]string{"LINLI_WECHAT_FAKE": "1", "LINLI_PUBLIC_URL": "ftp://x"}, "LINLI_PUBLIC_URL"},
		{"bad key version", map[string]string{"LINLI_WECHAT_FAKE": "1", "LINLI_DATA_KEY_VERSION": "0"}, "LINLI_DATA_KEY_VERSION"},
		{"previous key without a new version", map[string]string{"LINLI_WECHAT_FAKE": "1", "LINLI_DATA_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
			"LINLI_DATA_KEY_PREVIOUS": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}, "LINLI_DATA_KEY_VERSION of 2"},
		{"short previous key", map[string]string{"LINLI_WECHAT_FAKE": "1", "LINLI_DATA_KEY_PREVIOUS": "c2hvcnQ="}, "LINLI_DATA_KEY_PREVIOUS"},
		{"bad redis prefix", map[string]string{"LINLI_WECHAT_FAKE": "1", "LINLI_REDIS_PREFIX": "a b"}, "LINLI_REDIS_PREFIX"},
		{"bad redis url", map[string]string{"LINLI_WECHAT_FAKE": "1", "LINLI_REDIS_URL": "localhost:6379"}, "LINLI_REDIS_URL"},
	}
	for _, tt := range tests {
		_, err := Load(env(tt.env))
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want one line mentioning %q", tt.name, err, tt.want)
		}
	}
}
