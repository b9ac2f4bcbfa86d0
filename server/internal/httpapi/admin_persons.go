package httpapi

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/validation"
)

// maxMinAge bounds ?min_age=.
const maxMinAge = 150

// registerFilter reads the staff register's filters from the query string (q and order through
// searchParams, as every staff table).
func registerFilter(c *gin.Context) (person.Filter, error) {
	sr, err := searchParams(c, paging.Oldest)
	errs := validation.Errors{}
	_ = errs.Merge(err)
	f := person.Filter{CareLevel: c.Query("care_level"), Query: sr.Q, Order: sr.Order}
	if v := c.Query("building_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			errs.Add("building_id", validation.Invalid)
		}
		f.BuildingID = id
	}
	boolParam := func(name string) *bool {
		switch c.Query(name) {
		case "":
			return nil
		case "true":
			t := true
			return &t
		case "false":
			f := false
			return &f
		}
		errs.Add(name, "应为 true 或 false")
		return nil
	}
	f.LivingAlone = boolParam("living_alone")
	f.Verified = boolParam("verified")
	if v := c.Query("min_age"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxMinAge {
			errs.Add("min_age", "应为 0 到 150 之间的整数")
		}
		f.MinAge = n
	}
	if f.CareLevel != "" && !slices.Contains(person.CareLevels, f.CareLevel) {
		errs.Add("care_level", "应为 self_care、partly_dependent 或 fully_dependent")
	}
	return f, errs.Err()
}

func (s *Server) adminListPersons(c *gin.Context) {
	f, err := registerFilter(c)
	if err != nil {
		fail(c, err)
		return
	}
	p, ok := readPage(c)
	if !ok {
		return
	}
	rows, next, err := s.Persons.Search(c.Request.Context(), communityID(c), f, p)
	replyList(c, rows, next, err, func(l person.Listed) personJSON {
		out := s.personOf(l.Person)
		out.Guardians = &l.Guardians
		return out
	})
}

// maxExportRows caps one CSV export.
const maxExportRows = 50000

var csvHeader = []string{"编号", "姓名", "性别", "出生日期", "年龄", "身份证号", "电话", "楼栋", "单元", "室",
	"独居", "照护等级", "饮食备注", "已核验", "监护人数", "有本人账号", "登记时间"}

var (
	genderNames = map[string]string{person.GenderMale: "男", person.GenderFemale: "女"}
	careNames   = map[string]string{person.CareSelf: "自理", person.CarePartly: "半失能", person.CareFully: "失能"}
)

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// cell guards a value against spreadsheet formula injection: a cell that starts with = + - @
// or a control character is read as text.
func cell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// adminExportPersons writes the register, filtered as the list is, as CSV that Excel opens
// in UTF-8 (with a byte-order mark). Personal data stay masked.
func (s *Server) adminExportPersons(c *gin.Context) {
	f, err := registerFilter(c)
	if err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	rows, next, err := s.Persons.Search(ctx, communityID(c), f, paging.Page{Limit: paging.MaxLimit})
	if err != nil {
		fail(c, err)
		return
	}
	w := startCSV(c, "persons.csv")
	_ = w.Write(csvHeader)
	written := 0
	for {
		for _, l := range rows {
			j := s.personOf(l.Person)
			age := ""
			if j.Age != nil {
				age = strconv.Itoa(*j.Age)
			}
			writeRow(w, strconv.FormatInt(l.ID, 10), l.Name, genderNames[l.Gender], l.BirthDate, age,
				deref(j.IDCard), deref(j.Phone), l.BuildingName, l.Unit, l.Room, yesNo(l.LivingAlone), careNames[l.CareLevel],
				l.DietNotes, yesNo(l.Verified()), strconv.Itoa(l.Guardians), yesNo(j.HasAccount), j.CreatedAt)
			written++
		}
		if next == "" || written >= maxExportRows {
			break
		}
		p, err := paging.Parse(strconv.Itoa(paging.MaxLimit), next)
		if err == nil {
			rows, next, err = s.Persons.Search(ctx, communityID(c), f, p)
		}
		if err != nil {
			// The status is sent; the log says why the file is short.
			logger(c).Error("person export cut short", "error", err.Error())
			break
		}
	}
	w.Flush()
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (s *Server) adminCreatePerson(c *gin.Context) {
	var req personRequest
	if !readBody(c, &req) {
		return
	}
	switch {
	case req.Relation != "":
		fail(c, validation.Field("relation", "不支持的字段"))
		return
	case req.Consent != nil:
		fail(c, validation.Field("consent", "不支持的字段"))
		return
	}
	p, err := s.Persons.RegisterWalkIn(c.Request.Context(), userID(c), communityID(c), req.details(), req.missing())
	reply(c, http.StatusCreated, p, err, s.personOf)
}

func (s *Server) adminVerifyPerson(c *gin.Context) {
	id, ok := readID(c, "id")
	if !ok {
		return
	}
	p, err := s.Persons.Verify(c.Request.Context(), userID(c), communityID(c), id)
	reply(c, http.StatusOK, p, err, s.personOf)
}

type auditJSON struct {
	ID          int64    `json:"id"`
	PersonID    int64    `json:"person_id"`
	ActorUserID *int64   `json:"actor_user_id"`
	ActorName   string   `json:"actor_name"`
	Capacity    string   `json:"capacity"`
	Action      string   `json:"action"`
	Fields      []string `json:"fields"`
	Note        string   `json:"note"`
	CreatedAt   string   `json:"created_at"`
}

func (s *Server) adminPersonAudit(c *gin.Context) {
	id, ok := readID(c, "id")
	if !ok {
		return
	}
	order, ok := readOrder(c, paging.Newest)
	if !ok {
		return
	}
	p, ok := readPage(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	if _, err := s.Persons.InCommunity(ctx, communityID(c), id); err != nil {
		fail(c, err)
		return
	}
	rows, next, err := s.Persons.Audit(ctx, communityID(c), id, order, p)
	replyList(c, rows, next, err, func(e person.Entry) auditJSON {
		return auditJSON{ID: e.ID, PersonID: e.PersonID, ActorUserID: optID(e.ActorUserID), ActorName: e.ActorName,
			Capacity: string(e.Capacity), Action: e.Action, Fields: e.Fields, Note: e.Note, CreatedAt: stamp(e.At)}
	})
}

func (s *Server) adminListRequests(c *gin.Context) {
	status, ok := readChoice(c, "status", person.RequestStatuses)
	if !ok {
		return
	}
	kind, ok := readChoice(c, "kind", person.RequestKinds)
	if !ok {
		return
	}
	sr, ok := readSearch(c, paging.Oldest)
	if !ok {
		return
	}
	p, ok := readPage(c)
	if !ok {
		return
	}
	f := person.RequestFilter{Status: status, Kind: kind, Query: sr.Q, Order: sr.Order}
	rows, next, err := s.Persons.Requests(c.Request.Context(), communityID(c), f, p)
	replyList(c, rows, next, err, requestOf)
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) adminDecide(approve bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req reasonRequest
		// The body is optional: approve needs none.
		id, ok := idAndOptionalBody(c, "id", &req)
		if !ok {
			return
		}
		r, err := s.Persons.Decide(c.Request.Context(), userID(c), communityID(c), id, approve, req.Reason)
		reply(c, http.StatusOK, r, err, requestOf)
	}
}
