package person

import (
	"context"
	"crypto/hmac"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/notify"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/validation"
)

// Request kinds.
const (
	KindRegister = "register"
	KindJoin     = "join"
	KindClaim    = "claim"
)

// Request statuses.
const (
	StatusPending   = "pending"
	StatusApproved  = "approved"
	StatusRejected  = "rejected"
	StatusWithdrawn = "withdrawn"
)

// RequestStatuses are the statuses a request list may be filtered by.
var RequestStatuses = []string{StatusPending, StatusApproved, StatusRejected, StatusWithdrawn}

// Request is something staff decide about a person: a registration by a relative, a further
// guardian asking to join, or a person claiming the record a relative made.
type Request struct {
	ID          int64
	CommunityID int64
	PersonID    int64
	PersonName  string
	UserID      int64
	UserName    string
	Relation    string
	Kind        string
	Status      string
	Reason      string
	// IDCardMatched says, for a join or a claim, whether the ID card given matched the record
	// (nil for a registration). A claim that matched no record has PersonID 0.
	IDCardMatched *bool
	// OnFilePersonID is, for a pending registration held aside (Person.Held), the record on file
	// with the ID card given, for staff; IDCardMatched is then true. 0 otherwise.
	OnFilePersonID int64
	// heldCard is the sealed ID card of a held record, to find OnFilePersonID.
	heldCard  []byte
	DecidedAt time.Time
	CreatedAt time.Time
}

const (
	requestCols = `r.id, r.community_id, r.person_id, COALESCE(p.name, ''), r.user_id, COALESCE(u.name, ''), r.relation,
		r.kind, r.status, r.reason, r.id_card_matched, r.decided_at, r.created_at,
		IF(r.kind = 'register' AND r.status = 'pending' AND p.id_card_hash IS NULL, p.id_card_enc, NULL)`
	requestFrom    = ` FROM guardian_requests r LEFT JOIN persons p ON p.id = r.person_id LEFT JOIN users u ON u.id = r.user_id `
	qInsertRequest = `INSERT INTO guardian_requests (community_id, person_id, user_id, relation, kind, status, is_open,
		id_card_matched, open_claim, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 1, ?, ?, ?)`
	qRequest       = `SELECT ` + requestCols + requestFrom + `WHERE r.id = ?`
	qRequestPerson = `SELECT person_id FROM guardian_requests WHERE id = ? AND community_id = ?`
	qDecideRequest = `UPDATE guardian_requests SET status = ?, is_open = NULL, open_claim = NULL, reason = ?, decided_by = ?,
		decided_at = ? WHERE id = ? AND status = 'pending'`
	qWithdrawRequests = `UPDATE guardian_requests SET status = 'withdrawn', is_open = NULL, open_claim = NULL, decided_at = ?
		WHERE user_id = ? AND is_open = 1 AND (person_id = ? OR ? = 0)`
	// The conditions are only those asked for, so that a status is read through
	// idx_guardian_requests_community and no status through idx_guardian_requests_time, both in
	// time order.
	qRequestsOfCommunity = `SELECT ` + requestCols + requestFrom + `WHERE r.community_id = ? AND %s ORDER BY %s LIMIT ?`
	qRequestsOfUser      = `SELECT ` + requestCols + requestFrom + `WHERE r.user_id = ? AND %s ORDER BY r.created_at DESC, r.id DESC LIMIT ?`
	qOwnerOf             = `SELECT id FROM persons WHERE owner_user_id = ? FOR UPDATE`
	qBuilding            = `SELECT community_id FROM buildings WHERE id = ?`
	qMoveGuardians       = `UPDATE guardians SET community_id = ? WHERE person_id = ?`
	qMoveRequests        = `UPDATE guardian_requests SET community_id = ? WHERE person_id = ? AND is_open = 1`
)

func scanRequest(row scanner) (Request, error) {
	var (
		r       Request
		matched sql.NullBool
		decided sql.NullTime
	)
	err := row.Scan(&r.ID, &r.CommunityID, &r.PersonID, &r.PersonName, &r.UserID, &r.UserName, &r.Relation,
		&r.Kind, &r.Status, &r.Reason, &matched, &decided, &r.CreatedAt, &r.heldCard)
	if errors.Is(err, sql.ErrNoRows) {
		return Request{}, ErrNotFound
	}
	if matched.Valid {
		r.IDCardMatched = &matched.Bool
	}
	if decided.Valid {
		r.DecidedAt = decided.Time
	}
	return r, err
}

func (s *store) request(ctx context.Context, id int64) (Request, error) {
	r, err := scanRequest(s.db.QueryRowContext(ctx, qRequest, id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Request{}, fmt.Errorf("guardian request %d: %w", id, err)
	}
	if err == nil {
		err = s.onFile(ctx, &r)
	}
	return r, err
}

// onFile finds, for a pending registration held aside, the record on file with its ID card.
func (s *store) onFile(ctx context.Context, r *Request) error {
	if len(r.heldCard) == 0 {
		return nil
	}
	idCard, err := s.open(r.heldCard)
	if err != nil {
		return fmt.Errorf("guardian request %d id card: %w", r.ID, err)
	}
	if r.OnFilePersonID, err = s.byIDCard(ctx, r.CommunityID, idCard); err != nil {
		return err
	}
	if r.OnFilePersonID != 0 {
		matched := true
		r.IDCardMatched = &matched
	}
	return nil
}

func (s *store) requests(ctx context.Context, query string, args []any, p paging.Page) ([]Request, error) {
	rows, err := s.db.QueryContext(ctx, query, append(args, p.Limit+1)...)
	if err != nil {
		return nil, fmt.Errorf("guardian requests: %w", err)
	}
	defer rows.Close()
	out := []Request{}
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, fmt.Errorf("guardian requests: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("guardian requests: %w", err)
	}
	for i := range out {
		if err := s.onFile(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

func requestCursor(r Request) paging.Cursor { return paging.Cursor{At: r.CreatedAt, ID: r.ID} }

// RequestKinds are the kinds a request list may be filtered by.
var RequestKinds = []string{KindRegister, KindJoin, KindClaim}

// RequestFilter narrows the staff's list of requests; its zero value lists all, oldest first.
type RequestFilter struct {
	Status, Kind string
	// Query matches the start of the person's name or of the asker's name (both stored in
	// clear; ID cards and phones are sealed and cannot be searched this way).
	Query string
	// Order is by the time of asking: oldest first (the order staff work in) unless
	// paging.Newest.
	Order paging.Order
}

// Requests pages through a community's requests as f narrows them.
func (s *Service) Requests(ctx context.Context, communityID int64, f RequestFilter, p paging.Page) ([]Request, string, error) {
	conds, args := []string{}, []any{communityID}
	if f.Status != "" {
		conds, args = append(conds, "r.status = ?"), append(args, f.Status)
	}
	if f.Kind != "" {
		conds, args = append(conds, "r.kind = ?"), append(args, f.Kind)
	}
	if f.Query != "" {
		like := database.LikePrefix(f.Query)
		conds, args = append(conds, "(p.name LIKE ? OR u.name LIKE ?)"), append(args, like, like)
	}
	where, wargs, order := p.Keyset("r.created_at", "r.id", f.Order)
	conds, args = append(conds, where), append(args, wargs...)
	rows, err := s.store.requests(ctx, fmt.Sprintf(qRequestsOfCommunity, strings.Join(conds, " AND "), order), args, p)
	if err != nil {
		return nil, "", err
	}
	items, next := paging.Trim(rows, p.Limit, requestCursor)
	return items, next, nil
}

// MyRequests pages through the requests a user made, newest first. The person's id and name, and
// whether the ID card matched, are left out of join and claim requests not approved: asking does
// not entitle one to see the record, nor to learn that an ID card was right.
func (s *Service) MyRequests(ctx context.Context, userID int64, p paging.Page) ([]Request, string, error) {
	where, args := p.WhereNewest("r.created_at", "r.id")
	rows, err := s.store.requests(ctx, fmt.Sprintf(qRequestsOfUser, where), append([]any{userID}, args...), p)
	if err != nil {
		return nil, "", err
	}
	items, next := paging.Trim(rows, p.Limit, requestCursor)
	for i := range items {
		items[i] = forRequester(items[i])
	}
	return items, next, nil
}

// forRequester is a request as its requester sees it: the person only once they may act for
// the person, and never whether their ID card matched a record (a registration held aside reads
// like any other).
func forRequester(r Request) Request {
	if r.Kind != KindRegister && r.Status != StatusApproved {
		r.PersonID, r.PersonName = 0, ""
	}
	if r.Kind == KindRegister || r.Status != StatusApproved {
		r.IDCardMatched = nil
	}
	r.OnFilePersonID = 0
	return r
}

// requestForRequester reads a request just made, as its requester sees it.
func (s *Service) requestForRequester(ctx context.Context, id int64) (Request, error) {
	r, err := s.store.request(ctx, id)
	return forRequester(r), err
}

// Register adds a person registered by a relative, who becomes its pending guardian until staff
// approve the registration. An ID card on file in the community is answered by who may see that
// record: a caller who may (a guardian, staff) gets an *ExistsError naming it; anyone else gets
// the same answer as for a new ID card, the registration held aside (Person.Held) for staff, who
// see that the ID card matched a record and decide (Decide): so a stranger cannot tell a right
// guess from a wrong one. An ID card given is a try (allowTry).
//
// consented records in the audit trail that the caller confirmed the person's consent to give
// their ID card and health details (ConsentNote). missing holds fields the caller found
// missing; they are reported with the rest.
func (s *Service) Register(ctx context.Context, userID int64, d Details, relation string, consented bool, missing validation.Errors) (Managed, error) {
	if err := s.checkRegistration(&d, relation, missing); err != nil {
		return Managed{}, err
	}
	communityID, err := s.buildingCommunity(ctx, d.BuildingID)
	if err != nil {
		return Managed{}, err
	}
	if d.IDCard != "" {
		if err := s.allowTry(ctx, userID, communityID); err != nil {
			return Managed{}, err
		}
	}
	now := s.now().UTC()
	p := Person{CommunityID: communityID, Details: d, CreatedBy: userID, CreatedAt: now, UpdatedAt: now}
	err = s.register(ctx, userID, &p, relation, consented, 0)
	var exists *ExistsError
	if errors.As(err, &exists) {
		onFile := exists.PersonID
		if err = s.hold(ctx, userID, exists); err == nil {
			p.Held = true
			err = s.register(ctx, userID, &p, relation, consented, onFile)
		}
	}
	if err != nil {
		return Managed{}, err
	}
	got, err := s.store.get(ctx, s.store.db, p.ID)
	return Managed{Person: got, Guardianship: GuardianPending, Relation: relation}, err
}

// register writes a relative's registration: the person, its pending guardian and the request.
// onFile is, for a registration held aside, the record on file with its ID card, whose audit
// trail tells its staff.
func (s *Service) register(ctx context.Context, userID int64, p *Person, relation string, consented bool, onFile int64) error {
	now := p.CreatedAt
	return database.InTx(ctx, s.store.db, func(tx *sql.Tx) error {
		n, err := managedCount(ctx, tx, userID)
		if err != nil {
			return err
		}
		if n >= MaxManaged {
			return ErrTooMany
		}
		if p.ID, err = s.store.insert(ctx, tx, *p, 0); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, qInsertGuardian, p.ID, userID, p.CommunityID, relation, GuardianPending, false, now, now); err != nil {
			return fmt.Errorf("register person: %w", err)
		}
		var matched any
		if onFile != 0 {
			matched = true
		}
		if _, err := tx.ExecContext(ctx, qInsertRequest, p.CommunityID, p.ID, userID, relation, KindRegister, matched, nil, now); err != nil {
			return fmt.Errorf("register person: %w", err)
		}
		fields := filledFields(p.Details)
		if err := audit(ctx, tx, Entry{CommunityID: p.CommunityID, PersonID: p.ID, ActorUserID: userID, Capacity: CapPendingGuardian,
			Action: ActCreated, Fields: fields, Note: consentNote(heldNote(onFile), consented, fields), At: now}); err != nil {
			return err
		}
		if onFile == 0 {
			return nil
		}
		return audit(ctx, tx, Entry{CommunityID: p.CommunityID, PersonID: onFile, ActorUserID: userID, Capacity: CapApplicant,
			Action: ActIDCardConflict, Fields: []string{"id_card"}, Note: fmt.Sprintf("在登记档案 %d 时填写了本档案的身份证号，待审核", p.ID), At: now})
	})
}

func heldNote(onFile int64) string {
	if onFile == 0 {
		return ""
	}
	return fmt.Sprintf("身份证号与档案 %d 相同，待社区审核", onFile)
}

// hold decides what a relative is told when the ID card they gave is on file in another record
// (e): nil to hold their change aside like any other, since they may not see that record; e
// itself, naming the record, when they may see it; and, when they hold aside a record with this
// ID card already, an *ExistsError naming that one, as a second registration of a new ID card
// is answered.
func (s *Service) hold(ctx context.Context, userID int64, e *ExistsError) error {
	switch sees, err := s.maySee(ctx, userID, e.PersonID); {
	case err != nil:
		return err
	case sees:
		return e
	}
	on, err := s.store.get(ctx, s.store.db, e.PersonID)
	if err != nil {
		return err
	}
	mine, err := s.store.heldBy(ctx, userID, on.CommunityID, on.IDCard)
	if err != nil {
		return err
	}
	if mine != 0 {
		return &ExistsError{PersonID: mine}
	}
	return nil
}

// RegisterWalkIn adds a person staff registered at the counter: verified at once, with no
// guardian (staff act for them). missing is as for Register.
func (s *Service) RegisterWalkIn(ctx context.Context, staffID, communityID int64, d Details, missing validation.Errors) (Person, error) {
	if missing == nil {
		missing = validation.Errors{}
	}
	if err := missing.Merge(d.Normalize(s.today(), true)); err != nil {
		return Person{}, err
	}
	if err := s.checkBuilding(ctx, communityID, d.BuildingID); err != nil {
		return Person{}, err
	}
	now := s.now().UTC()
	p := Person{CommunityID: communityID, Details: d, CreatedBy: staffID, VerifiedAt: now, CreatedAt: now, UpdatedAt: now}
	err := database.InTx(ctx, s.store.db, func(tx *sql.Tx) error {
		var err error
		if p.ID, err = s.store.insert(ctx, tx, p, staffID); err != nil {
			return err
		}
		return audit(ctx, tx, Entry{CommunityID: communityID, PersonID: p.ID, ActorUserID: staffID, Capacity: CapStaff,
			Action: ActCreated, Fields: filledFields(d), Note: "窗口登记", At: now})
	})
	var exists *ExistsError
	if errors.As(err, &exists) {
		return Person{}, s.answerExists(ctx, staffID, exists)
	}
	if err != nil {
		return Person{}, err
	}
	return s.store.get(ctx, s.store.db, p.ID)
}

func (s *Service) checkRegistration(d *Details, relation string, errs validation.Errors) error {
	if errs == nil {
		errs = validation.Errors{}
	}
	if msg := CheckRelation(relation); msg != "" {
		errs.Add("relation", msg)
	}
	return errs.Merge(d.Normalize(s.today(), true))
}

// filledFields names the fields a new record was given.
func filledFields(d Details) []string {
	return changedFields(Person{}, Person{Details: d})
}

// buildingCommunity is the community of a building; an unknown building is a field error.
func (s *Service) buildingCommunity(ctx context.Context, buildingID int64) (int64, error) {
	var id int64
	err := s.store.db.QueryRowContext(ctx, qBuilding, buildingID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, validation.Field("building_id", "楼栋不存在")
	}
	if err != nil {
		return 0, fmt.Errorf("building %d: %w", buildingID, err)
	}
	return id, nil
}

// checkBuilding requires the building to be in the community.
func (s *Service) checkBuilding(ctx context.Context, communityID, buildingID int64) error {
	got, err := s.buildingCommunity(ctx, buildingID)
	if err == nil && got != communityID {
		return validation.Field("building_id", "楼栋不存在")
	}
	return err
}

// answerExists turns the store's *ExistsError (which names the record) into the answer for the
// user: the record named if they may see it, otherwise not named.
func (s *Service) answerExists(ctx context.Context, userID int64, e *ExistsError) error {
	switch sees, err := s.maySee(ctx, userID, e.PersonID); {
	case err != nil:
		return err
	case sees:
		return e
	}
	return &ExistsError{}
}

// maySee tells whether the user may act for (and so see) the person; a person they may not see
// is no error.
func (s *Service) maySee(ctx context.Context, userID, personID int64) (bool, error) {
	_, _, err := s.ActFor(ctx, userID, personID)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// RequestJoin asks for the user to become a further guardian of a person, giving the person's ID
// card. Every request is filed for staff, whether the ID card matched or not (they see which; a
// request that did not match cannot be approved): so a stranger cannot tell a right guess from a
// wrong one by the answer. Each is a try (allowTry). A person that does not exist is
// ErrNotFound; ids say nothing of anyone.
func (s *Service) RequestJoin(ctx context.Context, userID, personID int64, relation, idCard string) (Request, error) {
	errs := validation.Errors{}
	if msg := CheckRelation(relation); msg != "" {
		errs.Add("relation", msg)
	}
	idCard = normalizeIDCard(idCard)
	if idCard == "" {
		errs.Add("id_card", validation.Required)
	} else if msg := CheckIDCard(idCard, s.today()); msg != "" {
		errs.Add("id_card", msg)
	}
	if err := errs.Err(); err != nil {
		return Request{}, err
	}
	p, capacity, err := s.ActFor(ctx, userID, personID)
	switch {
	case err == nil && capacity != CapStaff:
		// They already act for the person, so saying so reveals nothing.
		return Request{}, ErrAlreadyGuardian
	case err != nil && !errors.Is(err, ErrNotFound):
		return Request{}, err
	case err != nil:
		if p, err = s.store.get(ctx, s.store.db, personID); err != nil {
			return Request{}, err
		}
	}
	if err := s.allowTry(ctx, userID, p.CommunityID); err != nil {
		return Request{}, err
	}
	matched := p.IDCard != "" && hmac.Equal(s.box.Hash(idCard), s.box.Hash(p.IDCard))
	note := relation
	if !matched {
		note += "，身份证号不符"
	}
	id, err := s.join(ctx, userID, personID, relation, matched, note)
	if err != nil {
		return Request{}, err
	}
	return s.requestForRequester(ctx, id)
}

// join files the user's request to join as a person's guardian, audited with note.
func (s *Service) join(ctx context.Context, userID, personID int64, relation string, matched bool, note string) (int64, error) {
	now := s.now().UTC()
	var id int64
	err := database.InTx(ctx, s.store.db, func(tx *sql.Tx) error {
		p, err := s.store.lock(ctx, tx, personID)
		if err != nil {
			return err
		}
		if p.OwnerUserID == userID {
			return ErrAlreadyGuardian
		}
		if _, ok, err := guardianOf(ctx, tx, personID, userID); err != nil || ok {
			if ok {
				return ErrAlreadyGuardian
			}
			return err
		}
		if id, err = s.insertRequest(ctx, tx, p.CommunityID, p.ID, userID, relation, KindJoin, matched, now); err != nil {
			return err
		}
		return audit(ctx, tx, Entry{CommunityID: p.CommunityID, PersonID: personID, ActorUserID: userID, Capacity: CapApplicant,
			Action: ActGuardianAsked, Note: note, At: now})
	})
	return id, err
}

// insertRequest adds a pending join or claim, within the user's limit of managed persons.
// personID is 0 for a claim that matched no record; a user has one open claim at a time.
func (s *Service) insertRequest(ctx context.Context, tx *sql.Tx, communityID, personID, userID int64, relation, kind string, matched bool, now time.Time) (int64, error) {
	n, err := managedCount(ctx, tx, userID)
	if err != nil {
		return 0, err
	}
	if n >= MaxManaged {
		return 0, ErrTooMany
	}
	var openClaim any
	if kind == KindClaim {
		openClaim = 1
	}
	res, err := tx.ExecContext(ctx, qInsertRequest, communityID, personID, userID, relation, kind, matched, openClaim, now)
	if database.IsDuplicate(err) {
		return 0, ErrRequestPending
	}
	if err != nil {
		return 0, fmt.Errorf("guardian request: %w", err)
	}
	return res.LastInsertId()
}

// Claim asks for the record with this ID card in the community to become the user's own: an
// elder who signs in after a relative registered them. Staff approve it. Every claim is filed and
// answered alike, whether the ID card matched a record or none (staff see which; one that matched
// none can only be rejected), so that a claim does not tell whose ID card is on file; only the
// user's own record is answered as such (already_claimed), since they know it. A user has one
// claim open at a time. Each claim is a try (allowTry).
func (s *Service) Claim(ctx context.Context, userID, communityID int64, idCard string) (Request, error) {
	idCard = normalizeIDCard(idCard)
	if msg := CheckIDCard(idCard, s.today()); msg != "" {
		return Request{}, validation.Field("id_card", msg)
	}
	if err := s.allowTry(ctx, userID, communityID); err != nil {
		return Request{}, err
	}
	personID, err := s.store.byIDCard(ctx, communityID, idCard)
	if err != nil {
		return Request{}, err
	}
	now := s.now().UTC()
	var id int64
	err = database.InTx(ctx, s.store.db, func(tx *sql.Tx) error {
		if personID == 0 {
			var err error
			id, err = s.insertRequest(ctx, tx, communityID, 0, userID, RelationSelf, KindClaim, false, now)
			return err
		}
		p, err := s.store.lock(ctx, tx, personID)
		if err != nil {
			return err
		}
		if p.OwnerUserID == userID {
			return ErrAlreadyClaimed
		}
		if id, err = s.insertRequest(ctx, tx, p.CommunityID, p.ID, userID, RelationSelf, KindClaim, true, now); err != nil {
			return err
		}
		return audit(ctx, tx, Entry{CommunityID: p.CommunityID, PersonID: personID, ActorUserID: userID, Capacity: CapApplicant,
			Action: ActClaimAsked, At: now})
	})
	if err != nil {
		return Request{}, err
	}
	return s.requestForRequester(ctx, id)
}

// Decide approves or rejects a pending request of the staff member's community.
//   - register approved: the guardian is approved (primary if none is) and the person verified;
//     rejected: the pending guardian is removed, the person stays.
//   - join approved: the user becomes an approved guardian (primary if none is).
//   - claim approved: the record becomes the user's own, verified, and the user a resident of
//     its community; a record they had as their own before is released.
//
// A join or claim whose ID card did not match (a claim that matched no record has none) can only
// be rejected: approving it is ErrIDCardMismatch. The requester finds the outcome in their inbox.
func (s *Service) Decide(ctx context.Context, staffID, communityID, requestID int64, approve bool, reason string) (Request, error) {
	if err := (validation.Text{Max: MaxReason, Multiline: true}).Check("reason", &reason); err != nil {
		return Request{}, err
	}
	if !approve && reason == "" {
		// The person who asked is told why.
		return Request{}, validation.Field("reason", "请填写驳回原因")
	}
	now := s.now().UTC()
	err := database.InTx(ctx, s.store.db, func(tx *sql.Tx) error {
		var personID int64
		err := tx.QueryRowContext(ctx, qRequestPerson, requestID, communityID).Scan(&personID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("guardian request %d: %w", requestID, err)
		}
		// Lock order is person, then request (as RequestJoin and Claim do).
		var p Person
		if personID != 0 {
			if p, err = s.store.lock(ctx, tx, personID); err != nil {
				return err
			}
		}
		r, err := scanRequest(tx.QueryRowContext(ctx, qRequest+` FOR UPDATE`, requestID))
		switch {
		case err != nil:
			return err
		case r.Status != StatusPending:
			return ErrAlreadyDecided
		case approve && r.IDCardMatched != nil && !*r.IDCardMatched:
			return ErrIDCardMismatch
		case personID == 0:
			// A claim that matched no record: there is only the request to reject.
			if _, err := tx.ExecContext(ctx, qDecideRequest, StatusRejected, reason, staffID, now, requestID); err != nil {
				return fmt.Errorf("decide guardian request %d: %w", requestID, err)
			}
			return s.tell(ctx, tx, r, StatusRejected, reason, now)
		case r.Kind == KindRegister && p.Held:
			onFile, err := s.store.byIDCard(ctx, p.CommunityID, p.IDCard)
			if err != nil {
				return err
			}
			if onFile != 0 {
				return s.decideHeld(ctx, tx, staffID, p, onFile, r, approve, reason, now)
			}
			if approve {
				// The record on file is gone: the registration is approved like any other.
				p.Held, p.UpdatedAt = false, now
				if err := s.store.update(ctx, tx, p); err != nil {
					return err
				}
			}
		}
		status := StatusRejected
		if approve {
			status = StatusApproved
			if err := s.apply(ctx, tx, staffID, p, r, now); err != nil {
				return err
			}
		} else if r.Kind == KindRegister {
			if _, err := tx.ExecContext(ctx, qDeleteGuardian, p.ID, r.UserID); err != nil {
				return fmt.Errorf("reject registration: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, qDecideRequest, status, reason, staffID, now, requestID); err != nil {
			return fmt.Errorf("decide guardian request %d: %w", requestID, err)
		}
		action := ActRequestRejected
		if approve {
			action = ActRequestApproved
		}
		if err := audit(ctx, tx, Entry{CommunityID: p.CommunityID, PersonID: p.ID, ActorUserID: staffID, Capacity: CapStaff,
			Action: action, Note: r.Kind + ":" + fmt.Sprint(r.UserID) + noteSuffix(reason), At: now}); err != nil {
			return err
		}
		return s.tell(ctx, tx, r, status, reason, now)
	})
	if err != nil {
		return Request{}, err
	}
	return s.store.request(ctx, requestID)
}

// qPersonOfRequest points a decided request at another record; qWithdrawOnPerson withdraws the
// other open requests about a record that is removed.
const (
	qPersonOfRequest  = `UPDATE guardian_requests SET person_id = ? WHERE id = ?`
	qWithdrawOnPerson = `UPDATE guardian_requests SET status = 'withdrawn', is_open = NULL, open_claim = NULL, decided_at = ?
		WHERE person_id = ? AND is_open = 1`
	qDeleteGuardians = `DELETE FROM guardians WHERE person_id = ?`
)

// decideHeld decides a registration held aside (Person.Held) whose ID card is on file as the
// record onFile. Approved, the relative becomes an approved guardian of that record (as a join
// approved) and the request then names it; either way the held record is removed (erased, its
// guardians and open requests gone), since the person is on file already. Both records' audit
// trails say so.
func (s *Service) decideHeld(ctx context.Context, tx *sql.Tx, staffID int64, held Person, onFile int64, r Request, approve bool, reason string, now time.Time) error {
	on, err := s.store.lock(ctx, tx, onFile)
	if err != nil {
		return err
	}
	status, action := StatusRejected, ActRequestRejected
	if approve {
		status, action = StatusApproved, ActRequestApproved
		if err := s.apply(ctx, tx, staffID, on, Request{Kind: KindJoin, UserID: r.UserID, Relation: r.Relation}, now); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, qDecideRequest, status, reason, staffID, now, r.ID); err != nil {
		return fmt.Errorf("decide guardian request %d: %w", r.ID, err)
	}
	if approve {
		if _, err := tx.ExecContext(ctx, qPersonOfRequest, on.ID, r.ID); err != nil {
			return fmt.Errorf("decide guardian request %d: %w", r.ID, err)
		}
	}
	for _, q := range []string{qWithdrawOnPerson, qDeleteGuardians, qErase} {
		args := []any{held.ID}
		if q != qDeleteGuardians {
			args = []any{now, held.ID}
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("remove held person %d: %w", held.ID, err)
		}
	}
	if err := audit(ctx, tx, Entry{CommunityID: held.CommunityID, PersonID: held.ID, ActorUserID: staffID, Capacity: CapStaff,
		Action: ActErased, Note: fmt.Sprintf("身份证号与档案 %d 相同，登记已%s", on.ID, map[bool]string{true: "并入该档案", false: "驳回"}[approve]), At: now}); err != nil {
		return err
	}
	if err := audit(ctx, tx, Entry{CommunityID: on.CommunityID, PersonID: on.ID, ActorUserID: staffID, Capacity: CapStaff,
		Action: action, Note: fmt.Sprintf("register:%d 登记档案 %d", r.UserID, held.ID) + noteSuffix(reason), At: now}); err != nil {
		return err
	}
	return s.tell(ctx, tx, r, status, reason, now)
}

func noteSuffix(reason string) string {
	if reason == "" {
		return ""
	}
	return " " + reason
}

// apply carries out an approved request.
func (s *Service) apply(ctx context.Context, tx *sql.Tx, staffID int64, p Person, r Request, now time.Time) error {
	switch r.Kind {
	case KindRegister:
		if _, err := tx.ExecContext(ctx, qApproveGuardian, now, p.ID, r.UserID); err != nil {
			return fmt.Errorf("approve registration: %w", err)
		}
	case KindJoin:
		if _, err := tx.ExecContext(ctx, qInsertGuardian, p.ID, r.UserID, p.CommunityID, r.Relation, GuardianApproved, false, now, now); err != nil {
			if database.IsDuplicate(err) {
				_, err = tx.ExecContext(ctx, qApproveGuardian, now, p.ID, r.UserID)
			}
			if err != nil {
				return fmt.Errorf("approve guardian: %w", err)
			}
		}
	case KindClaim:
		if p.OwnerUserID != 0 {
			return ErrAlreadyClaimed
		}
		if err := s.claimTx(ctx, tx, p, r.UserID, now); err != nil {
			return err
		}
	}
	if _, err := ensurePrimary(ctx, tx, p.ID, now); err != nil {
		return err
	}
	if r.Kind == KindJoin {
		return nil
	}
	if _, err := tx.ExecContext(ctx, qVerify, now, staffID, now, p.ID); err != nil {
		return fmt.Errorf("verify person %d: %w", p.ID, err)
	}
	return nil
}

// claimTx makes p the user's own record, releasing one they had.
func (s *Service) claimTx(ctx context.Context, tx *sql.Tx, p Person, userID int64, now time.Time) error {
	var prev int64
	err := tx.QueryRowContext(ctx, qOwnerOf, userID).Scan(&prev)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("claim: %w", err)
	default:
		if _, err := tx.ExecContext(ctx, qReleaseOwner, now, prev); err != nil {
			return fmt.Errorf("claim: %w", err)
		}
		if err := audit(ctx, tx, Entry{CommunityID: p.CommunityID, PersonID: prev, ActorUserID: userID, Capacity: CapSelf,
			Action: ActOwnerReleased, Note: fmt.Sprintf("认领了档案 %d", p.ID), At: now}); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, qSetOwner, userID, now, p.ID); err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	// A guardian who claims their own record is no longer its guardian.
	if _, err := tx.ExecContext(ctx, qDeleteGuardian, p.ID, userID); err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	if err := audit(ctx, tx, Entry{CommunityID: p.CommunityID, PersonID: p.ID, ActorUserID: userID, Capacity: CapSelf,
		Action: ActClaimed, At: now}); err != nil {
		return err
	}
	return s.joiner.JoinTx(ctx, tx, userID, p.CommunityID, p.ID, p.Name)
}

var requestTitles = map[string]string{KindRegister: "家人登记", KindJoin: "家属申请", KindClaim: "认领档案"}

// tell puts the outcome of a request in the requester's inbox.
func (s *Service) tell(ctx context.Context, tx *sql.Tx, r Request, status, reason string, now time.Time) error {
	body := "社区已通过您的申请。"
	if status == StatusRejected {
		body = "社区未通过您的申请。"
		if reason != "" {
			body += "原因：" + reason
		}
	}
	title := requestTitles[r.Kind] + "已通过"
	if status == StatusRejected {
		title = requestTitles[r.Kind] + "未通过"
	}
	return notify.WriteTx(ctx, tx, r.UserID, fmt.Sprintf("guardian_request:%d", r.ID), notify.Message{
		CommunityID: r.CommunityID, Kind: "guardian_request", Title: title, Body: body, Page: "/pages/family/index", CreatedAt: now,
	})
}

// PendingCounts counts a community's requests waiting for staff, by kind.
func (s *Service) PendingCounts(ctx context.Context, communityID int64) (map[string]int, error) {
	out := map[string]int{KindRegister: 0, KindJoin: 0, KindClaim: 0}
	type count struct {
		kind string
		n    int
	}
	rows, err := database.Collect(ctx, s.store.db, `SELECT kind, COUNT(*) FROM guardian_requests WHERE community_id = ? AND status = 'pending' GROUP BY kind`,
		[]any{communityID}, func(r database.Scanner) (count, error) {
			var c count
			return c, r.Scan(&c.kind, &c.n)
		})
	if err != nil {
		return nil, fmt.Errorf("pending requests: %w", err)
	}
	for _, c := range rows {
		out[c.kind] = c.n
	}
	return out, nil
}
