package app

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestTriesAskTheAccountDomain: the role table (user_roles) belongs to the account domain. Whom
// to tell (the staff of a community, when ID-card tries reach their limit or a report waits for
// dispatch) is asked of account.Service through a small interface each consumer declares
// (person.Staffing, report.Staffing); no other query of these packages reads the table but the
// few listed here, each a join that must stay one statement.
func TestTriesAskTheAccountDomain(t *testing.T) {
	allowed := []string{
		"person/store.go qActFor",          // who may act for a person, in one read
		"report/grid.go qBuildingWorkers",  // the grid's workers who still hold the role
		"report/grid.go qCommunityWorkers", // every grid worker, when no grid covers a building
	}
	var found []string
	for _, pkg := range []string{"person", "report"} {
		files, err := filepath.Glob(filepath.Join("..", pkg, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			where := pkg + "/" + filepath.Base(path)
			ast.Inspect(f, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.ValueSpec:
					for i, v := range x.Values {
						if reads(v) {
							found = append(found, where+" "+x.Names[i].Name)
						}
					}
					return false
				case *ast.CallExpr:
					for _, a := range x.Args {
						if reads(a) {
							found = append(found, where+" (a query written in place)")
						}
					}
				}
				return true
			})
		}
	}
	for _, f := range found {
		if !slices.Contains(allowed, f) {
			t.Errorf("%s reads user_roles: ask the account domain through an interface instead", f)
		}
	}
}

// reads reports whether an expression holds a string literal naming the role table.
func reads(e ast.Expr) bool {
	hit := false
	ast.Inspect(e, func(n ast.Node) bool {
		if l, ok := n.(*ast.BasicLit); ok && l.Kind == token.STRING && strings.Contains(l.Value, "user_roles") {
			hit = true
		}
		return !hit
	})
	return hit
}
