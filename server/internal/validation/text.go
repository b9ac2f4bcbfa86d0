package validation

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Text is the rule for one free-text field: a name, a title, a place, an address, a note, a
// reason. Every free-text field a request carries goes through one, so what is stored is what
// people will read: normalised (NFC), trimmed, without characters that change how text around
// it reads.
type Text struct {
	// Max is the most characters (code points, after cleaning).
	Max int
	// Required refuses text that is empty once cleaned: a name of only spaces or zero-width
	// characters is empty.
	Required bool
	// Multiline allows newlines and tabs inside (descriptions, notes, reasons); line breaks are
	// kept as \n.
	Multiline bool
}

// Messages for text that cannot be taken.
const (
	BadEncoding = "含有无效的字符编码"
	BadControl  = "含有不支持的控制字符"
	BadBidi     = "含有不支持的文字方向控制字符"
	NoNewline   = "不能换行"
)

// Clean normalises *v in place and records its first problem under field: invalid UTF-8 (or
// U+FFFD, which is what a JSON decoder leaves of it), bidirectional overrides and isolates
// (U+202A–U+202E, U+2066–U+2069: they make text read otherwise than it is stored), control
// characters (but newline and tab where Multiline), then emptiness and length. Spaces and
// invisible characters (zero-width spaces, joiners, the BOM, Hangul fillers...) are trimmed at
// both ends.
func (r Text) Clean(errs Errors, field string, v *string) {
	if msg := r.clean(v); msg != "" {
		errs.Add(field, msg)
	}
}

// Check is Clean for a single field: nil, or the field's problem.
func (r Text) Check(field string, v *string) error {
	errs := Errors{}
	r.Clean(errs, field, v)
	return errs.Err()
}

func (r Text) clean(v *string) string {
	s := *v
	if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
		return BadEncoding
	}
	s = norm.NFC.String(s)
	if strings.ContainsFunc(s, isBidiControl) {
		return BadBidi
	}
	if r.Multiline {
		s = lineBreaks.Replace(s)
	}
	s = strings.TrimFunc(s, invisible)
	*v = s
	for _, c := range s {
		switch {
		case r.Multiline && (c == '\n' || c == '\t'):
		case !r.Multiline && (c == '\n' || c == '\r' || c == '\u2028' || c == '\u2029'):
			return NoNewline
		case unicode.IsControl(c):
			return BadControl
		}
	}
	switch {
	case r.Required && s == "":
		return Required
	case utf8.RuneCountInString(s) > r.Max:
		return fmt.Sprintf("最多 %d 个字", r.Max)
	}
	return ""
}

// lineBreaks turns every line break into \n.
var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n")

// isBidiControl reports the embedding, override and isolate controls of the Unicode
// bidirectional algorithm. The marks (U+200E, U+200F, U+061C) are not among them: they change
// nothing but neutral characters next to them, and are trimmed at the ends like any invisible.
func isBidiControl(c rune) bool {
	return (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')
}

// invisible reports a character that shows nothing by itself: white space, format characters
// (zero-width space, joiners, the BOM, soft hyphen, directional marks) and the blank letters
// used to fake an empty name (the Hangul fillers, the combining grapheme joiner, the blank
// Braille pattern).
func invisible(c rune) bool {
	switch c {
	case '\u034f', '\u115f', '\u1160', '\u3164', '\uffa0', '\u2800':
		return true
	}
	return unicode.IsSpace(c) || unicode.Is(unicode.Cf, c)
}
