// Package reseal seals personal data again under the current data key, the second step of a key
// rotation (docs/operations.md): every sealed column whose value starts with another key's
// version is opened, sealed with the current key and, where the column has one, given the
// current key's hash in the same statement. It works in batches, each in one transaction, skips
// what is already current, and can stop and resume at any point.
package reseal

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/pii"
)

// column is a sealed column and the hash column kept with it ("" when none).
type column struct {
	table, sealed, hash string
}

// Columns are every sealed column of the schema (docs/operations.md, "Personal data at rest").
var columns = []column{
	{"users", "phone_enc", "phone_hash"},
	{"persons", "id_card_enc", "id_card_hash"},
	{"persons", "phone_enc", "phone_hash"},
	{"persons", "contacts_enc", ""},
}

// Count is what a run did to one column.
type Count struct {
	Column   string
	Resealed int
}

// Run reseals every column in batches of batch rows and says how many values each needed.
func Run(ctx context.Context, db *sql.DB, box *pii.Box, batch int) ([]Count, error) {
	out := make([]Count, 0, len(columns))
	for _, c := range columns {
		n, err := run(ctx, db, box, c, batch)
		out = append(out, Count{Column: c.table + "." + c.sealed, Resealed: n})
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// Stale counts the values still sealed with another key than the current one: 0 means the
// previous key may be removed.
func Stale(ctx context.Context, db *sql.DB, box *pii.Box) (int, error) {
	total := 0
	for _, c := range columns {
		var n int
		q := fmt.Sprintf(`SELECT COUNT(*) FROM %s WHERE %s IS NOT NULL AND ASCII(%s) <> ?`, c.table, c.sealed, c.sealed)
		if err := db.QueryRowContext(ctx, q, box.Version()).Scan(&n); err != nil {
			return 0, fmt.Errorf("%s.%s: %w", c.table, c.sealed, err)
		}
		total += n
	}
	return total, nil
}

func run(ctx context.Context, db *sql.DB, box *pii.Box, c column, batch int) (int, error) {
	// The first byte of a sealed value is its key's version (ASCII gives it as a number on
	// MySQL, MariaDB and TiDB alike).
	pick := fmt.Sprintf(`SELECT id FROM %s WHERE id > ? AND %s IS NOT NULL AND ASCII(%s) <> ? ORDER BY id LIMIT ?`, c.table, c.sealed, c.sealed)
	lock := fmt.Sprintf(`SELECT %s FROM %s WHERE id = ? FOR UPDATE`, c.sealed, c.table)
	update := fmt.Sprintf(`UPDATE %s SET %s = ? WHERE id = ?`, c.table, c.sealed)
	if c.hash != "" {
		// A value kept without its hash (a person held aside) stays without one.
		update = fmt.Sprintf(`UPDATE %s SET %s = ?, %s = IF(%s IS NULL, NULL, ?) WHERE id = ?`, c.table, c.sealed, c.hash, c.hash)
	}
	done, after := 0, int64(0)
	for {
		ids, err := database.Int64s(ctx, db, pick, after, box.Version(), batch)
		if err != nil || len(ids) == 0 {
			return done, err
		}
		n := 0
		err = database.InTx(ctx, db, func(tx *sql.Tx) error {
			n = 0
			for _, id := range ids {
				var sealed []byte
				if err := tx.QueryRowContext(ctx, lock, id).Scan(&sealed); err != nil {
					return fmt.Errorf("%s %d: %w", c.table, id, err)
				}
				if !box.Stale(sealed) {
					continue // changed since it was picked
				}
				plain, err := box.Open(sealed)
				if err != nil {
					return fmt.Errorf("%s.%s of row %d does not open with the current or previous key: %w", c.table, c.sealed, id, err)
				}
				args := []any{box.Seal(plain)}
				if c.hash != "" {
					args = append(args, box.Hash(plain))
				}
				if _, err := tx.ExecContext(ctx, update, append(args, id)...); err != nil {
					return fmt.Errorf("%s %d: %w", c.table, id, err)
				}
				n++
			}
			return nil
		})
		if err != nil {
			return done, err
		}
		done += n
		after = ids[len(ids)-1]
	}
}
