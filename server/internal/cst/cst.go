// Package cst is China Standard Time, in which the product shows times and counts days.
package cst

import "time"

// Zone is UTC+8. China keeps no daylight saving, so a fixed zone is exact and needs no tz
// database in the image.
var Zone = time.FixedZone("CST", 8*3600)

// Today is the Asia/Shanghai date of now (YYYY-MM-DD).
func Today(now time.Time) string { return now.In(Zone).Format(time.DateOnly) }

// Stamp formats t as API.md asks: RFC 3339 with +08:00.
func Stamp(t time.Time) string { return t.In(Zone).Format(time.RFC3339) }
