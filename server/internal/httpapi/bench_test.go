package httpapi_test

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"testing"
)

// BenchmarkTurnedAway is the server's own cost of answering a booking for a full slot (no
// network): session, idempotency key, gate, error answer. Run with -cpuprofile to see where it
// goes; the load figures are in docs/performance.md.
func BenchmarkTurnedAway(b *testing.B) {
	w := newCanteenWorldTB(b)
	slot := w.slot(map[string]any{"capacity": 1})
	w.want(w.book(w.resident, slot, w.self, "eat_in"), 201, "")
	body := []byte(fmt.Sprintf(`{"slot_id":%d,"person_id":%d,"mode":"eat_in"}`, slot, w.mother))
	b.ResetTimer()
	b.ReportAllocs()
	for i := range b.N {
		req := httptest.NewRequest("POST", "/api/v1/meal-orders", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+w.resident)
		req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d", i))
		rec := httptest.NewRecorder()
		w.h.ServeHTTP(rec, req)
		if rec.Code != 409 {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
