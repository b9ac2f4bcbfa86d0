package person

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"

	"github.com/linli/linli/server/internal/database"
)

// maxInitials is the width of persons.name_initials.
const maxInitials = 64

var firstLetters = pinyin.Args{Style: pinyin.FirstLetter}

// Initials are a name's pinyin initials, lower case (王秀英 → wxy), as staff type them to find a
// person on a keyboard without Chinese input; letters and digits in the name are kept as they
// are, anything else is left out. A character with several readings takes its most common one.
func Initials(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
		case unicode.Is(unicode.Han, r):
			if p := pinyin.SinglePinyin(r, firstLetters); len(p) > 0 && p[0] != "" {
				b.WriteString(p[0])
			}
		}
		if b.Len() >= maxInitials {
			break
		}
	}
	return b.String()
}

// initialsQuery reports whether a search is pinyin initials: Latin letters only.
func initialsQuery(q string) bool {
	if q == "" || len(q) > maxInitials {
		return false
	}
	for _, r := range q {
		if r >= unicode.MaxASCII || !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

const (
	// The communities with persons, from the index's first column alone; and a community's persons
	// without initials, through idx_persons_initials (its NULLs come first): once every row has
	// them, a start reads one index entry per community, not the register.
	qPersonCommunities = `SELECT DISTINCT community_id FROM persons`
	qNoInitials        = `SELECT id, name FROM persons WHERE community_id = ? AND name_initials IS NULL LIMIT ?`
	qSetInitials       = `UPDATE persons SET name_initials = ? WHERE id = ? AND name = ?`
)

// FillInitials writes the initials of persons registered before they were kept, a batch at a
// time; the commands run it after migrating (a few seconds for a million rows, an index probe
// per community once done, as every insert and change of a name writes them).
func FillInitials(ctx context.Context, db *sql.DB) (int, error) {
	communities, err := database.Int64s(ctx, db, qPersonCommunities)
	if err != nil {
		return 0, fmt.Errorf("communities of persons: %w", err)
	}
	type row struct {
		id   int64
		name string
	}
	filled := 0
	for _, community := range communities {
		for {
			rows, err := database.Collect(ctx, db, qNoInitials, []any{community, 500}, func(r database.Scanner) (x row, err error) {
				return x, r.Scan(&x.id, &x.name)
			})
			if err != nil {
				return filled, fmt.Errorf("persons without initials: %w", err)
			}
			for _, r := range rows {
				// A name changed meanwhile got its initials with it; if the name changes again
				// between the read and this write, the row is read again next batch.
				if _, err := db.ExecContext(ctx, qSetInitials, Initials(r.name), r.id, r.name); err != nil {
					return filled, fmt.Errorf("initials of person %d: %w", r.id, err)
				}
				filled++
			}
			if len(rows) < 500 {
				break
			}
		}
	}
	return filled, nil
}
