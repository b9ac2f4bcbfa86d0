package httpapi

import (
	"errors"
	"reflect"
	"testing"

	"github.com/linli/linli/server/internal/validation"
)

type strictInner struct {
	Name string `json:"name"`
}

type strictEmbedded struct {
	Note string `json:"note"`
}

type strictBody struct {
	strictEmbedded
	Name    string            `json:"name"`
	Items   []strictInner     `json:"items"`
	Ptr     *[]strictInner    `json:"ptr"`
	Labels  map[string]string `json:"labels"`
	Any     any               `json:"any"`
	Skipped string            `json:"-"`
	Plain   int
}

// TestCheckBody: what encoding/json would take silently is refused with the field's path; what
// it takes rightly passes.
func TestCheckBody(t *testing.T) {
	tests := []struct {
		name, give string
		want       string // the field named; "" for no problem; "!" for malformed JSON
	}{
		{"exact keys", `{"name": "王", "note": "n", "Plain": 1, "items": [{"name": "a"}], "ptr": [{"name": "b"}], "labels": {"X": "y"}, "any": {"A": 1}}`, ""},
		{"null and empty", `{"name": null, "items": [], "labels": {}}`, ""},
		{"key in another case", `{"NAME": "王"}`, "NAME"},
		{"embedded key in another case", `{"Note": "n"}`, "Note"},
		{"go name of a tagged field", `{"Name": "王"}`, "Name"},
		{"skipped field", `{"Skipped": "x"}`, "Skipped"},
		{"duplicate", `{"name": "a", "name": "b"}`, "name"},
		{"duplicate in an array", `{"items": [{"name": "a"}, {"name": "a", "name": "b"}]}`, "items[1].name"},
		{"wrong case through a pointer", `{"ptr": [{"NAME": "a"}]}`, "ptr[0].NAME"},
		{"duplicate map key", `{"labels": {"x": "1", "x": "2"}}`, "labels.x"},
		{"duplicate under any", `{"any": {"a": 1, "a": 2}}`, "any.a"},
		{"invalid UTF-8", "{\"name\": \"\xff王\"}", "name"},
		{"invalid UTF-8 deep", "{\"items\": [{\"name\": \"a\xc3\"}]}", "items[0].name"},
		{"lone high surrogate", `{"name": "\ud83d"}`, "name"},
		{"lone low surrogate", `{"name": "\ude00x"}`, "name"},
		{"high then not low", `{"name": "\ud83d\u0041"}`, "name"},
		{"surrogate pair", `{"name": "\ud83d\ude00"}`, ""},
		{"escaped backslash before u", `{"name": "\\ud83d"}`, ""},
		{"replacement character sent as such", `{"name": "\ufffd"}`, ""},
		{"invalid UTF-8 in a key", "{\"na\xffme\": 1}", "na\ufffdme"},
		{"wrong type is left to encoding/json", `{"name": {"X": 1}}`, ""},
		{"syntax error", `{"name": }`, "!"},
		{"truncated", `{"name": "a"`, "!"},
	}
	typ := reflect.TypeOf(&strictBody{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkBody([]byte(tt.give), typ)
			var fields validation.Errors
			switch {
			case tt.want == "":
				if err != nil {
					t.Errorf("got %v, want no problem", err)
				}
			case tt.want == "!":
				if err == nil || errors.As(err, &fields) {
					t.Errorf("got %v, want a syntax error", err)
				}
			case !errors.As(err, &fields) || fields[tt.want] == "":
				t.Errorf("got %v, want a problem with %q", err, tt.want)
			}
		})
	}
}
