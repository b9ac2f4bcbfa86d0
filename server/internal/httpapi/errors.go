package httpapi

import (
	"context"
	"database/sql/driver"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"syscall"

	"github.com/gin-gonic/gin"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/canteen"
	"github.com/linli/linli/server/internal/community"
	"github.com/linli/linli/server/internal/course"
	"github.com/linli/linli/server/internal/events"
	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/report"
	"github.com/linli/linli/server/internal/safety"
	"github.com/linli/linli/server/internal/upload"
	"github.com/linli/linli/server/internal/validation"
)

// Errors of the HTTP layer itself.
var (
	errBadJSON          = errors.New("malformed JSON")
	errEmptyBody        = errors.New("empty body")
	errNotFound         = errors.New("not found")
	errForbidden        = errors.New("forbidden")
	errMethodNotAllowed = errors.New("method not allowed")
	errTooLarge         = errors.New("body too large")
	errRateLimited      = errors.New("rate limited")
	errUnavailable      = errors.New("dependency unavailable")
	errIdemReused       = errors.New("idempotency key reused with another body")
	errIdemInProgress   = errors.New("request with this idempotency key in progress")
	errBadIdemKey       = errors.New("idempotency key too long")
)

// apiError is one row of the table: the status and the stable code are the contract with the
// mini-program; the message is what it shows.
type apiError struct {
	status  int
	code    string
	message string
}

// errorTable turns every error a handler may meet into its answer. Errors not in it are 500s.
var errorTable = []struct {
	err error
	apiError
}{
	{errBadJSON, apiError{http.StatusBadRequest, "invalid_request", "请求格式不正确"}},
	{errBadIdemKey, apiError{http.StatusBadRequest, "invalid_request", "请求编号太长"}},
	{errEmptyBody, apiError{http.StatusBadRequest, "invalid_request", "请求内容不能为空"}},
	{account.ErrInvalidCode, apiError{http.StatusBadRequest, "invalid_code", "微信授权已失效，请重试"}},
	{account.ErrUnknownRole, apiError{http.StatusBadRequest, "invalid_request", "角色不正确"}},
	{account.ErrUnauthenticated, apiError{http.StatusUnauthorized, "unauthenticated", "请先登录"}},
	{errForbidden, apiError{http.StatusForbidden, "forbidden", "没有权限进行此操作"}},
	{errNotFound, apiError{http.StatusNotFound, "not_found", "内容不存在"}},
	{account.ErrNotFound, apiError{http.StatusNotFound, "not_found", "内容不存在"}},
	{account.ErrNoConsoleRole, apiError{http.StatusForbidden, "forbidden", "您不是社区或食堂工作人员，不能登录工作台"}},
	{account.ErrTicketExpired, apiError{http.StatusConflict, "ticket_expired", "二维码已过期，请在电脑上刷新后重新扫码"}},
	{account.ErrTicketDecided, apiError{http.StatusConflict, "already_decided", "该登录请求已处理"}},
	{community.ErrNotFound, apiError{http.StatusNotFound, "not_found", "内容不存在"}},
	{person.ErrNotFound, apiError{http.StatusNotFound, "not_found", "内容不存在"}},
	{person.ErrNotPrimary, apiError{http.StatusForbidden, "forbidden", "只有主监护人或社区工作人员可以操作"}},
	{person.ErrAlreadyGuardian, apiError{http.StatusConflict, "already_guardian", "您已是该居民的监护人"}},
	{person.ErrRequestPending, apiError{http.StatusConflict, "request_pending", "申请已提交，请等待社区审核"}},
	{person.ErrAlreadyDecided, apiError{http.StatusConflict, "already_decided", "该申请已处理"}},
	{person.ErrAlreadyClaimed, apiError{http.StatusConflict, "already_claimed", "该档案已有本人账号，请到社区核实"}},
	{person.ErrNotApproved, apiError{http.StatusConflict, "guardian_not_approved", "该家属尚未通过社区审核"}},
	{person.ErrTooMany, apiError{http.StatusConflict, "too_many_persons", "最多可管理 20 位家人"}},
	{person.ErrIDCardMismatch, apiError{http.StatusConflict, "id_card_mismatch", "申请人填写的身份证号与档案不符，不能通过，请驳回"}},
	{person.ErrTooManyTries, apiError{http.StatusTooManyRequests, "rate_limited", "填写身份证号的次数太多，请一小时后再试，或到社区服务中心办理"}},
	{canteen.ErrNotFound, apiError{http.StatusNotFound, "not_found", "内容不存在"}},
	{events.ErrNotFound, apiError{http.StatusNotFound, "not_found", "内容不存在"}},
	{report.ErrNotFound, apiError{http.StatusNotFound, "not_found", "内容不存在"}},
	{report.ErrNameTaken, apiError{http.StatusConflict, "name_taken", "名称已存在"}},
	{report.ErrBuildingInGrid, apiError{http.StatusConflict, "building_in_grid", "有楼栋已在其他网格中"}},
	{report.ErrInvalidTransition, apiError{http.StatusConflict, "invalid_transition", "报事当前的状态不能这样操作"}},
	{report.ErrAlreadyClaimed, apiError{http.StatusConflict, "already_claimed", "已有人接单"}},
	{course.ErrNotFound, apiError{http.StatusNotFound, "not_found", "内容不存在"}},
	{safety.ErrNotFound, apiError{http.StatusNotFound, "not_found", "内容不存在"}},
	{safety.ErrClosed, apiError{http.StatusConflict, "alert_closed", "已经有人确认老人平安了"}},
	{course.ErrAlreadyEnrolled, apiError{http.StatusConflict, "already_enrolled", "TA已报名（或在候补名单上）"}},
	{course.ErrClosed, apiError{http.StatusConflict, "enrollment_closed", "报名已截止"}},
	{course.ErrNotInAudience, apiError{http.StatusConflict, "not_in_audience", "这门课不适合TA的年龄"}},
	{course.ErrCapacityBelow, apiError{http.StatusConflict, "capacity_below_enrolled", "名额不能少于已报名人数"}},
	{course.ErrCancelled, apiError{http.StatusConflict, "invalid_transition", "课程已取消，不能再修改"}},
	{course.ErrHasAttendance, apiError{http.StatusConflict, "session_has_attendance", "已有人签到的课次不能删除"}},
	{upload.ErrNotFound, apiError{http.StatusNotFound, "not_found", "内容不存在"}},
	{upload.ErrUnsupported, apiError{http.StatusUnsupportedMediaType, "unsupported_type", "只能上传 JPG、PNG 或 WebP 图片"}},
	{upload.ErrTooLarge, apiError{http.StatusRequestEntityTooLarge, "too_large", "图片尺寸太大，请换一张，或截图后再上传"}},
	{upload.ErrBusy, apiError{http.StatusServiceUnavailable, "unavailable", "现在上传图片的人较多，请稍后再试"}},
	{report.ErrContentRejected, apiError{http.StatusUnprocessableEntity, "content_rejected", "内容含有不适宜的信息，请修改后再提交"}},
	{canteen.ErrRateLimited, apiError{http.StatusTooManyRequests, "rate_limited", "订餐太频繁，请稍后再试"}},
	{canteen.ErrSlotFull, apiError{http.StatusConflict, "slot_full", "该餐次已订满"}},
	{canteen.ErrBookingClosed, apiError{http.StatusConflict, "booking_closed", "已过订餐截止时间或该餐次已停止供应"}},
	{canteen.ErrAlreadyBooked, apiError{http.StatusConflict, "already_booked", "已为TA订过这一餐"}},
	{canteen.ErrModeNotAllowed, apiError{http.StatusConflict, "mode_not_allowed", "该用餐方式不可选，送餐仅限独居或需要照顾的老人"}},
	{canteen.ErrCapacityBelow, apiError{http.StatusConflict, "capacity_below_booked", "份数不能少于已订份数"}},
	{canteen.ErrAlreadyServed, apiError{http.StatusConflict, "already_served", "该取餐码已使用"}},
	{canteen.ErrNameTaken, apiError{http.StatusConflict, "name_taken", "名称已存在"}},
	{canteen.ErrSlotExists, apiError{http.StatusConflict, "slot_exists", "这一天的这一餐已在菜单上"}},
	{canteen.ErrNotDelivery, apiError{http.StatusConflict, "not_delivery", "这不是送餐订单"}},
	{canteen.ErrOutcomeRecorded, apiError{http.StatusConflict, "already_recorded", "该订单已登记送达结果"}},
	{errMethodNotAllowed, apiError{http.StatusMethodNotAllowed, "method_not_allowed", "不支持该请求方式"}},
	{community.ErrNameTaken, apiError{http.StatusConflict, "name_taken", "名称已存在"}},
	{account.ErrLastStaff, apiError{http.StatusConflict, "last_staff", "社区至少要保留一名工作人员"}},
	{errIdemInProgress, apiError{http.StatusConflict, "request_in_progress", "请求正在处理，请稍候"}},
	{errTooLarge, tooLarge},
	{errIdemReused, apiError{http.StatusUnprocessableEntity, "idempotency_key_reused", "请求编号已用于其他内容"}},
	{errRateLimited, apiError{http.StatusTooManyRequests, "rate_limited", "操作太频繁，请稍后再试"}},
	{errUnavailable, unavailable},
}

var (
	// personExists is an ID card on file in a record the caller may see (person_id names it).
	personExists   = apiError{http.StatusConflict, "person_exists", "该居民已在本社区登记"}
	invalidRequest = apiError{http.StatusBadRequest, "invalid_request", "请求参数有误"}
	internalError  = apiError{http.StatusInternalServerError, "internal", "服务器开小差了，请稍后再试"}
	tooLarge       = apiError{http.StatusRequestEntityTooLarge, "too_large", "内容太大"}
	unavailable    = apiError{http.StatusServiceUnavailable, "unavailable", "服务暂时不可用，请稍后再试"}
)

// personExistsHidden is person_exists to a caller who may not see the record, which is therefore
// not named: only moving one's own record to a community where its ID card is on file. A relative
// registering or editing a record is answered as for any ID card instead (person.Register).
var personExistsHidden = apiError{http.StatusConflict, "person_exists", "该身份证号已在本社区登记，请到社区服务中心核实"}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	RequestID string            `json:"request_id"`
	Fields    map[string]string `json:"fields,omitempty"`
	// PersonID is the record a person_exists conflict is about, to a caller who may see it.
	PersonID int64 `json:"person_id,omitempty"`
}

// lookup finds err's answer; ok is false for an unexpected error.
func lookup(err error) (apiError, map[string]string, bool) {
	var fields validation.Errors
	if errors.As(err, &fields) {
		return invalidRequest, fields, true
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge, nil, true
	}
	for _, row := range errorTable {
		if errors.Is(err, row.err) {
			return row.apiError, nil, true
		}
	}
	if isUnavailable(err) {
		return unavailable, nil, true
	}
	return internalError, nil, false
}

// isUnavailable tells a dependency that cannot be reached from a bug.
func isUnavailable(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, context.DeadlineExceeded)
}

// fail answers with err's envelope and aborts the chain. Unexpected errors are logged once, with
// the request id, and the client gets a generic message.
func fail(c *gin.Context, err error) {
	var exists *person.ExistsError
	if errors.As(err, &exists) {
		ae := personExists
		if exists.PersonID == 0 {
			ae = personExistsHidden
		}
		c.AbortWithStatusJSON(ae.status, errorBody{Error: errorDetail{
			Code: ae.code, Message: ae.message, RequestID: requestID(c), PersonID: exists.PersonID,
		}})
		return
	}
	ae, fields, known := lookup(err)
	if !known || ae.status >= 500 {
		logger(c).LogAttrs(c.Request.Context(), slog.LevelError, "request failed", slog.String("error", err.Error()))
	}
	writeError(c, ae, fields)
}

func writeError(c *gin.Context, ae apiError, fields map[string]string) {
	c.AbortWithStatusJSON(ae.status, errorBody{Error: errorDetail{
		Code: ae.code, Message: ae.message, RequestID: requestID(c), Fields: fields,
	}})
}
