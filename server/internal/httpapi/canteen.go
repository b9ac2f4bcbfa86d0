package httpapi

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/linli/linli/server/internal/canteen"
	"github.com/linli/linli/server/internal/cst"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/pii"
	"github.com/linli/linli/server/internal/validation"
)

type canteenJSON struct {
	ID             int64          `json:"id"`
	CommunityID    int64          `json:"community_id"`
	Name           string         `json:"name"`
	Address        string         `json:"address"`
	DeliveryForAll bool           `json:"delivery_for_all"`
	Cutoffs        map[string]int `json:"cutoffs"`
}

func canteenOf(c canteen.Canteen) canteenJSON {
	return canteenJSON{ID: c.ID, CommunityID: c.CommunityID, Name: c.Name, Address: c.Address, DeliveryForAll: c.DeliveryForAll, Cutoffs: c.Cutoffs}
}

type canteenPatchRequest struct {
	Name           *string        `json:"name"`
	Address        *string        `json:"address"`
	DeliveryForAll *bool          `json:"delivery_for_all"`
	Cutoffs        map[string]int `json:"cutoffs"`
}

func (s *Server) adminPatchCanteen(c *gin.Context) {
	var req canteenPatchRequest
	id, ok := idAndBody(c, "id", &req)
	if !ok {
		return
	}
	ct, err := s.Canteens.UpdateCanteen(c.Request.Context(), communityID(c), id, canteen.CanteenPatch{
		Name: req.Name, Address: req.Address, DeliveryForAll: req.DeliveryForAll, Cutoffs: req.Cutoffs,
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, canteenOf(ct))
}

type slotJSON struct {
	ID          int64          `json:"id"`
	CanteenID   int64          `json:"canteen_id"`
	Date        string         `json:"date"`
	Meal        string         `json:"meal"`
	Dishes      []canteen.Dish `json:"dishes"`
	Capacity    int            `json:"capacity"`
	Booked      int            `json:"booked"`
	Remaining   int            `json:"remaining"`
	PriceFen    int            `json:"price_fen"`
	BookBy      string         `json:"book_by"`
	Modes       []string       `json:"modes"`
	Closed      bool           `json:"closed"`
	CloseReason string         `json:"close_reason"`
}

func slotOf(s canteen.Slot) slotJSON {
	return slotJSON{ID: s.ID, CanteenID: s.CanteenID, Date: s.Date, Meal: s.Meal, Dishes: s.Dishes, Capacity: s.Capacity,
		Booked: s.Booked, Remaining: s.Remaining(), PriceFen: s.PriceFen, BookBy: stamp(s.BookBy), Modes: s.Modes,
		Closed: s.Closed(), CloseReason: s.CloseReason}
}

type orderJSON struct {
	ID          int64  `json:"id"`
	Status      string `json:"status"`
	SlotID      int64  `json:"slot_id"`
	PersonID    int64  `json:"person_id"`
	PersonName  string `json:"person_name"`
	CanteenID   int64  `json:"canteen_id"`
	CanteenName string `json:"canteen_name"`
	Date        string `json:"date"`
	Meal        string `json:"meal"`
	Mode        string `json:"mode"`
	Note        string `json:"note"`
	PriceFen    int    `json:"price_fen"`
	SubsidyFen  int    `json:"subsidy_fen"`
	PayFen      int    `json:"pay_fen"`
	SubsidyNote string `json:"subsidy_note"`
	PickupCode  string `json:"pickup_code"`
	BookBy      string `json:"book_by"`
	Cancellable bool   `json:"cancellable"`
	OutcomeNote string `json:"outcome_note"`
	CreatedAt   string `json:"created_at"`
}

func (s *Server) orderOf(o canteen.Order) orderJSON {
	return orderJSON{ID: o.ID, Status: o.Status, SlotID: o.SlotID, PersonID: o.PersonID, PersonName: o.PersonName,
		CanteenID: o.CanteenID, CanteenName: o.CanteenName, Date: o.Date, Meal: o.Meal, Mode: o.Mode, Note: o.Note,
		PriceFen: o.PriceFen, SubsidyFen: o.SubsidyFen, PayFen: o.PayFen, SubsidyNote: o.SubsidyNote, PickupCode: o.PickupCode,
		BookBy: stamp(o.BookBy), Cancellable: o.Status == canteen.StatusBooked && s.Now().Before(o.BookBy),
		OutcomeNote: o.OutcomeNote, CreatedAt: stamp(o.CreatedAt)}
}

// optionalUser is the signed-in caller of a public route, 0 when there is none.
func (s *Server) optionalUser(c *gin.Context) int64 {
	token, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok || token == "" {
		return 0
	}
	id, _, err := s.accounts.Authenticate(c.Request.Context(), strings.TrimSpace(token))
	if err != nil {
		return 0
	}
	return id
}

// queryPersonID reads ?person_id=, 0 when absent; a malformed one is a person the caller may
// not see (404), like any other.
func queryPersonID(c *gin.Context) (int64, bool) {
	id, err := queryID(c, "person_id")
	if err != nil {
		fail(c, errNotFound)
		return 0, false
	}
	return id, true
}

// queryID reads an optional positive id from the query string.
func queryID(c *gin.Context, name string) (int64, error) {
	raw := c.Query(name)
	if raw == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, validation.Field(name, validation.Invalid)
	}
	return id, nil
}

// browsedCommunity is the community a public list is about: ?community_id=, else the signed-in
// user's own.
func (s *Server) browsedCommunity(c *gin.Context) (int64, error) {
	cid, err := queryID(c, "community_id")
	if err != nil {
		return 0, err
	}
	if cid == 0 {
		if uid := s.optionalUser(c); uid != 0 {
			cid, _ = s.accounts.HomeCommunity(c.Request.Context(), uid)
		}
		if cid == 0 {
			return 0, validation.Field("community_id", validation.Required)
		}
	}
	return cid, nil
}

func (s *Server) listCanteens(c *gin.Context) {
	cid, err := s.browsedCommunity(c)
	if err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	sr, ok := readSearch(c, paging.Oldest)
	if !ok {
		return
	}
	p, ok := readPage(c)
	if !ok {
		return
	}
	rows, next, err := s.Canteens.Canteens(ctx, cid, sr.Q, sr.Order, p)
	replyList(c, rows, next, err, canteenOf)
}

func (s *Server) listSlots(c *gin.Context) {
	id, ok := readID(c, "id")
	if !ok {
		return
	}
	ctx := c.Request.Context()
	if _, err := s.Canteens.Canteen(ctx, id); err != nil {
		fail(c, err)
		return
	}
	from, to, err := s.Canteens.CheckRange(c.Query("from"), c.Query("to"))
	if err != nil {
		fail(c, err)
		return
	}
	rows, err := s.Canteens.Slots(ctx, id, from, to)
	replyList(c, rows, "", err, slotOf)
}

type bookRequest struct {
	SlotID   int64  `json:"slot_id"`
	PersonID int64  `json:"person_id"`
	Mode     string `json:"mode"`
	Note     string `json:"note"`
}

func (s *Server) bookMeal(c *gin.Context) {
	var req bookRequest
	if !readBody(c, &req) {
		return
	}
	o, err := s.Canteens.Book(c.Request.Context(), userID(c), canteen.BookInput{SlotID: req.SlotID, PersonID: req.PersonID, Mode: req.Mode, Note: req.Note})
	reply(c, http.StatusCreated, o, err, s.orderOf)
}

func (s *Server) quoteMeal(c *gin.Context) {
	slotID, err1 := queryID(c, "slot_id")
	personID, err2 := queryID(c, "person_id")
	errs := validation.Errors{}
	if err1 != nil || slotID == 0 {
		errs.Add("slot_id", validation.Required)
	}
	if err2 != nil || personID == 0 {
		errs.Add("person_id", validation.Required)
	}
	if err := errs.Err(); err != nil {
		fail(c, err)
		return
	}
	q, err := s.Canteens.Quote(c.Request.Context(), userID(c), slotID, personID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"price_fen": q.PriceFen, "subsidy_fen": q.SubsidyFen, "pay_fen": q.PayFen, "subsidy_note": q.SubsidyNote})
}

func (s *Server) listOrders(c *gin.Context) {
	personID, ok := queryPersonID(c)
	if !ok {
		return
	}
	status, ok := readChoice(c, "status", canteen.OrderStatuses)
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
	rows, next, err := s.Canteens.Orders(c.Request.Context(), userID(c), personID, status, order, p)
	replyList(c, rows, next, err, s.orderOf)
}

func (s *Server) cancelOrder(c *gin.Context) {
	id, ok := readID(c, "id")
	if !ok {
		return
	}
	o, err := s.Canteens.Cancel(c.Request.Context(), userID(c), id)
	reply(c, http.StatusOK, o, err, s.orderOf)
}

type canteenRequest struct {
	Name           string `json:"name"`
	Address        string `json:"address"`
	DeliveryForAll bool   `json:"delivery_for_all"`
}

func (s *Server) adminCreateCanteen(c *gin.Context) {
	var req canteenRequest
	if !readBody(c, &req) {
		return
	}
	ct, err := s.Canteens.CreateCanteen(c.Request.Context(), communityID(c), req.Name, req.Address, req.DeliveryForAll)
	reply(c, http.StatusCreated, ct, err, canteenOf)
}

// canteenFor reads the path's canteen, which must be of the community the route acts in.
func (s *Server) canteenFor(c *gin.Context) (canteen.Canteen, bool) {
	id, err := pathID(c, "id")
	if err == nil {
		var ct canteen.Canteen
		if ct, err = s.Canteens.CanteenIn(c.Request.Context(), communityID(c), id); err == nil {
			return ct, true
		}
	}
	fail(c, err)
	return canteen.Canteen{}, false
}

type slotRequest struct {
	Date     string         `json:"date"`
	Meal     string         `json:"meal"`
	Dishes   []canteen.Dish `json:"dishes"`
	Capacity int            `json:"capacity"`
	PriceFen int            `json:"price_fen"`
	BookBy   string         `json:"book_by"`
	Modes    []string       `json:"modes"`
}

// parseStamp reads a time in RFC 3339; the domain checks it lies in its window.
func parseStamp(field, v string) (time.Time, error) {
	errs := validation.Errors{}
	t, _ := validation.ParseTime(errs, field, v)
	return t, errs.Err()
}

func (s *Server) adminCreateSlot(c *gin.Context) {
	ct, ok := s.canteenFor(c)
	if !ok {
		return
	}
	var req slotRequest
	if !readBody(c, &req) {
		return
	}
	in := canteen.SlotInput{Date: req.Date, Meal: req.Meal, Dishes: req.Dishes, Capacity: req.Capacity, PriceFen: req.PriceFen, Modes: req.Modes}
	if req.BookBy != "" {
		t, err := parseStamp("book_by", req.BookBy)
		if err != nil {
			fail(c, err)
			return
		}
		in.BookBy = t
	}
	sl, err := s.Canteens.CreateSlot(c.Request.Context(), ct, in)
	reply(c, http.StatusCreated, sl, err, slotOf)
}

type slotPatchRequest struct {
	Dishes   *[]canteen.Dish `json:"dishes"`
	Capacity *int            `json:"capacity"`
	PriceFen *int            `json:"price_fen"`
	BookBy   *string         `json:"book_by"`
	Modes    *[]string       `json:"modes"`
}

func (s *Server) adminPatchSlot(c *gin.Context) {
	var req slotPatchRequest
	id, ok := idAndBody(c, "id", &req)
	if !ok {
		return
	}
	p := canteen.SlotPatch{Dishes: req.Dishes, Capacity: req.Capacity, PriceFen: req.PriceFen, Modes: req.Modes}
	if req.BookBy != nil {
		t, err := parseStamp("book_by", *req.BookBy)
		if err != nil {
			fail(c, err)
			return
		}
		p.BookBy = &t
	}
	sl, err := s.Canteens.UpdateSlot(c.Request.Context(), communityID(c), id, p)
	reply(c, http.StatusOK, sl, err, slotOf)
}

func (s *Server) adminCloseSlot(c *gin.Context) {
	var req reasonRequest
	id, ok := idAndOptionalBody(c, "id", &req)
	if !ok {
		return
	}
	sl, err := s.Canteens.CloseSlot(c.Request.Context(), userID(c), communityID(c), id, req.Reason)
	reply(c, http.StatusOK, sl, err, slotOf)
}

type copyWeekRequest struct {
	WeekStart string `json:"week_start"`
}

func (s *Server) adminCopyWeek(c *gin.Context) {
	ct, ok := s.canteenFor(c)
	if !ok {
		return
	}
	var req copyWeekRequest
	if !readBody(c, &req) {
		return
	}
	rows, err := s.Canteens.CopyWeek(c.Request.Context(), ct, req.WeekStart)
	replyList(c, rows, "", err, slotOf)
}

type ruleJSON struct {
	MinAge     int     `json:"min_age"`
	MaxAge     *int    `json:"max_age"`
	Status     *string `json:"status"`
	SubsidyFen *int    `json:"subsidy_fen"`
	Percent    *int    `json:"percent"`
	DailyLimit int     `json:"daily_limit"`
}

func optInt(v int) *int {
	if v == 0 {
		return nil
	}
	return &v
}

func rulesOf(rules []canteen.Rule) gin.H {
	out := make([]ruleJSON, 0, len(rules))
	for _, r := range rules {
		out = append(out, ruleJSON{MinAge: r.MinAge, MaxAge: optInt(r.MaxAge), Status: optString(r.Status),
			SubsidyFen: optInt(r.SubsidyFen), Percent: optInt(r.Percent), DailyLimit: r.DailyLimit})
	}
	return gin.H{"rules": out}
}

func (s *Server) adminGetRules(c *gin.Context) {
	rules, err := s.Canteens.Rules(c.Request.Context(), communityID(c))
	reply(c, http.StatusOK, rules, err, rulesOf)
}

func (s *Server) adminPutRules(c *gin.Context) {
	var req struct {
		Rules []ruleJSON `json:"rules"`
	}
	if !readBody(c, &req) {
		return
	}
	if req.Rules == nil {
		fail(c, validation.Field("rules", validation.Required))
		return
	}
	in := make([]canteen.Rule, 0, len(req.Rules))
	deref := func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	}
	for _, r := range req.Rules {
		rule := canteen.Rule{MinAge: r.MinAge, MaxAge: deref(r.MaxAge), SubsidyFen: deref(r.SubsidyFen), Percent: deref(r.Percent), DailyLimit: r.DailyLimit}
		if r.Status != nil {
			rule.Status = *r.Status
		}
		in = append(in, rule)
	}
	rules, err := s.Canteens.SetRules(c.Request.Context(), communityID(c), in)
	reply(c, http.StatusOK, rules, err, rulesOf)
}

func (s *Server) adminSetSubsidyStatus(c *gin.Context) {
	var req struct {
		Status string `json:"status"`
	}
	id, ok := idAndBody(c, "id", &req)
	if !ok {
		return
	}
	p, err := s.Persons.SetSubsidyStatus(c.Request.Context(), userID(c), communityID(c), id, req.Status)
	reply(c, http.StatusOK, p, err, s.personOf)
}

// dateParam reads ?date= (default today), a day lists may be asked about.
func (s *Server) dateParam(c *gin.Context) (string, error) {
	d := c.Query("date")
	if d == "" {
		return today(s.Now()), nil
	}
	errs := validation.Errors{}
	validation.Records(s.Now()).Date(errs, "date", d)
	return d, errs.Err()
}

type prepSlotJSON struct {
	SlotID int64          `json:"slot_id"`
	Meal   string         `json:"meal"`
	Total  int            `json:"total"`
	ByMode map[string]int `json:"by_mode"`
	Dishes []dishCount    `json:"dishes"`
	Notes  []prepNoteJSON `json:"diet_notes"`
}

type dishCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

type prepNoteJSON struct {
	OrderID    int64  `json:"order_id"`
	PersonName string `json:"person_name"`
	Mode       string `json:"mode"`
	DietNotes  string `json:"diet_notes"`
	Note       string `json:"note"`
}

var (
	mealNames = map[string]string{canteen.Breakfast: "早餐", canteen.Lunch: "午餐", canteen.Dinner: "晚餐"}
	modeNames = map[string]string{canteen.EatIn: "堂食", canteen.Pickup: "自取", canteen.Delivery: "送餐"}
)

func (s *Server) adminPrepList(c *gin.Context) {
	ct, ok := s.canteenFor(c)
	if !ok {
		return
	}
	date, err := s.dateParam(c)
	if err != nil {
		fail(c, err)
		return
	}
	slots, err := s.Canteens.PrepList(c.Request.Context(), ct, date)
	if err != nil {
		fail(c, err)
		return
	}
	if c.Query("format") == "csv" {
		w := startCSV(c, fmt.Sprintf("prep-%s.csv", date))
		_ = w.Write([]string{"日期", "餐次", "合计", "堂食", "自取", "送餐", "菜品（份）", "饮食备注"})
		for _, ps := range slots {
			var dishes, notes []string
			for _, d := range ps.Dishes {
				dishes = append(dishes, fmt.Sprintf("%s×%d", d.Name, d.Count))
			}
			for _, n := range ps.Notes {
				notes = append(notes, strings.TrimSpace(fmt.Sprintf("%s（%s）%s %s", n.PersonName, modeNames[n.Mode], n.DietNotes, n.Note)))
			}
			writeRow(w, date, mealNames[ps.Meal], strconv.Itoa(ps.Total), strconv.Itoa(ps.ByMode[canteen.EatIn]),
				strconv.Itoa(ps.ByMode[canteen.Pickup]), strconv.Itoa(ps.ByMode[canteen.Delivery]), strings.Join(dishes, "；"), strings.Join(notes, "；"))
		}
		w.Flush()
		return
	}
	out := make([]prepSlotJSON, 0, len(slots))
	for _, ps := range slots {
		j := prepSlotJSON{SlotID: ps.SlotID, Meal: ps.Meal, Total: ps.Total, ByMode: ps.ByMode, Dishes: []dishCount{}, Notes: []prepNoteJSON{}}
		for _, d := range ps.Dishes {
			j.Dishes = append(j.Dishes, dishCount{Name: d.Name, Count: d.Count})
		}
		for _, n := range ps.Notes {
			j.Notes = append(j.Notes, prepNoteJSON{OrderID: n.OrderID, PersonName: n.PersonName, Mode: n.Mode, DietNotes: n.DietNotes, Note: n.Note})
		}
		out = append(out, j)
	}
	c.JSON(http.StatusOK, gin.H{"date": date, "canteen_id": ct.ID, "slots": out})
}

// startCSV begins a CSV download that Excel opens in UTF-8 (with a byte-order mark).
func startCSV(c *gin.Context, filename string) *csv.Writer {
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="`+filename+`"`)
	c.Status(http.StatusOK)
	_, _ = c.Writer.WriteString("\uFEFF")
	return csv.NewWriter(c.Writer)
}

// writeRow writes one CSV row, every cell guarded against formula injection.
func writeRow(w *csv.Writer, cells ...string) {
	for i := range cells {
		cells[i] = cell(cells[i])
	}
	_ = w.Write(cells)
}

type stopJSON struct {
	OrderID      int64  `json:"order_id"`
	CanteenName  string `json:"canteen_name"`
	Meal         string `json:"meal"`
	PersonID     int64  `json:"person_id"`
	PersonName   string `json:"person_name"`
	Unit         string `json:"unit"`
	Room         string `json:"room"`
	Phone        string `json:"phone"`
	ContactName  string `json:"contact_name"`
	ContactPhone string `json:"contact_phone"`
	DietNotes    string `json:"diet_notes"`
	Note         string `json:"note"`
	Status       string `json:"status"`
}

type buildingStopsJSON struct {
	BuildingID   int64      `json:"building_id"`
	BuildingName string     `json:"building_name"`
	Orders       []stopJSON `json:"orders"`
}

// deliveries answers a day's delivery list grouped by building, phones in full (the reads are
// audited).
func (s *Server) deliveries(c *gin.Context, canteenID int64, capacity person.Capacity) {
	date, err := s.dateParam(c)
	if err != nil {
		fail(c, err)
		return
	}
	stops, err := s.Canteens.Deliveries(c.Request.Context(), userID(c), communityID(c), canteenID, date, capacity)
	if err != nil {
		fail(c, err)
		return
	}
	groups := []buildingStopsJSON{}
	for _, st := range stops {
		if len(groups) == 0 || groups[len(groups)-1].BuildingID != st.BuildingID {
			groups = append(groups, buildingStopsJSON{BuildingID: st.BuildingID, BuildingName: st.BuildingName, Orders: []stopJSON{}})
		}
		g := &groups[len(groups)-1]
		g.Orders = append(g.Orders, stopJSON{OrderID: st.OrderID, CanteenName: st.CanteenName, Meal: st.Meal, PersonID: st.PersonID,
			PersonName: st.PersonName, Unit: st.Unit, Room: st.Room, Phone: st.Phone, ContactName: st.ContactName,
			ContactPhone: st.ContactPhone, DietNotes: st.DietNotes, Note: st.Note, Status: st.Status})
	}
	c.JSON(http.StatusOK, gin.H{"date": date, "buildings": groups})
}

func (s *Server) adminDeliveryList(c *gin.Context) {
	ct, ok := s.canteenFor(c)
	if !ok {
		return
	}
	s.deliveries(c, ct.ID, person.CapStaff)
}

func (s *Server) workerDeliveries(c *gin.Context) {
	s.deliveries(c, 0, person.CapRider)
}

type noteRequest struct {
	Note string `json:"note"`
}

func (s *Server) workerOutcome(delivered bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req noteRequest
		id, ok := idAndOptionalBody(c, "order_id", &req)
		if !ok {
			return
		}
		o, err := s.Canteens.RecordDelivery(c.Request.Context(), userID(c), communityID(c), id, delivered, req.Note)
		reply(c, http.StatusOK, o, err, s.orderOf)
	}
}

func (s *Server) adminRedeem(c *gin.Context) {
	ct, ok := s.canteenFor(c)
	if !ok {
		return
	}
	var req struct {
		PickupCode string `json:"pickup_code"`
	}
	if !readBody(c, &req) {
		return
	}
	o, err := s.Canteens.Redeem(c.Request.Context(), userID(c), ct, req.PickupCode)
	reply(c, http.StatusOK, o, err, s.orderOf)
}

type reportLineJSON struct {
	PersonID   int64   `json:"person_id"`
	Name       string  `json:"name"`
	IDCard     *string `json:"id_card"`
	Address    string  `json:"address"`
	Meals      int     `json:"meals"`
	PriceFen   int     `json:"price_fen"`
	SubsidyFen int     `json:"subsidy_fen"`
}

// subsidyReportJSON is a page of the month's report with the month's totals.
type subsidyReportJSON struct {
	Month string `json:"month"`
	list[reportLineJSON]
	TotalPersons    int `json:"total_persons"`
	TotalMeals      int `json:"total_meals"`
	TotalPriceFen   int `json:"total_price_fen"`
	TotalSubsidyFen int `json:"total_subsidy_fen"`
}

// reportBatch is how many persons the CSV export reads at a time.
const reportBatch = 500

// adminSubsidyReport answers a page of the month's report and its totals, or with ?format=csv
// the whole month, written as it is read.
func (s *Server) adminSubsidyReport(c *gin.Context) {
	month := c.Query("month")
	if month == "" {
		month = s.Now().In(cst.Zone).Format("2006-01")
	}
	ctx, cid := c.Request.Context(), communityID(c)
	if c.Query("format") == "csv" {
		s.subsidyCSV(c, cid, month)
		return
	}
	q, ok := searchQuery(c, false)
	if !ok {
		return
	}
	p, err := paging.ParseByID(c.Query("limit"), c.Query("cursor"))
	if err != nil {
		fail(c, err)
		return
	}
	lines, next, err := s.Canteens.SubsidyReport(ctx, cid, month, q, p)
	if err != nil {
		fail(c, err)
		return
	}
	t, err := s.Canteens.SubsidyTotals(ctx, cid, month)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, subsidyReportJSON{Month: month, list: listOf(lines, next, func(l canteen.ReportLine) reportLineJSON {
		return reportLineJSON{PersonID: l.PersonID, Name: l.Name, IDCard: masked(l.IDCard, pii.MaskIDCard), Address: l.Address,
			Meals: l.Meals, PriceFen: l.PriceFen, SubsidyFen: l.SubsidyFen}
	}), TotalPersons: t.Persons, TotalMeals: t.Meals, TotalPriceFen: t.PriceFen, TotalSubsidyFen: t.SubsidyFen})
}

// subsidyCSV writes the month's whole report, a batch of persons at a time, and its totals as
// the sum of the lines written.
func (s *Server) subsidyCSV(c *gin.Context, communityID int64, month string) {
	ctx := c.Request.Context()
	p := paging.ByID{Limit: reportBatch}
	lines, next, err := s.Canteens.SubsidyReport(ctx, communityID, month, "", p)
	if err != nil {
		fail(c, err)
		return
	}
	w := startCSV(c, fmt.Sprintf("subsidy-%s.csv", month))
	_ = w.Write([]string{"编号", "姓名", "身份证号", "住址", "补贴餐数", "餐费（元）", "补贴（元）"})
	var meals, subsidy, price int
	for {
		for _, l := range lines {
			writeRow(w, strconv.FormatInt(l.PersonID, 10), l.Name, pii.MaskIDCard(l.IDCard), l.Address, strconv.Itoa(l.Meals), yuan(l.PriceFen), yuan(l.SubsidyFen))
			meals, subsidy, price = meals+l.Meals, subsidy+l.SubsidyFen, price+l.PriceFen
			p.After = l.PersonID
		}
		if next == "" {
			break
		}
		if lines, next, err = s.Canteens.SubsidyReport(ctx, communityID, month, "", p); err != nil {
			// The status is sent; the log says why the file is short, and it has no totals row.
			logger(c).Error("subsidy export cut short", "error", err.Error())
			w.Flush()
			return
		}
	}
	writeRow(w, "合计", "", "", "", strconv.Itoa(meals), yuan(price), yuan(subsidy))
	w.Flush()
}

func yuan(fen int) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }
