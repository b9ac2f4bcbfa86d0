// Package validation collects per-field problems with a request, worded for the user.
package validation

import (
	"regexp"
	"sort"
	"strings"
)

var mobilePattern = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// Mobile reports whether s is a mainland mobile number (11 digits).
func Mobile(s string) bool { return mobilePattern.MatchString(s) }

// Errors maps a request field to what is wrong with it, in Chinese (the mini-program shows it).
type Errors map[string]string

// Error lists the fields, for logs.
func (e Errors) Error() string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return "invalid fields: " + strings.Join(keys, ", ")
}

// Add records a problem with field, keeping the first one found.
func (e Errors) Add(field, msg string) {
	if _, ok := e[field]; !ok {
		e[field] = msg
	}
}

// Err is nil when nothing was recorded.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// Field is a single-field error.
func Field(field, msg string) error { return Errors{field: msg} }

// Common messages.
const (
	Required = "必填"
	TooLong  = "太长"
	Invalid  = "格式不正确"
)

// Merge adds the fields of err, when it is Errors, and returns e's error; any other error is
// returned as it is.
func (e Errors) Merge(err error) error {
	if err == nil {
		return e.Err()
	}
	more, ok := err.(Errors)
	if !ok {
		return err
	}
	for k, v := range more {
		e.Add(k, v)
	}
	return e.Err()
}

// Point checks a map point given as lat and lng, both or neither (then it records nothing): it
// must lie within China's bounds, which also catches the two swapped.
func (e Errors) Point(lat, lng *float64) {
	switch {
	case (lat == nil) != (lng == nil):
		e.Add("lat", "lat 和 lng 须同时填写")
	case lat != nil && (*lat < 3 || *lat > 54 || *lng < 73 || *lng > 136):
		e.Add("lat", "坐标不在中国境内")
	}
}
