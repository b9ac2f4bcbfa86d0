package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestPanicBecomesEnvelope(t *testing.T) {
	s := &Server{log: slog.New(slog.DiscardHandler), metrics: newMetrics(Deps{})}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.Use(s.begin, s.observe, s.recoverPanic)
	e.GET("/boom", func(*gin.Context) { panic("boom") })
	w := httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest("GET", "/boom", nil))
	var body errorBody
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("panic answer %q: %v", w.Body.String(), err)
	}
	if w.Code != http.StatusInternalServerError || body.Error.Code != "internal" || body.Error.RequestID == "" {
		t.Errorf("panic answer = %d %+v, want 500 internal with a request id", w.Code, body)
	}
}

func TestEveryTableRowHasCodeAndMessage(t *testing.T) {
	for _, row := range errorTable {
		if row.code == "" || row.message == "" || row.status < 400 {
			t.Errorf("error table row for %v is incomplete: %+v", row.err, row.apiError)
		}
	}
}
