package httpapi

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/linli/linli/server/internal/validation"
)

// Problems the strict pass finds, worded for the user.
const (
	msgUnknownField = "不支持的字段"
	msgDuplicate    = "字段重复"
	msgBadEncoding  = "含有无效的字符编码"
)

// checkBody walks a JSON body once, before encoding/json decodes it into a value of type t, and
// refuses what encoding/json would take silently: a key that matches a field only when case is
// ignored (encoding/json takes {"SLOT_ID": 6} for slot_id), a key given twice (encoding/json
// keeps the last), and a string with invalid UTF-8 or a lone surrogate escape (encoding/json puts
// U+FFFD in its place). Problems name the field by its path, as dishes[0].name. Syntax errors
// come back as encoding/json's own, for decodeError.
func checkBody(body []byte, t reflect.Type) error {
	w := walker{dec: json.NewDecoder(bytes.NewReader(body)), body: body}
	return w.value(t, "")
}

type walker struct {
	dec  *json.Decoder
	body []byte
}

// token reads the next token and the raw bytes it came from (with any separator before it).
func (w *walker) token() (json.Token, []byte, error) {
	start := w.dec.InputOffset()
	tok, err := w.dec.Token()
	if err != nil {
		return nil, nil, err
	}
	return tok, w.body[start:w.dec.InputOffset()], nil
}

// value checks the next value, to be decoded into t (nil: anything) at path.
func (w *walker) value(t reflect.Type, path string) error {
	tok, raw, err := w.token()
	if err != nil {
		return err
	}
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return w.object(t, path)
		}
		return w.array(t, path)
	case string:
		if !wellEncoded(raw) {
			if path == "" {
				return errBadJSON
			}
			return validation.Field(path, msgBadEncoding)
		}
	}
	return nil
}

func (w *walker) object(t reflect.Type, path string) error {
	t = elemType(t)
	var fields map[string]reflect.Type
	if t != nil && t.Kind() == reflect.Struct {
		fields = jsonFields(t)
	}
	seen := map[string]bool{}
	for w.dec.More() {
		tok, raw, err := w.token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		at := key
		if path != "" {
			at = path + "." + key
		}
		var elem reflect.Type
		switch {
		case !wellEncoded(raw):
			return validation.Field(at, msgBadEncoding)
		case seen[key]:
			return validation.Field(at, msgDuplicate)
		case fields != nil:
			ft, ok := fields[key]
			if !ok {
				return validation.Field(at, msgUnknownField)
			}
			elem = ft
		case t != nil && t.Kind() == reflect.Map:
			elem = t.Elem()
		}
		seen[key] = true
		if err := w.value(elem, at); err != nil {
			return err
		}
	}
	_, err := w.dec.Token() // the closing brace
	return err
}

func (w *walker) array(t reflect.Type, path string) error {
	t = elemType(t)
	var elem reflect.Type
	if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		elem = t.Elem()
	}
	for i := 0; w.dec.More(); i++ {
		if err := w.value(elem, path+"["+strconv.Itoa(i)+"]"); err != nil {
			return err
		}
	}
	_, err := w.dec.Token() // the closing bracket
	return err
}

// elemType is t without pointers; nil stays nil. Types whose keys we do not know (interfaces,
// scalars a body wrongly gives an object for) come back as they are: their keys are not
// checked, and encoding/json reports the wrong type.
func elemType(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// jsonFields maps the keys encoding/json decodes into struct t to their types, as it names
// them: the tag's name, else the field's; fields of embedded structs promoted.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			if et := elemType(f.Type); et.Kind() == reflect.Struct {
				embedded = append(embedded, et)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	for _, et := range embedded {
		for k, v := range jsonFields(et) {
			if _, ok := out[k]; !ok {
				out[k] = v
			}
		}
	}
	return out
}

// wellEncoded reports whether raw JSON text (a string literal, with what separates it from the
// token before) is valid UTF-8 and escapes no lone surrogate. The decoder has already checked
// its syntax.
func wellEncoded(raw []byte) bool {
	if !utf8.Valid(raw) {
		return false
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		i++
		if i >= len(raw) || raw[i] != 'u' {
			continue // \" \\ \/ \b \f \n \r \t: one character each
		}
		r, ok := hex4(raw, i+1)
		if !ok {
			return false
		}
		i += 4
		if !utf16.IsSurrogate(r) {
			continue
		}
		// A high surrogate must come with a low one, as \uD83D\uDE00 does.
		if r >= 0xDC00 || i+6 >= len(raw) || raw[i+1] != '\\' || raw[i+2] != 'u' {
			return false
		}
		low, ok := hex4(raw, i+3)
		if !ok || low < 0xDC00 || low > 0xDFFF {
			return false
		}
		i += 6
	}
	return true
}

// hex4 reads the four hex digits of a \u escape at raw[at:].
func hex4(raw []byte, at int) (rune, bool) {
	if at+4 > len(raw) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(raw[at:at+4]), 16, 32)
	return rune(n), err == nil
}
