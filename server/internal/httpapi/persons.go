package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/pii"
	"github.com/linli/linli/server/internal/validation"
)

type contactJSON struct {
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Relation string `json:"relation"`
}

type personJSON struct {
	ID                int64         `json:"id"`
	CommunityID       int64         `json:"community_id"`
	Name              string        `json:"name"`
	Gender            *string       `json:"gender"`
	BirthDate         *string       `json:"birth_date"`
	Age               *int          `json:"age"`
	IDCard            *string       `json:"id_card"`
	Phone             *string       `json:"phone"`
	BuildingID        int64         `json:"building_id"`
	BuildingName      string        `json:"building_name"`
	Unit              string        `json:"unit"`
	Room              string        `json:"room"`
	LivingAlone       bool          `json:"living_alone"`
	CareLevel         string        `json:"care_level"`
	DietNotes         string        `json:"diet_notes"`
	EmergencyContacts []contactJSON `json:"emergency_contacts"`
	Verified          bool          `json:"verified"`
	HasAccount        bool          `json:"has_account"`
	// Guardianship is what the caller is to the person: self, pending or approved; null for
	// staff acting for a person of their community.
	Guardianship *string `json:"guardianship"`
	Relation     *string `json:"relation"`
	Primary      bool    `json:"primary"`
	// SubsidyStatus is dibao or tekun (set by staff), or null.
	SubsidyStatus *string `json:"subsidy_status"`
	// NoShows counts meals booked for the person and never collected.
	NoShows int `json:"no_shows"`
	// Guardians counts the approved guardians (the staff register only).
	Guardians *int   `json:"guardians,omitempty"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func optString(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

func masked(v string, mask func(string) string) *string {
	if v == "" {
		return nil
	}
	m := mask(v)
	return &m
}

// personOf shapes a person for an answer, with its personal data masked.
func (s *Server) personOf(p person.Person) personJSON {
	out := personJSON{
		ID: p.ID, CommunityID: p.CommunityID, Name: p.Name, Gender: optString(p.Gender), BirthDate: optString(p.BirthDate),
		IDCard: masked(p.IDCard, pii.MaskIDCard), Phone: masked(p.Phone, pii.MaskPhone),
		BuildingID: p.BuildingID, BuildingName: p.BuildingName, Unit: p.Unit, Room: p.Room,
		LivingAlone: p.LivingAlone, CareLevel: p.CareLevel, DietNotes: p.DietNotes,
		EmergencyContacts: make([]contactJSON, 0, len(p.Contacts)),
		Verified:          p.Verified(), HasAccount: p.OwnerUserID != 0,
		SubsidyStatus: optString(p.SubsidyStatus), NoShows: p.NoShows,
		CreatedAt: stamp(p.CreatedAt), UpdatedAt: stamp(p.UpdatedAt),
	}
	if age := person.Age(p.BirthDate, today(s.Now())); age >= 0 {
		out.Age = &age
	}
	for _, c := range p.Contacts {
		out.EmergencyContacts = append(out.EmergencyContacts, contactJSON{Name: c.Name, Phone: pii.MaskPhone(c.Phone), Relation: c.Relation})
	}
	return out
}

func (s *Server) managedOf(m person.Managed) personJSON {
	out := s.personOf(m.Person)
	out.Guardianship, out.Relation, out.Primary = optString(m.Guardianship), optString(m.Relation), m.Primary
	return out
}

// guardianshipOf names what an ActFor capacity is to the person, as personJSON says.
func guardianshipOf(c person.Capacity) string {
	switch c {
	case person.CapSelf:
		return "self"
	case person.CapGuardian:
		return person.GuardianApproved
	case person.CapPendingGuardian:
		return person.GuardianPending
	}
	return ""
}

// personRequest is POST /persons and, with pointers, the base of PATCH.
type personRequest struct {
	Name              string        `json:"name"`
	Gender            string        `json:"gender"`
	BirthDate         string        `json:"birth_date"`
	IDCard            string        `json:"id_card"`
	Phone             string        `json:"phone"`
	BuildingID        int64         `json:"building_id"`
	Unit              string        `json:"unit"`
	Room              string        `json:"room"`
	Relation          string        `json:"relation"`
	LivingAlone       *bool         `json:"living_alone"`
	CareLevel         string        `json:"care_level"`
	DietNotes         string        `json:"diet_notes"`
	EmergencyContacts []contactJSON `json:"emergency_contacts"`
	// Consent is POST /persons only (see consentOf).
	Consent *bool `json:"consent"`
}

func contactsOf(in []contactJSON) []person.Contact {
	out := make([]person.Contact, 0, len(in))
	for _, c := range in {
		out = append(out, person.Contact{Name: c.Name, Phone: c.Phone, Relation: c.Relation})
	}
	return out
}

func (r personRequest) details() person.Details {
	d := person.Details{
		Name: r.Name, Gender: r.Gender, BirthDate: r.BirthDate, IDCard: r.IDCard, Phone: r.Phone, BuildingID: r.BuildingID,
		Unit: r.Unit, Room: r.Room, CareLevel: r.CareLevel, DietNotes: r.DietNotes, Contacts: contactsOf(r.EmergencyContacts),
	}
	set(&d.LivingAlone, r.LivingAlone)
	return d
}

// missing names the required fields a JSON zero value cannot tell apart from absent.
func (r personRequest) missing() validation.Errors {
	errs := validation.Errors{}
	if r.LivingAlone == nil {
		errs.Add("living_alone", validation.Required)
	}
	return errs
}

func (s *Server) listPersons(c *gin.Context) {
	rows, err := s.Persons.Mine(c.Request.Context(), userID(c))
	replyList(c, rows, "", err, s.managedOf)
}

// consentOf reads `consent`, which a resident confirms when giving someone else's ID card and
// health details (sensitive data): optional, so older clients go on; true is noted in the
// person's audit trail; false refuses the request.
func consentOf(consent *bool) (bool, error) {
	if consent != nil && !*consent {
		return false, validation.Field("consent", "须先获得本人（或其监护人）同意")
	}
	return consent != nil, nil
}

func (s *Server) createPerson(c *gin.Context) {
	var req personRequest
	if !readBody(c, &req) {
		return
	}
	consented, err := consentOf(req.Consent)
	if err != nil {
		fail(c, err)
		return
	}
	m, err := s.Persons.Register(c.Request.Context(), userID(c), req.details(), req.Relation, consented, req.missing())
	reply(c, http.StatusCreated, m, err, s.managedOf)
}

// personFor runs the one authorization rule for /persons/{id}.
func (s *Server) personFor(c *gin.Context) (person.Person, person.Capacity, bool) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, err)
		return person.Person{}, "", false
	}
	p, capacity, err := s.Persons.ActFor(c.Request.Context(), userID(c), id)
	if err != nil {
		fail(c, err)
		return person.Person{}, "", false
	}
	return p, capacity, true
}

func (s *Server) getPerson(c *gin.Context) {
	p, capacity, ok := s.personFor(c)
	if !ok {
		return
	}
	out := s.personOf(p)
	out.Guardianship = optString(guardianshipOf(capacity))
	c.JSON(http.StatusOK, out)
}

// patchPersonRequest changes only the fields given; "" clears id_card, phone and diet_notes.
type patchPersonRequest struct {
	Name              *string        `json:"name"`
	Gender            *string        `json:"gender"`
	BirthDate         *string        `json:"birth_date"`
	IDCard            *string        `json:"id_card"`
	Phone             *string        `json:"phone"`
	BuildingID        *int64         `json:"building_id"`
	Unit              *string        `json:"unit"`
	Room              *string        `json:"room"`
	LivingAlone       *bool          `json:"living_alone"`
	CareLevel         *string        `json:"care_level"`
	DietNotes         *string        `json:"diet_notes"`
	EmergencyContacts *[]contactJSON `json:"emergency_contacts"`
	Consent           *bool          `json:"consent"`
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func (r patchPersonRequest) apply(d *person.Details) {
	set(&d.Name, r.Name)
	set(&d.Gender, r.Gender)
	set(&d.BirthDate, r.BirthDate)
	set(&d.IDCard, r.IDCard)
	set(&d.Phone, r.Phone)
	set(&d.BuildingID, r.BuildingID)
	set(&d.Unit, r.Unit)
	set(&d.Room, r.Room)
	set(&d.LivingAlone, r.LivingAlone)
	set(&d.CareLevel, r.CareLevel)
	set(&d.DietNotes, r.DietNotes)
	if r.EmergencyContacts != nil {
		d.Contacts = contactsOf(*r.EmergencyContacts)
	}
}

func (s *Server) patchPerson(c *gin.Context) {
	var req patchPersonRequest
	id, ok := idAndBody(c, "id", &req)
	if !ok {
		return
	}
	consented, err := consentOf(req.Consent)
	if err != nil {
		fail(c, err)
		return
	}
	if _, err := s.Persons.Update(c.Request.Context(), userID(c), id, req.apply, consented); err != nil {
		fail(c, err)
		return
	}
	s.getPerson(c)
}

type guardianJSON struct {
	UserID    int64  `json:"user_id"`
	Name      string `json:"name"`
	Relation  string `json:"relation"`
	Status    string `json:"status"`
	Primary   bool   `json:"primary"`
	CreatedAt string `json:"created_at"`
}

func guardianOf(g person.Guardian) guardianJSON {
	return guardianJSON{UserID: g.UserID, Name: g.Name, Relation: g.Relation, Status: g.Status, Primary: g.Primary, CreatedAt: stamp(g.CreatedAt)}
}

func (s *Server) listGuardians(c *gin.Context) {
	p, _, ok := s.personFor(c)
	if !ok {
		return
	}
	rows, err := s.Persons.Guardians(c.Request.Context(), p.ID)
	replyList(c, rows, "", err, guardianOf)
}

func (s *Server) removeGuardian(c *gin.Context) {
	id, ok := readID(c, "id")
	if !ok {
		return
	}
	gid, ok := readID(c, "user_id")
	if !ok {
		return
	}
	if err := s.Persons.RemoveGuardian(c.Request.Context(), userID(c), id, gid); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) setPrimaryGuardian(c *gin.Context) {
	id, ok := readID(c, "id")
	if !ok {
		return
	}
	gid, ok := readID(c, "user_id")
	if !ok {
		return
	}
	ctx := c.Request.Context()
	if err := s.Persons.SetPrimary(ctx, userID(c), id, gid); err != nil {
		fail(c, err)
		return
	}
	rows, err := s.Persons.Guardians(ctx, id)
	if err != nil {
		fail(c, err)
		return
	}
	for _, g := range rows {
		if g.UserID == gid {
			c.JSON(http.StatusOK, guardianOf(g))
			return
		}
	}
	fail(c, errNotFound)
}

type requestJSON struct {
	ID int64 `json:"id"`
	// PersonID is null for a claim that matched no record, and, for its requester, for a join or
	// claim not approved.
	PersonID   *int64  `json:"person_id"`
	PersonName *string `json:"person_name"`
	UserID     int64   `json:"user_id"`
	UserName   string  `json:"user_name"`
	Relation   string  `json:"relation"`
	Kind       string  `json:"kind"`
	Status     string  `json:"status"`
	Reason     string  `json:"reason"`
	// IDCardMatched is, for staff, whether a join's or claim's ID card matched the record.
	IDCardMatched *bool `json:"id_card_matched"`
	// OnFilePersonID is, for staff, the record on file with the ID card of a registration held
	// aside (person.Person.Held).
	OnFilePersonID *int64  `json:"on_file_person_id"`
	DecidedAt      *string `json:"decided_at"`
	CreatedAt      string  `json:"created_at"`
}

func requestOf(r person.Request) requestJSON {
	out := requestJSON{ID: r.ID, PersonID: optID(r.PersonID), PersonName: optString(r.PersonName), UserID: r.UserID, UserName: r.UserName,
		Relation: r.Relation, Kind: r.Kind, Status: r.Status, Reason: r.Reason, IDCardMatched: r.IDCardMatched,
		OnFilePersonID: optID(r.OnFilePersonID), CreatedAt: stamp(r.CreatedAt)}
	out.DecidedAt = optStamp(r.DecidedAt)
	return out
}

type joinRequest struct {
	Relation string `json:"relation"`
	// IDCard is the person's, which the caller must know; staff see whether it matched.
	IDCard string `json:"id_card"`
}

func (s *Server) requestJoin(c *gin.Context) {
	var req joinRequest
	id, ok := idAndBody(c, "id", &req)
	if !ok {
		return
	}
	r, err := s.Persons.RequestJoin(c.Request.Context(), userID(c), id, req.Relation, req.IDCard)
	reply(c, http.StatusCreated, r, err, requestOf)
}

type claimRequest struct {
	CommunityID int64  `json:"community_id"`
	IDCard      string `json:"id_card"`
}

func (s *Server) claimPerson(c *gin.Context) {
	var req claimRequest
	if !readBody(c, &req) {
		return
	}
	if req.CommunityID <= 0 {
		fail(c, validation.Field("community_id", validation.Required))
		return
	}
	ctx := c.Request.Context()
	if _, err := s.Communities.Get(ctx, req.CommunityID); err != nil {
		fail(c, err)
		return
	}
	r, err := s.Persons.Claim(ctx, userID(c), req.CommunityID, req.IDCard)
	reply(c, http.StatusCreated, r, err, requestOf)
}

func (s *Server) myRequests(c *gin.Context) {
	p, ok := readPage(c)
	if !ok {
		return
	}
	rows, next, err := s.Persons.MyRequests(c.Request.Context(), userID(c), p)
	replyList(c, rows, next, err, requestOf)
}
