package validation_test

import (
	"strings"
	"testing"

	"github.com/linli/linli/server/internal/validation"
)

func TestText(t *testing.T) {
	line := validation.Text{Max: 8, Required: true}
	optional := validation.Text{Max: 8}
	lines := validation.Text{Max: 20, Multiline: true}
	tests := []struct {
		name    string
		rule    validation.Text
		give    string
		want    string // the cleaned text, when there is no problem
		problem string
	}{
		{"plain", line, "王小明", "王小明", ""},
		{"trimmed", line, " \t王小明\u3000 ", "王小明", ""},
		{"zero-width at the ends", line, "\u200b\ufeff王小明\u200d\u2060", "王小明", ""},
		{"zero-width inside kept", line, "王\u200b明", "王\u200b明", ""},
		{"NFC", line, "Jose\u0301", "José", ""},
		{"NFC counts composed", validation.Text{Max: 4}, "Jose\u0301", "José", ""},
		{"only zero-width is empty", line, "\u200b\u200c\u200d\ufeff", "", validation.Required},
		{"only Hangul fillers is empty", line, "\u3164\u115f\uffa0", "", validation.Required},
		{"only spaces is empty", line, " \u3000\u00a0", "", validation.Required},
		{"empty optional", optional, "\u200b", "", ""},
		{"right-to-left override", line, "\u202e王小明", "", validation.BadBidi},
		{"left-to-right embedding", line, "王\u202a小明", "", validation.BadBidi},
		{"isolate", line, "王\u2067小\u2069明", "", validation.BadBidi},
		{"override at the end is refused, not trimmed", line, "王小明\u202c", "", validation.BadBidi},
		{"right-to-left mark is trimmed", line, "\u200f王小明", "王小明", ""},
		{"invalid UTF-8", line, "王\xff", "", validation.BadEncoding},
		{"replacement character", line, "王\ufffd", "", validation.BadEncoding},
		{"NUL", line, "王\x00明", "", validation.BadControl},
		{"bell", lines, "王\a明", "", validation.BadControl},
		{"DEL", line, "王\x7f明", "", validation.BadControl},
		{"C1 control", line, "王\u009b明", "", validation.BadControl},
		{"newline in a line", line, "王\n明", "", validation.NoNewline},
		{"tab in a line", line, "王\t明", "", validation.BadControl},
		{"line separator in a line", line, "王\u2028明", "", validation.NoNewline},
		{"trailing newline of a line trimmed", line, "王小明\r\n", "王小明", ""},
		{"newlines and tabs in lines", lines, "第一行\n\t第二行", "第一行\n\t第二行", ""},
		{"CRLF becomes LF", lines, "a\r\nb\rc\u2028d", "a\nb\nc\nd", ""},
		{"too long", line, strings.Repeat("字", 9), "", "最多 8 个字"},
		{"long once trimmed is fine", line, "  " + strings.Repeat("字", 8) + "  ", strings.Repeat("字", 8), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.give
			errs := validation.Errors{}
			tt.rule.Clean(errs, "f", &v)
			if got := errs["f"]; got != tt.problem {
				t.Fatalf("problem: got %q, want %q", got, tt.problem)
			}
			if tt.problem == "" && v != tt.want {
				t.Errorf("cleaned: got %q, want %q", v, tt.want)
			}
		})
	}
}
