// Package linli holds what the binary embeds from the repository root: the SQL migrations.
package linli

import "embed"

// Migrations are the numbered, forward-only migrations of sql/, one statement each.
//
//go:embed sql/*.sql
var Migrations embed.FS
