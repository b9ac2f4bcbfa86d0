package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestClientAddressFromTrustedHopsOnly: the client's address (for rate limits, logs and the
// console's sign-in) is the right-most address of X-Forwarded-For that is not a trusted proxy;
// no other header is believed, and nothing from an untrusted peer.
func TestClientAddressFromTrustedHopsOnly(t *testing.T) {
	e := newEnv(t)
	cid, _ := e.community("中埂社区", "1幢")
	staff, _ := e.staff("staff", cid)
	tests := []struct {
		name, remote string
		header       map[string]string
		want         string
	}{
		{"direct client, spoofed header ignored", "192.0.2.10:1234", map[string]string{"X-Forwarded-For": "6.6.6.6"}, "192.0.2.10"},
		{"behind the proxy", "127.0.0.1:5555", map[string]string{"X-Forwarded-For": "203.0.113.7"}, "203.0.113.7"},
		{"a spoofed entry before the proxy's", "127.0.0.1:5555", map[string]string{"X-Forwarded-For": "6.6.6.6, 203.0.113.7"}, "203.0.113.7"},
		{"X-Real-IP is not believed", "127.0.0.1:5555", map[string]string{"X-Real-IP": "8.8.8.8"}, "127.0.0.1"},
		{"X-Real-IP beside a forwarded-for", "127.0.0.1:5555", map[string]string{"X-Real-IP": "8.8.8.8", "X-Forwarded-For": "junk"}, "127.0.0.1"},
	}
	for _, tt := range tests {
		req := httptest.NewRequest("POST", "/api/v1/console/tickets", nil)
		req.RemoteAddr = tt.remote
		for k, v := range tt.header {
			req.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, req)
		if w.Code != http.StatusCreated {
			t.Fatalf("%s: ticket = %d %s", tt.name, w.Code, w.Body)
		}
		var tk ticketJSON
		if err := json.Unmarshal(w.Body.Bytes(), &tk); err != nil {
			t.Fatal(err)
		}
		r := e.do("POST", "/api/v1/console/tickets/"+tk.ID+"/scan", staff, nil)
		if got := into[ticketInfoJSON](t, r).ClientIP; got != tt.want {
			t.Errorf("%s: client address = %s, want %s", tt.name, got, tt.want)
		}
	}
}
