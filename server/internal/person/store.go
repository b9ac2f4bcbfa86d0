package person

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/pii"
)

type store struct {
	db  *sql.DB
	box *pii.Box
}

// queryer is a *sql.DB or a *sql.Tx.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// heldCol reads whether a record is held aside (Person.Held): an ID card kept without its hash.
const heldCol = `(p.id_card_hash IS NULL AND p.id_card_enc IS NOT NULL)`

const (
	// personCols are read from persons p LEFT JOIN buildings b; scanPerson reads them.
	personCols = `p.id, p.community_id, p.owner_user_id, p.name, p.gender, p.birth_date, p.id_card_enc, p.phone_enc,
		p.building_id, COALESCE(b.name, ''), p.unit, p.room, p.living_alone, p.care_level, p.diet_notes, p.contacts_enc,
		p.created_by, p.verified_at, p.subsidy_status, p.no_shows, p.created_at, p.updated_at, ` + heldCol
	personFrom = ` FROM persons p LEFT JOIN buildings b ON b.id = p.building_id `
	qGet       = `SELECT ` + personCols + personFrom + `WHERE p.id = ?`
	qOwn       = `SELECT ` + personCols + personFrom + `WHERE p.owner_user_id = ?`
	// qLock locks a person's row for a change; no join, so buildings' rows stay unlocked.
	qLock = `SELECT p.id, p.community_id, p.owner_user_id, p.name, p.gender, p.birth_date, p.id_card_enc, p.phone_enc,
		p.building_id, '', p.unit, p.room, p.living_alone, p.care_level, p.diet_notes, p.contacts_enc,
		p.created_by, p.verified_at, p.subsidy_status, p.no_shows, p.created_at, p.updated_at, ` + heldCol + ` FROM persons p WHERE p.id = ? FOR UPDATE`
	// qActFor reads a person with what the user is to it: the guardian status (NULL when none)
	// and whether the user is staff of the person's community.
	qActFor = `SELECT ` + personCols + `,
		(SELECT g.status FROM guardians g WHERE g.person_id = p.id AND g.user_id = ?),
		EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = ? AND r.community_id = p.community_id AND r.role = ?)` +
		personFrom + `WHERE p.id = ?`
	qInsert = `INSERT INTO persons (community_id, owner_user_id, name, name_initials, gender, birth_date, id_card_enc, id_card_hash,
		phone_enc, phone_hash, building_id, unit, room, living_alone, care_level, diet_notes, contacts_enc, created_by,
		verified_at, verified_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qUpdate = `UPDATE persons SET community_id = ?, name = ?, name_initials = ?, gender = ?, birth_date = ?, id_card_enc = ?, id_card_hash = ?,
		phone_enc = ?, phone_hash = ?, building_id = ?, unit = ?, room = ?, living_alone = ?, care_level = ?, diet_notes = ?,
		contacts_enc = ?, updated_at = ? WHERE id = ?`
	qOwnForUpdate  = `SELECT id FROM persons WHERE owner_user_id = ? FOR UPDATE`
	qOwnID         = `SELECT id FROM persons WHERE owner_user_id = ?`
	qByIDCard      = `SELECT id FROM persons WHERE community_id = ? AND %s`
	qVerify        = `UPDATE persons SET verified_at = ?, verified_by = ?, updated_at = ? WHERE id = ? AND verified_at IS NULL`
	qUnverify      = `UPDATE persons SET verified_at = NULL, verified_by = NULL WHERE id = ?`
	qClearStanding = `UPDATE persons SET verified_at = NULL, verified_by = NULL, subsidy_status = '', updated_at = ? WHERE id = ?`
	qSubsidyStatus = `UPDATE persons SET subsidy_status = ?, updated_at = ? WHERE id = ?`
	qSetOwner      = `UPDATE persons SET owner_user_id = ?, updated_at = ? WHERE id = ?`
	qReleaseOwner  = `UPDATE persons SET owner_user_id = NULL, updated_at = ? WHERE id = ?`
	qErase         = `UPDATE persons SET owner_user_id = NULL, name = '已注销', name_initials = '', gender = '', birth_date = NULL, id_card_enc = NULL,
		id_card_hash = NULL, phone_enc = NULL, phone_hash = NULL, unit = '', room = '', living_alone = FALSE,
		care_level = 'self_care', diet_notes = '', subsidy_status = '', contacts_enc = NULL, updated_at = ? WHERE id = ?`
	qGuardianOf     = `SELECT status, relation, is_primary FROM guardians WHERE person_id = ? AND user_id = ?`
	qInsertGuardian = `INSERT INTO guardians (person_id, user_id, community_id, relation, status, is_primary, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	qApproveGuardian = `UPDATE guardians SET status = 'approved', updated_at = ? WHERE person_id = ? AND user_id = ?`
	qDeleteGuardian  = `DELETE FROM guardians WHERE person_id = ? AND user_id = ?`
	qHasPrimary      = `SELECT COUNT(*) FROM guardians WHERE person_id = ? AND is_primary = TRUE`
	qClearPrimary    = `UPDATE guardians SET is_primary = FALSE, updated_at = ? WHERE person_id = ? AND is_primary = TRUE`
	qSetPrimary      = `UPDATE guardians SET is_primary = TRUE, updated_at = ? WHERE person_id = ? AND user_id = ?`
	qFirstApproved   = `SELECT user_id FROM guardians WHERE person_id = ? AND status = 'approved'
		ORDER BY created_at, user_id LIMIT 1`
	qGuardianCount = `SELECT COUNT(*) FROM guardians WHERE person_id = ?`
	qGuardians     = `SELECT g.user_id, COALESCE(u.name, ''), g.relation, g.status, g.is_primary, g.created_at
		FROM guardians g LEFT JOIN users u ON u.id = g.user_id WHERE g.person_id = ? ORDER BY g.created_at, g.user_id`
	qGuardedBy = `SELECT person_id FROM guardians WHERE user_id = ?`
	qManaged   = `SELECT ` + personCols + `, g.status, g.relation, g.is_primary
		FROM guardians g JOIN persons p ON p.id = g.person_id LEFT JOIN buildings b ON b.id = p.building_id
		WHERE g.user_id = ? ORDER BY g.created_at, g.person_id LIMIT ?`
	qManagedIDs = `SELECT id FROM persons WHERE owner_user_id = ?
		UNION SELECT person_id FROM guardians WHERE user_id = ?`
	qManagedCount = `SELECT (SELECT COUNT(*) FROM guardians WHERE user_id = ?) +
		(SELECT COUNT(*) FROM guardian_requests WHERE user_id = ? AND is_open = 1 AND kind <> 'register')`
)

func nullDate(d string) any {
	if d == "" {
		return nil
	}
	return d
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// sealed is a person's personal data as stored: ciphertext and keyed hash, or NULLs.
type sealed struct {
	idCard, idCardHash, phone, phoneHash, contacts any
}

func (s *store) seal(p Person) sealed {
	d := p.Details
	out := sealed{}
	if d.IDCard != "" {
		out.idCard, out.idCardHash = s.box.Seal(d.IDCard), s.box.Hash(d.IDCard)
		if p.Held {
			// Held aside: the unique index and searches by ID card do not see it.
			out.idCardHash = nil
		}
	}
	if d.Phone != "" {
		out.phone, out.phoneHash = s.box.Seal(d.Phone), s.box.Hash(d.Phone)
	}
	if len(d.Contacts) > 0 {
		raw, _ := json.Marshal(d.Contacts)
		out.contacts = s.box.Seal(string(raw))
	}
	return out
}

type scanner interface{ Scan(...any) error }

// scanPerson reads personCols, then extra.
func (s *store) scanPerson(row scanner, extra ...any) (Person, error) {
	var (
		p                       Person
		owner, createdBy        sql.NullInt64
		birth, verified         sql.NullTime
		idCard, phone, contacts []byte
	)
	dst := []any{&p.ID, &p.CommunityID, &owner, &p.Name, &p.Gender, &birth, &idCard, &phone,
		&p.BuildingID, &p.BuildingName, &p.Unit, &p.Room, &p.LivingAlone, &p.CareLevel, &p.DietNotes, &contacts,
		&createdBy, &verified, &p.SubsidyStatus, &p.NoShows, &p.CreatedAt, &p.UpdatedAt, &p.Held}
	err := row.Scan(append(dst, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return Person{}, ErrNotFound
	}
	if err != nil {
		return Person{}, err
	}
	p.OwnerUserID, p.CreatedBy = owner.Int64, createdBy.Int64
	if birth.Valid {
		p.BirthDate = birth.Time.Format(time.DateOnly)
	}
	if verified.Valid {
		p.VerifiedAt = verified.Time
	}
	if p.IDCard, err = s.open(idCard); err != nil {
		return Person{}, fmt.Errorf("person %d id card: %w", p.ID, err)
	}
	if p.Phone, err = s.open(phone); err != nil {
		return Person{}, fmt.Errorf("person %d phone: %w", p.ID, err)
	}
	p.Contacts = []Contact{}
	if len(contacts) > 0 {
		raw, err := s.box.Open(contacts)
		if err == nil {
			err = json.Unmarshal([]byte(raw), &p.Contacts)
		}
		if err != nil {
			return Person{}, fmt.Errorf("person %d contacts: %w", p.ID, err)
		}
	}
	return p, nil
}

func (s *store) open(b []byte) (string, error) {
	if len(b) == 0 {
		return "", nil
	}
	return s.box.Open(b)
}

func (s *store) get(ctx context.Context, q queryer, id int64) (Person, error) {
	p, err := s.scanPerson(q.QueryRowContext(ctx, qGet, id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Person{}, fmt.Errorf("person %d: %w", id, err)
	}
	return p, err
}

// many returns the persons of ids that exist.
func (s *store) many(ctx context.Context, ids []int64) ([]Person, error) {
	in, args := database.InList(ids)
	rows, err := s.db.QueryContext(ctx, `SELECT `+personCols+personFrom+`WHERE p.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("persons: %w", err)
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		p, err := s.scanPerson(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *store) lock(ctx context.Context, tx *sql.Tx, id int64) (Person, error) {
	p, err := s.scanPerson(tx.QueryRowContext(ctx, qLock, id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Person{}, fmt.Errorf("lock person %d: %w", id, err)
	}
	return p, err
}

func (s *store) own(ctx context.Context, userID int64) (Person, error) {
	p, err := s.scanPerson(s.db.QueryRowContext(ctx, qOwn, userID))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Person{}, fmt.Errorf("own person of user %d: %w", userID, err)
	}
	return p, err
}

// actFor reads a person with the user's guardian status ("" when none) and staff flag.
func (s *store) actFor(ctx context.Context, userID, personID int64, staffRole string) (Person, string, bool, error) {
	var (
		status sql.NullString
		staff  bool
	)
	p, err := s.scanPerson(s.db.QueryRowContext(ctx, qActFor, userID, userID, staffRole, personID), &status, &staff)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Person{}, "", false, fmt.Errorf("person %d for user %d: %w", personID, userID, err)
	}
	return p, status.String, staff, err
}

// insert adds a person; a duplicate ID card in the community is an *ExistsError.
func (s *store) insert(ctx context.Context, tx *sql.Tx, p Person, verifiedBy int64) (int64, error) {
	if err := s.underOldKey(ctx, tx, p); err != nil {
		return 0, err
	}
	sd := s.seal(p)
	res, err := tx.ExecContext(ctx, qInsert, p.CommunityID, nullID(p.OwnerUserID), p.Name, Initials(p.Name), p.Gender, nullDate(p.BirthDate),
		sd.idCard, sd.idCardHash, sd.phone, sd.phoneHash, p.BuildingID, p.Unit, p.Room, p.LivingAlone, p.CareLevel,
		p.DietNotes, sd.contacts, nullID(p.CreatedBy), nullTime(p.VerifiedAt), nullID(verifiedBy), p.CreatedAt, p.UpdatedAt)
	if err != nil {
		return 0, s.duplicate(ctx, p, err)
	}
	return res.LastInsertId()
}

// underOldKey finds, while the data key is being rotated, another record of the community with
// the ID card under the previous key's hash, which the unique index cannot see.
func (s *store) underOldKey(ctx context.Context, tx *sql.Tx, p Person) error {
	if p.IDCard == "" || p.Held || len(s.box.Hashes(p.IDCard)) < 2 {
		return nil
	}
	cond, args := s.hashIs("id_card_hash", p.IDCard)
	var id int64
	err := tx.QueryRowContext(ctx, fmt.Sprintf(qByIDCard, cond)+" AND id <> ? LIMIT 1", append(append([]any{p.CommunityID}, args...), p.ID)...).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("find person by ID card: %w", err)
	}
	return &ExistsError{PersonID: id}
}

// hashIs is a condition matching a hash column against every hash a value may be stored
// under: one, or two while the data key is being rotated.
func (s *store) hashIs(column, plain string) (string, []any) {
	hs := s.box.Hashes(plain)
	args := make([]any, len(hs))
	for i, h := range hs {
		args[i] = h
	}
	return column + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(hs)), ", ") + ")", args
}

// duplicate turns a duplicate-key error on the ID card into an *ExistsError naming the record.
func (s *store) duplicate(ctx context.Context, p Person, err error) error {
	if !database.IsDuplicate(err) || p.IDCard == "" {
		return fmt.Errorf("save person: %w", err)
	}
	var id int64
	cond, args := s.hashIs("id_card_hash", p.IDCard)
	if err := s.db.QueryRowContext(ctx, fmt.Sprintf(qByIDCard, cond), append([]any{p.CommunityID}, args...)...).Scan(&id); err != nil {
		return fmt.Errorf("find person by ID card: %w", err)
	}
	return &ExistsError{PersonID: id}
}

func (s *store) update(ctx context.Context, tx *sql.Tx, p Person) error {
	if err := s.underOldKey(ctx, tx, p); err != nil {
		return err
	}
	sd := s.seal(p)
	_, err := tx.ExecContext(ctx, qUpdate, p.CommunityID, p.Name, Initials(p.Name), p.Gender, nullDate(p.BirthDate), sd.idCard, sd.idCardHash,
		sd.phone, sd.phoneHash, p.BuildingID, p.Unit, p.Room, p.LivingAlone, p.CareLevel, p.DietNotes, sd.contacts,
		p.UpdatedAt, p.ID)
	if err != nil {
		return s.duplicate(ctx, p, err)
	}
	return nil
}

// byIDCard finds a person of the community by ID card; 0 when none.
func (s *store) byIDCard(ctx context.Context, communityID int64, idCard string) (int64, error) {
	var id int64
	cond, args := s.hashIs("id_card_hash", idCard)
	err := s.db.QueryRowContext(ctx, fmt.Sprintf(qByIDCard, cond), append([]any{communityID}, args...)...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("find person by ID card: %w", err)
	}
	return id, nil
}

// Guardian is one account acting for a person.
type Guardian struct {
	UserID    int64
	Name      string
	Relation  string
	Status    string
	Primary   bool
	CreatedAt time.Time
}

// Guardian statuses.
const (
	GuardianPending  = "pending"
	GuardianApproved = "approved"
)

func guardianOf(ctx context.Context, q queryer, personID, userID int64) (Guardian, bool, error) {
	g := Guardian{UserID: userID}
	err := q.QueryRowContext(ctx, qGuardianOf, personID, userID).Scan(&g.Status, &g.Relation, &g.Primary)
	if errors.Is(err, sql.ErrNoRows) {
		return Guardian{}, false, nil
	}
	if err != nil {
		return Guardian{}, false, fmt.Errorf("guardian %d of person %d: %w", userID, personID, err)
	}
	return g, true, nil
}

// ensurePrimary makes the earliest approved guardian primary when the person has none.
func ensurePrimary(ctx context.Context, tx *sql.Tx, personID int64, now time.Time) (int64, error) {
	var n int
	if err := tx.QueryRowContext(ctx, qHasPrimary, personID).Scan(&n); err != nil {
		return 0, fmt.Errorf("primary of person %d: %w", personID, err)
	}
	if n > 0 {
		return 0, nil
	}
	var uid int64
	err := tx.QueryRowContext(ctx, qFirstApproved, personID).Scan(&uid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("primary of person %d: %w", personID, err)
	}
	if _, err := tx.ExecContext(ctx, qSetPrimary, now, personID, uid); err != nil {
		return 0, fmt.Errorf("primary of person %d: %w", personID, err)
	}
	return uid, nil
}

func (s *store) guardians(ctx context.Context, personID int64) ([]Guardian, error) {
	rows, err := s.db.QueryContext(ctx, qGuardians, personID)
	if err != nil {
		return nil, fmt.Errorf("guardians of person %d: %w", personID, err)
	}
	defer rows.Close()
	out := []Guardian{}
	for rows.Next() {
		var g Guardian
		if err := rows.Scan(&g.UserID, &g.Name, &g.Relation, &g.Status, &g.Primary, &g.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// Managed is a person an account manages, with what the account is to it.
type Managed struct {
	Person
	// Guardianship is "self", "pending" or "approved".
	Guardianship string
	Relation     string
	Primary      bool
}

func (s *store) managed(ctx context.Context, userID int64) ([]Managed, error) {
	rows, err := s.db.QueryContext(ctx, qManaged, userID, MaxManaged+1)
	if err != nil {
		return nil, fmt.Errorf("persons of user %d: %w", userID, err)
	}
	defer rows.Close()
	out := []Managed{}
	for rows.Next() {
		var m Managed
		if m.Person, err = s.scanPerson(rows, &m.Guardianship, &m.Relation, &m.Primary); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// managedIDs answers the ids of the user's own person and of those they guard.
func (s *store) managedIDs(ctx context.Context, userID int64) ([]int64, error) {
	ids, err := database.Int64s(ctx, s.db, qManagedIDs, userID, userID)
	if err != nil {
		return nil, fmt.Errorf("persons of user %d: %w", userID, err)
	}
	return ids, nil
}

func managedCount(ctx context.Context, q queryer, userID int64) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, qManagedCount, userID, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("persons of user %d: %w", userID, err)
	}
	return n, nil
}

// Filter narrows the staff register.
type Filter struct {
	// Query matches the start of a name, or an ID card or phone number exactly.
	Query       string
	BuildingID  int64
	LivingAlone *bool
	// MinAge keeps persons at least this old (0: any).
	MinAge    int
	CareLevel string
	Verified  *bool
	// Order is by registration: oldest first unless paging.Newest.
	Order paging.Order
}

// Listed is a person in the staff register, with how many guardians are approved.
type Listed struct {
	Person
	Guardians int
}

const qSearch = `SELECT ` + personCols + `,
	(SELECT COUNT(*) FROM guardians g WHERE g.person_id = p.id AND g.status = 'approved')` + personFrom + `
	WHERE p.community_id = ? AND %s ORDER BY %s LIMIT ?`

func (s *store) search(ctx context.Context, communityID int64, f Filter, today string, p paging.Page) ([]Listed, error) {
	conds := []string{}
	args := []any{communityID}
	if q := strings.TrimSpace(f.Query); q != "" {
		upper := strings.ToUpper(q)
		switch {
		case len(upper) == idCardLength && CheckIDCard(upper, today) == "":
			cond, hs := s.hashIs("p.id_card_hash", upper)
			conds, args = append(conds, cond), append(args, hs...)
		case validPhone(normalizePhone(q)):
			cond, hs := s.hashIs("p.phone_hash", normalizePhone(q))
			conds, args = append(conds, cond), append(args, hs...)
		case initialsQuery(q):
			// The start of the name's pinyin initials, through idx_persons_initials.
			conds, args = append(conds, "p.name_initials LIKE ?"), append(args, database.LikePrefix(strings.ToLower(q)))
		default:
			// From the start of the name (a surname, or a whole name), through idx_persons_name.
			conds, args = append(conds, "p.name LIKE ?"), append(args, database.LikePrefix(q))
		}
	}
	if f.BuildingID > 0 {
		conds, args = append(conds, "p.building_id = ?"), append(args, f.BuildingID)
	}
	if f.LivingAlone != nil {
		conds, args = append(conds, "p.living_alone = ?"), append(args, *f.LivingAlone)
	}
	if f.MinAge > 0 {
		conds, args = append(conds, "p.birth_date <= ?"), append(args, BornOnOrBefore(today, f.MinAge))
	}
	if f.CareLevel != "" {
		conds, args = append(conds, "p.care_level = ?"), append(args, f.CareLevel)
	}
	if f.Verified != nil {
		if *f.Verified {
			conds = append(conds, "p.verified_at IS NOT NULL")
		} else {
			conds = append(conds, "p.verified_at IS NULL")
		}
	}
	where, wargs, order := p.Keyset("p.created_at", "p.id", f.Order)
	conds, args = append(conds, where), append(append(args, wargs...), p.Limit+1)
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(qSearch, strings.Join(conds, " AND "), order), args...)
	if err != nil {
		return nil, fmt.Errorf("search persons: %w", err)
	}
	defer rows.Close()
	out := []Listed{}
	for rows.Next() {
		var l Listed
		if l.Person, err = s.scanPerson(rows, &l.Guardians); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// qHeldBy reads the ID cards of the records a user holds aside in a community (Person.Held).
const qHeldBy = `SELECT p.id, p.id_card_enc FROM guardians g JOIN persons p ON p.id = g.person_id
	WHERE g.user_id = ? AND p.community_id = ? AND ` + heldCol + ` ORDER BY p.id`

// heldBy finds a record held aside with this ID card that the user guards; 0 when none. Held
// records have no hash to search by, and a user has few: each is opened and compared.
func (s *store) heldBy(ctx context.Context, userID, communityID int64, idCard string) (int64, error) {
	if idCard == "" {
		return 0, nil
	}
	type held struct {
		id     int64
		sealed []byte
	}
	rows, err := database.Collect(ctx, s.db, qHeldBy, []any{userID, communityID}, func(r database.Scanner) (held, error) {
		var h held
		return h, r.Scan(&h.id, &h.sealed)
	})
	if err != nil {
		return 0, fmt.Errorf("held records of user %d: %w", userID, err)
	}
	for _, h := range rows {
		got, err := s.open(h.sealed)
		if err != nil {
			return 0, fmt.Errorf("held record %d id card: %w", h.id, err)
		}
		if got == idCard {
			return h.id, nil
		}
	}
	return 0, nil
}
