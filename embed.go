// Package linli holds what the binary embeds from the repository root: the SQL migrations.
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
