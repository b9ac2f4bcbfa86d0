package httpapi

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestQueriesReadFromTheDocument: the parameters a route takes are what the document names,
// given on the path item or the operation, in place or by reference; a parameter added to the
// document is taken with no change to the code, and a served API route the document lacks
// stops the server from starting.
func TestQueriesReadFromTheDocument(t *testing.T) {
	doc := `
paths:
  /api/v1/things:
    parameters: [{$ref: "#/components/parameters/CommunityID"}]
    get:
      parameters:
        - {$ref: "#/components/parameters/Limit"}
        - {name: q, in: query}
        - {name: Idempotency-Key, in: header}
    post:
      summary: no parameters of its own
  /api/v1/things/{id}:
    get:
      parameters: [{name: id, in: path}]
components:
  parameters:
    Limit: {name: limit, in: query}
    CommunityID: {name: community_id, in: query}
`
	got, err := documentedQueries([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"GET /api/v1/things":      "community_id limit q",
		"POST /api/v1/things":     "community_id",
		"GET /api/v1/things/{id}": "",
	}
	for k, names := range want {
		for _, n := range strings.Fields(names) {
			if !got[k][n] {
				t.Errorf("%s: %s not taken (%v)", k, n, got[k])
			}
		}
		if len(got[k]) != len(strings.Fields(names)) {
			t.Errorf("%s takes %v, want %s", k, got[k], names)
		}
	}

	serve := func(doc string) (*gin.Engine, error) {
		gin.SetMode(gin.ReleaseMode)
		s := &Server{}
		e := gin.New()
		e.Use(s.onlyDocumentedQuery)
		e.GET("/api/v1/things", func(c *gin.Context) { c.Status(204) })
		e.GET("/api/v1/things/:id", func(c *gin.Context) { c.Status(204) })
		e.POST("/api/v1/things", func(c *gin.Context) { c.Status(204) })
		q, err := documentedQueries([]byte(doc))
		if err != nil {
			return nil, err
		}
		return e, s.loadQueries(e, q)
	}
	status := func(doc, target string) int {
		t.Helper()
		e, err := serve(doc)
		if err != nil {
			t.Fatal(err)
		}
		w := httptest.NewRecorder()
		e.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		return w.Code
	}
	if got := status(doc, "/api/v1/things?q=x&limit=2&community_id=1"); got != 204 {
		t.Errorf("documented parameters: %d", got)
	}
	if got := status(doc, "/api/v1/things?order=newest"); got != 400 {
		t.Errorf("an undocumented parameter: %d, want 400", got)
	}
	// Documenting a new parameter is all it takes.
	later := strings.Replace(doc, "- {name: q, in: query}", "- {name: q, in: query}\n        - {name: order, in: query}", 1)
	if got := status(later, "/api/v1/things?order=newest"); got != 204 {
		t.Errorf("a parameter documented later: %d, want 204", got)
	}
	lacking := strings.Replace(doc, "  /api/v1/things/{id}:\n    get:\n      parameters: [{name: id, in: path}]\n", "", 1)
	if _, err := serve(lacking); err == nil || !strings.Contains(err.Error(), "/api/v1/things/:id") {
		t.Errorf("a served route the document lacks: %v", err)
	}
}
