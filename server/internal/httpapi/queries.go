package httpapi

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"gopkg.in/yaml.v3"

	"github.com/linli/linli"
	"github.com/linli/linli/server/internal/validation"
)

// msgUnknownQuery is what a query parameter the route does not take is told.
const msgUnknownQuery = "不支持的查询参数"

// specParam is a parameter of docs/openapi.yaml, given in place or by reference.
type specParam struct {
	Ref  string `yaml:"$ref"`
	Name string `yaml:"name"`
	In   string `yaml:"in"`
}

// documentedQueries reads, from an OpenAPI document, the query parameters each operation takes,
// keyed by "METHOD /path/{param}" (parameters of the path item and of the operation, given in
// place or as references to components.parameters).
func documentedQueries(raw []byte) (map[string]map[string]bool, error) {
	var spec struct {
		Paths      map[string]map[string]yaml.Node `yaml:"paths"`
		Components struct {
			Parameters map[string]specParam `yaml:"parameters"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	queries := func(params []specParam) ([]string, error) {
		var out []string
		for _, p := range params {
			if p.Ref != "" {
				ref, ok := spec.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
				if !ok || !strings.HasPrefix(p.Ref, "#/components/parameters/") {
					return nil, fmt.Errorf("openapi: unknown parameter %s", p.Ref)
				}
				p = ref
			}
			if p.In == "query" {
				out = append(out, p.Name)
			}
		}
		return out, nil
	}
	out := map[string]map[string]bool{}
	for path, item := range spec.Paths {
		var common []string
		if node, ok := item["parameters"]; ok {
			var params []specParam
			if err := node.Decode(&params); err != nil {
				return nil, fmt.Errorf("openapi: %s parameters: %w", path, err)
			}
			var err error
			if common, err = queries(params); err != nil {
				return nil, err
			}
		}
		for method, node := range item {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options":
			default:
				continue
			}
			var op struct {
				Parameters []specParam `yaml:"parameters"`
			}
			if err := node.Decode(&op); err != nil {
				return nil, fmt.Errorf("openapi: %s %s: %w", method, path, err)
			}
			own, err := queries(op.Parameters)
			if err != nil {
				return nil, err
			}
			names := map[string]bool{}
			for _, n := range append(common, own...) {
				names[n] = true
			}
			out[strings.ToUpper(method)+" "+path] = names
		}
	}
	return out, nil
}

// routeParam is a parameter in a gin route (:id, *name), which the document writes {id}.
var routeParam = regexp.MustCompile(`[:*]([A-Za-z_]+)`)

// queryKey is the key of documentedQueries for a gin route.
func queryKey(method, route string) string {
	return method + " " + routeParam.ReplaceAllString(route, "{$1}")
}

// loadQueries keeps, of the document's query parameters (documentedQueries), those of each API
// route the engine serves. Every /api/ route must be described there (TestOpenAPIMatchesRoutes).
func (s *Server) loadQueries(e *gin.Engine, doc map[string]map[string]bool) error {
	s.queries = map[string]map[string]bool{}
	for _, r := range e.Routes() {
		if !strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		names, ok := doc[queryKey(r.Method, r.Path)]
		if !ok {
			return fmt.Errorf("openapi: %s %s is not described", r.Method, r.Path)
		}
		s.queries[r.Method+" "+r.Path] = names
	}
	return nil
}

// onlyDocumentedQuery refuses, on an API route, a query parameter docs/openapi.yaml does not
// name for it (names are matched exactly, case counts): 400 invalid_request naming each one.
// What a route takes is read from the document, so a parameter documented later passes without
// more code; one sent by mistake (a misspelling, ?LIMIT=, a filter the route lacks) is told
// rather than silently ignored. Other routes (files, the console's pages) are left alone.
func (s *Server) onlyDocumentedQuery(c *gin.Context) {
	names, ok := s.queries[c.Request.Method+" "+c.FullPath()]
	if !ok || c.Request.URL.RawQuery == "" {
		c.Next()
		return
	}
	var unknown []string
	for name := range c.Request.URL.Query() {
		if !names[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		c.Next()
		return
	}
	sort.Strings(unknown)
	fields := validation.Errors{}
	for _, name := range unknown {
		fields[name] = msgUnknownQuery
	}
	fail(c, fields)
}

// specQueries are the query parameters of the embedded docs/openapi.yaml, read once.
var specQueries = sync.OnceValues(func() (map[string]map[string]bool, error) {
	return documentedQueries(linli.OpenAPI())
})
