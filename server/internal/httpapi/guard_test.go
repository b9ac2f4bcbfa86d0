package httpapi_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/history"
	"github.com/linli/linli/server/internal/mysqltest"
	"github.com/linli/linli/server/internal/querycheck"
)

// guardScale is the history the query guard seeds: enough rows that the optimizer plans as it
// does for a real community (tens of thousands of orders), little enough to seed in seconds.
const guardScale = 0.02

// guardWanted: the query guard runs after the whole package passed, not after a few tests chosen
// with -run (their statements are not all the server sends), unless LINLI_QUERY_GUARD=on asks
// for it after those few too.
func guardWanted() bool {
	switch os.Getenv("LINLI_QUERY_GUARD") {
	case "off":
		return false
	case "on":
		return true
	}
	f := flag.Lookup("test.run")
	return f == nil || f.Value.String() == ""
}

// guard is the query guard (server/internal/querycheck): every statement the tests of this
// package sent is explained against a database seeded with history, and any whose plan grows
// with that history fails the run.
func guard(stmts []database.Statement) int {
	start := time.Now()
	fail := func(format string, args ...any) int {
		fmt.Printf("--- FAIL: query guard\n    "+format+"\n", args...)
		return 1
	}
	db, _, drop, err := mysqltest.Fresh(true)
	defer func() {
		if err := drop(); err != nil {
			fmt.Println("query guard:", err)
		}
	}()
	if err != nil {
		return fail("%v", err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := history.Seed(ctx, db, history.Options{Scale: guardScale}); err != nil {
		return fail("seed history: %v", err)
	}
	res, err := querycheck.Check(ctx, db, stmts)
	if err != nil {
		return fail("%v", err)
	}
	if len(res.Findings) > 0 {
		msg := fmt.Sprintf("%d of %d statements have plans that grow with history:", len(res.Findings), res.Explained)
		for _, f := range res.Findings {
			msg += "\n    " + f.String()
		}
		return fail("%s", msg)
	}
	fmt.Printf("query guard: %d statements sent by the tests, %d explained against history (scale %v), none grows with it (%s); too few rows to judge: %s\n",
		len(stmts), res.Explained, guardScale, time.Since(start).Round(time.Millisecond), strings.Join(res.Unjudged, ", "))
	return 0
}
