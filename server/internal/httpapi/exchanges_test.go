package httpapi_test

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// exchanges are the method, path and status of every request a test sent through do; after the
// run, each status must be one docs/openapi.yaml documents for that operation, so an outside
// check that validates every exchange against the contract finds it exact.
var exchanges struct {
	sync.Mutex
	seen map[string]bool
}

func recordExchange(method, target string, status int) {
	path, _, _ := strings.Cut(target, "?")
	exchanges.Lock()
	defer exchanges.Unlock()
	if exchanges.seen == nil {
		exchanges.seen = map[string]bool{}
	}
	exchanges.seen[method+" "+path+" "+strconv.Itoa(status)] = true
}

// undocumentedStatuses lists the exchanges whose status the contract does not give for their
// operation (requests to paths it does not describe are TestOpenAPIMatchesRoutes's concern).
func undocumentedStatuses() ([]string, error) {
	raw, err := os.ReadFile("../../../docs/openapi.yaml")
	if err != nil {
		return nil, err
	}
	var spec struct {
		Paths map[string]map[string]struct {
			Responses map[string]any `yaml:"responses"`
		} `yaml:"paths"`
	}
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		return nil, err
	}
	type route struct {
		path   string
		re     *regexp.Regexp
		params int
		ops    map[string]map[string]bool
	}
	var routes []route
	param := regexp.MustCompile(`\\\{[a-z_]+\\\}`)
	for p, ops := range spec.Paths {
		r := route{path: p, re: regexp.MustCompile("^" + param.ReplaceAllString(regexp.QuoteMeta(p), "[^/]+") + "$"),
			params: strings.Count(p, "{"), ops: map[string]map[string]bool{}}
		for m, op := range ops {
			codes := map[string]bool{}
			for c := range op.Responses {
				codes[c] = true
			}
			r.ops[strings.ToUpper(m)] = codes
		}
		routes = append(routes, r)
	}
	// A literal path wins over a template (/admin/persons.csv over /admin/persons/{id}).
	sort.Slice(routes, func(i, j int) bool { return routes[i].params < routes[j].params })
	exchanges.Lock()
	defer exchanges.Unlock()
	var bad []string
	for k := range exchanges.seen {
		f := strings.Fields(k)
		method, path, status := f[0], f[1], f[2]
		for _, r := range routes {
			if !r.re.MatchString(path) {
				continue
			}
			codes, ok := r.ops[method]
			if ok && !codes[status] && !codes[status[:1]+"XX"] && !codes["default"] {
				bad = append(bad, fmt.Sprintf("%s %s answered %s", method, r.path, status))
			}
			break
		}
	}
	sort.Strings(bad)
	return dedupe(bad), nil
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
