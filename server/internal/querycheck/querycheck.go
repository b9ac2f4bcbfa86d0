// Package querycheck is the query guard: it EXPLAINs statements the server sent (recorded by
// database.Recorder while the HTTP tests ran) against a database seeded with years of history
// (server/internal/history), and finds those whose plan grows with that history: a full scan of a
// table that grows with time, a full scan of one of its indexes, a sort of more than a page of its
// rows, or a read of a large part of it. The few statements that may (a month's report, say) are
// allowed below, each with why.
package querycheck

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/linli/linli/server/internal/database"
)

// Growing are the tables that grow with time (each day's orders, reports, messages...), as
// opposed to a community's settings (its buildings, canteens, categories, grids).
var Growing = []string{
	"meal_orders", "meal_slots", "persons", "users", "user_roles", "role_events", "guardians", "guardian_requests",
	"person_audit", "messages", "push_outbox", "outbox", "subscription_consents", "reports", "report_timeline",
	"uploads", "courses", "course_sessions", "enrollments", "attendance", "safety_alerts", "safety_alert_steps",
}

// Allowed is a statement the guard lets through: Match is a piece of its text, Why the reason.
type Allowed struct {
	Match, Why string
}

// Allow are the statements that may read more than an index bounds, and why.
var Allow = []Allowed{
	{"FROM meal_orders o FORCE INDEX (idx_meal_orders_day) WHERE o.community_id = ? AND o.meal_date BETWEEN ? AND ? AND o.subsidy_fen > 0",
		"the totals of the monthly subsidy report read the month's orders of the community: bounded by the calendar, and kept in Redis (canteen.SubsidyTotals)"},
	{"FROM reports WHERE community_id = ? AND created_at >= ? AND created_at < ? GROUP BY category_key",
		"the overview's figures per category read the reports of its 30 days (bounded by the window, not the history) and are reused for five minutes"},
}

// MinRows: a table with fewer rows in the seeded database is left out, as its optimizer may well
// read it whole; the seed's scale must give each growing table more.
const MinRows = 200

// PageRows is the most rows a sort may take: a page of the largest size (paging.MaxLimit) and one.
const PageRows = 101

// Finding is a statement whose plan grows with history.
type Finding struct {
	Query   string
	Table   string
	Problem string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s on %s\n\t%s", f.Problem, f.Table, oneLine(f.Query))
}

// Result is what Check found.
type Result struct {
	Findings []Finding
	// Explained counts the statements explained.
	Explained int
	// Unjudged names the growing tables the seed left with fewer than MinRows rows (and their
	// sizes), whose plans are not judged.
	Unjudged []string
}

// Check explains each statement on db (seeded, analysed) and answers what it finds. Tables the seed left with fewer than MinRows are not judged (Unjudged
// names them). Statements that write by primary key or insert values have no plan
// worth checking and are skipped, as are those Allow lets through.
func Check(ctx context.Context, db *sql.DB, stmts []database.Statement) (Result, error) {
	sizes, err := tableSizes(ctx, db)
	if err != nil {
		return Result{}, err
	}
	var res Result
	for _, t := range Growing {
		if sizes[t] < MinRows {
			res.Unjudged = append(res.Unjudged, fmt.Sprintf("%s (%d rows)", t, sizes[t]))
		}
	}

	for _, st := range stmts {
		if !explainable(st.Query) || allowed(st.Query) {
			continue
		}
		plan, err := explain(ctx, db, st)
		if err != nil {
			return res, fmt.Errorf("explain %s: %w", oneLine(st.Query), err)
		}
		res.Explained++
		aliases := tablesOf(st.Query)
		limited := limit.MatchString(st.Query)
		for _, row := range plan {
			table := row["table"]
			if t, ok := aliases[table]; ok {
				table = t
			}
			if !slices.Contains(Growing, table) || sizes[table] < MinRows {
				continue
			}
			rows, _ := strconv.ParseInt(row["rows"], 10, 64)
			extra := row["Extra"]
			sorts := strings.Contains(extra, "Using filesort") || strings.Contains(extra, "Using temporary")
			// A read in index order that a LIMIT ends (no sort) stops after a page, whatever
			// EXPLAIN estimates for the whole range.
			stops := limited && !sorts
			switch {
			case row["type"] == "ALL":
				res.Findings = append(res.Findings, Finding{st.Query, table, "full scan"})
			case row["type"] == "index" && !stops:
				res.Findings = append(res.Findings, Finding{st.Query, table, "full scan of an index (" + row["key"] + ")"})
			case sorts && rows > PageRows:
				res.Findings = append(res.Findings, Finding{st.Query, table, fmt.Sprintf("sorts about %d rows", rows)})
			case !stops && rows > 1000 && rows*10 > sizes[table]:
				res.Findings = append(res.Findings, Finding{st.Query, table, fmt.Sprintf("reads about %d of its %d rows", rows, sizes[table])})
			}
		}
	}
	return res, nil
}

var limit = regexp.MustCompile(`(?is)\bLIMIT\s+(\?|\d+)\s*(FOR UPDATE)?\s*$`)

var verb = regexp.MustCompile(`(?is)^\s*(SELECT|UPDATE|DELETE|WITH)\b`)

func explainable(q string) bool { return verb.MatchString(q) }

func allowed(q string) bool {
	q = oneLine(q)
	for _, a := range Allow {
		if strings.Contains(q, oneLine(a.Match)) {
			return true
		}
	}
	return false
}

// explain answers the plan's rows, each a map of its columns (MySQL and MariaDB name them alike,
// though not all the same ones).
func explain(ctx context.Context, db *sql.DB, st database.Statement) ([]map[string]string, error) {
	rows, err := db.QueryContext(ctx, "EXPLAIN "+st.Query, st.Args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []map[string]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := map[string]string{}
		for i, c := range cols {
			row[c] = vals[i].String
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

var tableRef = regexp.MustCompile("(?i)\\b(?:FROM|JOIN|UPDATE|INTO)\\s+`?(\\w+)`?(?:\\s+(?:AS\\s+)?(\\w+))?")

// notAlias are words that may follow a table's name and are not its alias.
var notAlias = []string{"WHERE", "LEFT", "RIGHT", "INNER", "JOIN", "ON", "SET", "ORDER", "GROUP", "LIMIT", "USING", "FORCE",
	"USE", "IGNORE", "UNION", "FOR", "HAVING", "VALUES", "STRAIGHT_JOIN", "CROSS", "NATURAL", "WINDOW", "LOCK"}

// tablesOf maps the aliases (and names) a statement uses to its tables' names.
func tablesOf(q string) map[string]string {
	out := map[string]string{}
	for _, m := range tableRef.FindAllStringSubmatch(q, -1) {
		out[m[1]] = m[1]
		if m[2] != "" && !slices.Contains(notAlias, strings.ToUpper(m[2])) {
			out[m[2]] = m[1]
		}
	}
	return out
}

func tableSizes(ctx context.Context, db *sql.DB) (map[string]int64, error) {
	out := map[string]int64{}
	for _, t := range Growing {
		var n int64
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+database.QuoteIdent(t)).Scan(&n); err != nil {
			return nil, fmt.Errorf("size of %s: %w", t, err)
		}
		out[t] = n
	}
	return out, nil
}

var spaces = regexp.MustCompile(`\s+`)

func oneLine(q string) string { return spaces.ReplaceAllString(strings.TrimSpace(q), " ") }
