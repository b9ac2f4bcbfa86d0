package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/linli/linli/server/internal/cst"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/validation"
)

// decode reads a JSON body strictly: unknown fields, wrong types, trailing data and an empty
// body are 400s naming the field; a body over the limit is 413.
func decode(c *gin.Context, dst any) error {
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
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
	case errors.As(err, &mbe):
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

// today is the current Asia/Shanghai date.
func today(now time.Time) string { return cst.Today(now) }
