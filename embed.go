// Package linli holds what the binary embeds from the repository root: the SQL migrations, the
// API contract and the console's build.
package linli

import (
	"embed"
	"io/fs"
)

// migrations are the numbered, forward-only migrations of sql/, one statement each.
//
//go:embed sql/*.sql
var migrations embed.FS

// Migrations is the sql/ folder as the binary embeds it.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrations, "sql")
	if err != nil {
		panic(err)
	}
	return sub
}

// consoleBuild is the console's Vite build (console/dist); a fresh clone holds only a
// placeholder until `make console` builds it.
//
//go:embed all:console/dist
var consoleBuild embed.FS

// Console is the console's build, rooted at its index.html.
func Console() fs.FS {
	sub, err := fs.Sub(consoleBuild, "console/dist")
	if err != nil {
		panic(err)
	}
	return sub
}

// openAPI is the API's contract (docs/openapi.yaml), which the server reads for the query
// parameters each route takes.
//
//go:embed docs/openapi.yaml
var openAPI []byte

// OpenAPI is docs/openapi.yaml as the binary embeds it.
func OpenAPI() []byte { return openAPI }
