package httpapi_test

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// specQueries reads docs/openapi.yaml apart from the server: each operation's query parameters.
func specQueries(t *testing.T) map[string][]string {
	t.Helper()
	raw, err := os.ReadFile("../../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	type param struct {
		Ref  string `yaml:"$ref"`
		Name string `yaml:"name"`
		In   string `yaml:"in"`
	}
	var spec struct {
		Paths      map[string]map[string]yaml.Node `yaml:"paths"`
		Components struct {
			Parameters map[string]param `yaml:"parameters"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	names := func(ps []param) []string {
		var out []string
		for _, p := range ps {
			if p.Ref != "" {
				p = spec.Components.Parameters[p.Ref[strings.LastIndex(p.Ref, "/")+1:]]
			}
			if p.In == "query" {
				out = append(out, p.Name)
			}
		}
		return out
	}
	out := map[string][]string{}
	for path, item := range spec.Paths {
		var common []param
		if n, ok := item["parameters"]; ok {
			if err := n.Decode(&common); err != nil {
				t.Fatal(err)
			}
		}
		for method, n := range item {
			if method == "parameters" || method == "summary" || method == "description" {
				continue
			}
			var op struct {
				Parameters []param `yaml:"parameters"`
			}
			if err := n.Decode(&op); err != nil {
				t.Fatal(err)
			}
			out[strings.ToUpper(method)+" "+path] = append(names(common), names(op.Parameters)...)
		}
	}
	return out
}

// TestUndocumentedQueryRefused: on every API route docs/openapi.yaml describes, a query
// parameter it does not name for the route is 400 invalid_request naming it, before anything
// else (sign-in, the body), while each one it names passes that check. The routes and their
// parameters come from the document, so a route or parameter added later is covered as it is
// documented.
func TestUndocumentedQueryRefused(t *testing.T) {
	e := newEnv(t)
	ops := specQueries(t)
	keys := make([]string, 0, len(ops))
	for k := range ops {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pathParam := regexp.MustCompile(`\{[a-z_]+\}`)
	checked := 0
	for _, k := range keys {
		method, path, _ := strings.Cut(k, " ")
		if !strings.HasPrefix(path, "/api/") {
			continue
		}
		checked++
		url := pathParam.ReplaceAllString(path, "1")
		r := e.do(method, url+"?not_documented=1", "", nil)
		if r.Status != 400 || r.errCode() != "invalid_request" || r.field("not_documented") != "不支持的查询参数" {
			t.Errorf("%s with an undocumented parameter: %d %s", k, r.Status, r.Raw)
		} else {
			e.checkEnvelope(r)
		}
		for _, name := range ops[k] {
			r := e.do(method, url+"?"+name+"=1", "", nil)
			if r.field(name) == "不支持的查询参数" {
				t.Errorf("%s refuses its documented parameter %s: %s", k, name, r.Raw)
			}
			// Names are matched exactly: the parameter in capitals is another one.
			if upper := strings.ToUpper(name); upper != name {
				if r := e.do(method, url+"?"+upper+"=1", "", nil); r.Status != 400 || r.field(upper) != "不支持的查询参数" {
					t.Errorf("%s with %s: %d %s", k, upper, r.Status, r.Raw)
				}
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d API routes found in docs/openapi.yaml", checked)
	}

	// Signed in, a documented parameter works as before, and one more is told.
	token, _ := e.login("querier")
	e.want(e.do("GET", "/api/v1/me/messages?limit=5", token, nil), 200, "")
	r := e.do("GET", "/api/v1/me/messages?limit=5&status=unread", token, nil)
	e.want(r, 400, "invalid_request")
	if r.field("status") == "" || r.field("limit") != "" {
		t.Errorf("the fields named = %s, want status only", r.Raw)
	}
	// Files and the console's pages are not API routes: their queries are their own.
	if r := e.do("GET", "/console/login?redirect=%2Fpersons", "", nil); r.Status == 400 {
		t.Errorf("a console page with its own query: %d %s", r.Status, r.Raw)
	}
}
