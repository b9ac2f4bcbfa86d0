package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/linli/linli/server/internal/cst"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/validation"
)

// decode reads a JSON body strictly: unknown fields, keys in another case, duplicated keys,
// invalid UTF-8, wrong types, trailing data and an empty body are 400s naming the field; a body
// over the limit is 413.
func decode(c *gin.Context, dst any) error {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return decodeError(err)
	}
	if err := checkBody(body, reflect.TypeOf(dst)); err != nil {
		return decodeError(err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return errBadJSON
	}
	return nil
}

func decodeError(err error) error {
	var (
		mbe *http.MaxBytesError
		ute *json.UnmarshalTypeError
		se  *json.SyntaxError
	)
	switch {
	case errors.As(err, &mbe), errors.As(err, new(validation.Errors)), errors.Is(err, errBadJSON):
		return err
	case errors.Is(err, io.EOF):
		return errEmptyBody
	case errors.As(err, &ute):
		field := ute.Field
		if field == "" {
			return errBadJSON
		}
		return validation.Field(field, "类型不正确")
	case errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF):
		return errBadJSON
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return validation.Field(strings.Trim(name, `"`), "不支持的字段")
	}
	return errBadJSON
}

// pathID reads a positive id from the path; anything else is not found, as API.md asks.
func pathID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 || id == math.MaxInt64 {
		return 0, errNotFound
	}
	return id, nil
}

func page(c *gin.Context) (paging.Page, error) {
	return paging.Parse(c.Query("limit"), c.Query("cursor"))
}

// list is the shape of every list answer.
type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func listOf[S, T any](rows []S, next string, conv func(S) T) list[T] {
	out := list[T]{Items: make([]T, 0, len(rows)), NextCursor: next}
	for _, r := range rows {
		out.Items = append(out.Items, conv(r))
	}
	return out
}

// stamp formats a time as API.md asks: RFC 3339 with +08:00.
func stamp(t time.Time) string { return cst.Stamp(t) }

// optStamp is a time's stamp, or nil for the zero time.
func optStamp(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	v := stamp(t)
	return &v
}

// today is the current Asia/Shanghai date.
func today(now time.Time) string { return cst.Today(now) }

// answered answers err's envelope if there is an error, and reports whether there was none.
func answered(c *gin.Context, err error) bool {
	if err != nil {
		fail(c, err)
		return false
	}
	return true
}

// readID reads the path parameter name as an id; false after answering the error.
func readID(c *gin.Context, name string) (int64, bool) {
	id, err := pathID(c, name)
	return id, answered(c, err)
}

// readBody decodes the JSON body into dst; false after answering the error.
func readBody(c *gin.Context, dst any) bool { return answered(c, decode(c, dst)) }

// decodeOptional is decode for a body that may be left out: without one, dst stays as it is.
func decodeOptional(c *gin.Context, dst any) error {
	if c.Request.ContentLength == 0 {
		return nil
	}
	return decode(c, dst)
}

// readOptionalBody is readBody for a body that may be left out.
func readOptionalBody(c *gin.Context, dst any) bool { return answered(c, decodeOptional(c, dst)) }

// idAndBody is readID then readBody.
func idAndBody(c *gin.Context, name string, dst any) (int64, bool) {
	id, ok := readID(c, name)
	return id, ok && readBody(c, dst)
}

// idAndOptionalBody is readID then readOptionalBody.
func idAndOptionalBody(c *gin.Context, name string, dst any) (int64, bool) {
	id, ok := readID(c, name)
	return id, ok && readOptionalBody(c, dst)
}

// readPage reads ?limit= and ?cursor=; false after answering the error.
func readPage(c *gin.Context) (paging.Page, bool) {
	p, err := page(c)
	return p, answered(c, err)
}

// readChoice reads an optional query parameter that must be one of allowed ("" when absent);
// false after answering the error, which names the values allowed.
func readChoice(c *gin.Context, name string, allowed []string) (string, bool) {
	v := c.Query(name)
	if v != "" && !slices.Contains(allowed, v) {
		fail(c, validation.Field(name, "应为 "+strings.Join(allowed, "、")+" 之一"))
		return "", false
	}
	return v, true
}

// readOrder reads ?order= (newest or oldest), def when absent.
func readOrder(c *gin.Context, def paging.Order) (paging.Order, bool) {
	o, err := paging.ParseOrder(c.Query("order"), def)
	return o, answered(c, err)
}

// search is what a staff table asks of its list besides the page: a text to look for and an
// order by time.
type search struct {
	// Q is the text to look for ("" lists all), checked by the text rule every free-text field
	// follows and bounded by maxSearch.
	Q     string
	Order paging.Order
}

// readSearch reads ?q= and ?order= (newest or oldest, def when absent) for a staff table; false
// after answering the error (both fields' problems together).
func readSearch(c *gin.Context, def paging.Order) (search, bool) {
	s, err := searchParams(c, def)
	return s, answered(c, err)
}

// searchParams is readSearch for a list with more filters, whose problems it answers together.
func searchParams(c *gin.Context, def paging.Order) (search, error) {
	errs := validation.Errors{}
	q, err := queryText(c, "q", validation.Text{Max: maxSearch})
	if err != nil {
		_ = errs.Merge(err)
	}
	o, err := paging.ParseOrder(c.Query("order"), def)
	if err != nil {
		_ = errs.Merge(err)
	}
	return search{Q: q, Order: o}, errs.Err()
}

// reply answers err's envelope, or status with view(v).
func reply[T, J any](c *gin.Context, status int, v T, err error, view func(T) J) {
	if answered(c, err) {
		c.JSON(status, view(v))
	}
}

// replyList answers err's envelope, or 200 with a page of rows through view.
func replyList[T, J any](c *gin.Context, rows []T, next string, err error, view func(T) J) {
	reply(c, http.StatusOK, rows, err, func(rows []T) list[J] { return listOf(rows, next, view) })
}
