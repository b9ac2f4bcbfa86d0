package person

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/validation"
)

// staffRole is account.RoleStaff, as user_roles stores it.
const staffRole = "staff"

// ActFor is the one rule for acting for a person: it answers the person and the capacity in
// which the user may act for them, or ErrNotFound, exactly as for a missing person.
//
//   - CapSelf: the user's own record.
//   - CapGuardian: an approved guardian.
//   - CapPendingGuardian: the relative who registered the person, before staff approve. They
//     may read and edit the record, book and report for the person; subsidies wait for
//     verification, and they may not manage other guardians.
//   - CapStaff: staff of the person's community, who also act for walk-in elders at the
//     counter.
//
// Someone who only asked to join as a guardian may not act until staff approve.
func (s *Service) ActFor(ctx context.Context, userID, personID int64) (Person, Capacity, error) {
	p, status, staff, err := s.store.actFor(ctx, userID, personID, staffRole)
	if err != nil {
		return Person{}, "", err
	}
	switch {
	case p.OwnerUserID == userID:
		return p, CapSelf, nil
	case status == GuardianApproved:
		return p, CapGuardian, nil
	case status == GuardianPending:
		return p, CapPendingGuardian, nil
	case staff:
		return p, CapStaff, nil
	}
	return Person{}, "", ErrNotFound
}

// InCommunity returns a person of the community, for staff routes; ErrNotFound for another
// community's.
func (s *Service) InCommunity(ctx context.Context, communityID, personID int64) (Person, error) {
	p, err := s.store.get(ctx, s.store.db, personID)
	if err == nil && p.CommunityID != communityID {
		return Person{}, ErrNotFound
	}
	return p, err
}

// ManyInCommunity returns the persons of ids that are in the community, by id, read in batches
// (a report of hundreds of persons asks once per hundred, not once per person).
func (s *Service) ManyInCommunity(ctx context.Context, communityID int64, ids []int64) (map[int64]Person, error) {
	out := make(map[int64]Person, len(ids))
	for batch := range slices.Chunk(ids, 100) {
		ps, err := s.store.many(ctx, batch)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if p.CommunityID == communityID {
				out[p.ID] = p
			}
		}
	}
	return out, nil
}

// Mine lists the persons the user manages: their own first, then those they guard (pending
// or approved) in the order they began.
func (s *Service) Mine(ctx context.Context, userID int64) ([]Managed, error) {
	out := []Managed{}
	own, err := s.store.own(ctx, userID)
	switch {
	case err == nil:
		out = append(out, Managed{Person: own, Guardianship: string(CapSelf), Relation: RelationSelf})
	case !errors.Is(err, ErrNotFound):
		return nil, err
	}
	guarded, err := s.store.managed(ctx, userID)
	if err != nil {
		return nil, err
	}
	return append(out, guarded...), nil
}

// ManagedIDs answers the ids of the persons the user manages (those Mine lists), so that a list
// of their orders, reports or enrolments reads each person's rows through that person's index
// (paging.OfEach) rather than a subquery the database runs against every row.
func (s *Service) ManagedIDs(ctx context.Context, userID int64) ([]int64, error) {
	return s.store.managedIDs(ctx, userID)
}

// Own returns the user's own person.
func (s *Service) Own(ctx context.Context, userID int64) (Person, error) {
	return s.store.own(ctx, userID)
}

// Guardians lists who acts for a person. Callers check ActFor first.
func (s *Service) Guardians(ctx context.Context, personID int64) ([]Guardian, error) {
	return s.store.guardians(ctx, personID)
}

// Update changes a person the user may act for: edit changes the current details, which are
// then checked whole. Staff's changes keep a verification; anyone else's change to a name,
// birth date or ID card undoes it, to be seen again. Anyone but staff giving a new ID card makes
// a try (allowTry). A new ID card on file in another record is an *ExistsError naming that
// record to a caller who may see it (staff, its guardians); anyone else's change is saved like
// any other, the record held aside (Person.Held) until staff correct it, and the other record's
// audit trail tells its staff (as Register does). consented is as for Register, noted when the
// change touches the ID card or health details.
func (s *Service) Update(ctx context.Context, userID, personID int64, edit func(*Details), consented bool) (Person, error) {
	current, capacity, err := s.ActFor(ctx, userID, personID)
	if err != nil {
		return Person{}, err
	}
	if capacity != CapStaff {
		d := current.Details
		d.Contacts = slices.Clone(current.Contacts)
		edit(&d)
		if normalizeIDCard(d.IDCard) != current.IDCard && d.IDCard != "" {
			if err := s.allowTry(ctx, userID, current.CommunityID); err != nil {
				return Person{}, err
			}
		}
	}
	now := s.now().UTC()
	err = s.update(ctx, userID, personID, capacity, edit, consented, 0, now)
	var exists *ExistsError
	if errors.As(err, &exists) {
		other := exists.PersonID
		if capacity == CapStaff {
			err = s.answerExists(ctx, userID, exists)
		} else if err = s.hold(ctx, userID, exists); err == nil {
			if err = s.update(ctx, userID, personID, capacity, edit, consented, other, now); err == nil {
				err = s.noteConflict(ctx, userID, other, personID, now)
			}
		}
	}
	if err != nil {
		return Person{}, err
	}
	return s.store.get(ctx, s.store.db, personID)
}

// update writes Update's change. onFile is, for a change held aside, the record on file with the
// new ID card.
func (s *Service) update(ctx context.Context, userID, personID int64, capacity Capacity, edit func(*Details), consented bool, onFile int64, now time.Time) error {
	return database.InTx(ctx, s.store.db, func(tx *sql.Tx) error {
		before, err := s.store.lock(ctx, tx, personID)
		if err != nil {
			return err
		}
		after := before
		after.Contacts = slices.Clone(before.Contacts)
		edit(&after.Details)
		if err := after.Normalize(s.today(), before.OwnerUserID == 0); err != nil {
			return err
		}
		if after.IDCard != before.IDCard {
			// A new ID card is searched again; one on file held aside when it still is.
			after.Held = onFile != 0
		}
		if after.BuildingID != before.BuildingID {
			if err := s.checkBuilding(ctx, before.CommunityID, after.BuildingID); err != nil {
				return err
			}
		}
		changed := changedFields(before, after)
		if len(changed) == 0 {
			return nil
		}
		after.UpdatedAt = now
		if err := s.store.update(ctx, tx, after); err != nil {
			return err
		}
		note := ""
		if capacity != CapStaff && before.Verified() && slices.ContainsFunc(changed, isIdentityField) {
			if _, err := tx.ExecContext(ctx, qUnverify, personID); err != nil {
				return fmt.Errorf("unverify person %d: %w", personID, err)
			}
			note = "身份信息已改，需重新核验"
		}
		if after.Held && onFile != 0 {
			note = strings.TrimPrefix(note+"；"+heldNote(onFile), "；")
		}
		return audit(ctx, tx, Entry{CommunityID: before.CommunityID, PersonID: personID, ActorUserID: userID, Capacity: capacity,
			Action: ActUpdated, Fields: changed, Note: consentNote(note, consented, changed), At: now})
	})
}

// noteConflict writes in the audit trail of a record that its ID card was given for another
// record, by a user who may not see it: its staff should find out which is right.
func (s *Service) noteConflict(ctx context.Context, userID, personID, otherID int64, now time.Time) error {
	p, err := s.store.get(ctx, s.store.db, personID)
	if err != nil {
		return err
	}
	return audit(ctx, s.store.db, Entry{CommunityID: p.CommunityID, PersonID: personID, ActorUserID: userID, Capacity: CapApplicant,
		Action: ActIDCardConflict, Fields: []string{"id_card"}, Note: fmt.Sprintf("在档案 %d 中填写了本档案的身份证号", otherID), At: now})
}

func isIdentityField(f string) bool { return slices.Contains(identityFields, f) }

// staffChange runs change on a person of the community, under the person's lock, and answers
// the person after. change returns nil without writing when there is nothing to change.
func (s *Service) staffChange(ctx context.Context, communityID, personID int64, change func(tx *sql.Tx, p Person) error) (Person, error) {
	err := database.InTx(ctx, s.store.db, func(tx *sql.Tx) error {
		p, err := s.store.lock(ctx, tx, personID)
		if err != nil {
			return err
		}
		if p.CommunityID != communityID {
			return ErrNotFound
		}
		return change(tx, p)
	})
	if err != nil {
		return Person{}, err
	}
	return s.store.get(ctx, s.store.db, personID)
}

// Verify records that staff saw the person's identity.
func (s *Service) Verify(ctx context.Context, staffID, communityID, personID int64) (Person, error) {
	now := s.now().UTC()
	return s.staffChange(ctx, communityID, personID, func(tx *sql.Tx, p Person) error {
		if p.Verified() {
			return nil
		}
		if _, err := tx.ExecContext(ctx, qVerify, now, staffID, now, personID); err != nil {
			return fmt.Errorf("verify person %d: %w", personID, err)
		}
		return audit(ctx, tx, Entry{CommunityID: communityID, PersonID: personID, ActorUserID: staffID, Capacity: CapStaff,
			Action: ActVerified, At: now})
	})
}

// SetSubsidyStatus records a person's status for subsidies (dibao, tekun, or "" for none);
// only staff of the person's community may.
func (s *Service) SetSubsidyStatus(ctx context.Context, staffID, communityID, personID int64, status string) (Person, error) {
	if status != "" && !slices.Contains(SubsidyStatuses, status) {
		return Person{}, validation.Field("status", "应为 dibao、tekun 或空")
	}
	now := s.now().UTC()
	return s.staffChange(ctx, communityID, personID, func(tx *sql.Tx, p Person) error {
		if p.SubsidyStatus == status {
			return nil
		}
		if _, err := tx.ExecContext(ctx, qSubsidyStatus, status, now, personID); err != nil {
			return fmt.Errorf("subsidy status of person %d: %w", personID, err)
		}
		return audit(ctx, tx, Entry{CommunityID: communityID, PersonID: personID, ActorUserID: staffID, Capacity: CapStaff,
			Action: ActUpdated, Fields: []string{"subsidy_status"}, At: now})
	})
}

// RemoveGuardian ends a guardianship: a guardian leaves, or staff remove one. When the primary
// goes, the earliest approved guardian left becomes primary. The person and its history stay.
func (s *Service) RemoveGuardian(ctx context.Context, actorID, personID, guardianID int64) error {
	_, capacity, err := s.ActFor(ctx, actorID, personID)
	if err != nil {
		return err
	}
	if actorID != guardianID && capacity != CapStaff {
		return ErrNotPrimary
	}
	action := ActGuardianRemoved
	if actorID == guardianID {
		action = ActGuardianLeft
	}
	return database.InTx(ctx, s.store.db, func(tx *sql.Tx) error {
		return s.removeGuardianTx(ctx, tx, actorID, capacity, personID, guardianID, action, s.now().UTC())
	})
}

func (s *Service) removeGuardianTx(ctx context.Context, tx *sql.Tx, actorID int64, capacity Capacity, personID, guardianID int64, action string, now time.Time) error {
	p, err := s.store.lock(ctx, tx, personID)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, qDeleteGuardian, personID, guardianID)
	if err != nil {
		return fmt.Errorf("remove guardian: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	if _, err := tx.ExecContext(ctx, qWithdrawRequests, now, guardianID, personID, personID); err != nil {
		return fmt.Errorf("remove guardian: %w", err)
	}
	if _, err := ensurePrimary(ctx, tx, personID, now); err != nil {
		return err
	}
	return audit(ctx, tx, Entry{CommunityID: p.CommunityID, PersonID: personID, ActorUserID: actorID, Capacity: capacity,
		Action: action, Note: fmt.Sprint(guardianID), At: now})
}

// SetPrimary makes an approved guardian the primary one; the primary guardian or staff may.
func (s *Service) SetPrimary(ctx context.Context, actorID, personID, guardianID int64) error {
	_, capacity, err := s.ActFor(ctx, actorID, personID)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	return database.InTx(ctx, s.store.db, func(tx *sql.Tx) error {
		p, err := s.store.lock(ctx, tx, personID)
		if err != nil {
			return err
		}
		if capacity != CapStaff {
			me, ok, err := guardianOf(ctx, tx, personID, actorID)
			if err != nil {
				return err
			}
			if !ok || !me.Primary {
				return ErrNotPrimary
			}
		}
		g, ok, err := guardianOf(ctx, tx, personID, guardianID)
		switch {
		case err != nil:
			return err
		case !ok:
			return ErrNotFound
		case g.Status != GuardianApproved:
			return ErrNotApproved
		case g.Primary:
			return nil
		}
		if _, err := tx.ExecContext(ctx, qClearPrimary, now, personID); err != nil {
			return fmt.Errorf("set primary: %w", err)
		}
		if _, err := tx.ExecContext(ctx, qSetPrimary, now, personID, guardianID); err != nil {
			return fmt.Errorf("set primary: %w", err)
		}
		return audit(ctx, tx, Entry{CommunityID: p.CommunityID, PersonID: personID, ActorUserID: actorID, Capacity: capacity,
			Action: ActPrimaryChanged, Note: fmt.Sprint(guardianID), At: now})
	})
}

// SaveOwn creates or updates the user's own person from a checked profile and makes the user a
// resident of its community, in one transaction.
func (s *Service) SaveOwn(ctx context.Context, userID int64, pr Profile) (Person, error) {
	now := s.now().UTC()
	var id int64
	err := database.InTx(ctx, s.store.db, func(tx *sql.Tx) error {
		// A plain read, not a locking one: locking a missing row locks a gap of the index, and
		// users onboarding at once would deadlock on each other's gaps. The unique key on
		// owner_user_id stops a second record; the row found is locked by its id.
		err := tx.QueryRowContext(ctx, qOwnID, userID).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if id, err = s.insertOwnTx(ctx, tx, userID, pr, now); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("own person of user %d: %w", userID, err)
		default:
			if err := s.updateOwnTx(ctx, tx, userID, id, pr, now); err != nil {
				return err
			}
		}
		return s.joiner.JoinTx(ctx, tx, userID, pr.CommunityID, id, pr.Name)
	})
	if errors.Is(err, errOwnRace) {
		// The same user saved twice at once and the other request created the record: update it.
		return s.SaveOwn(ctx, userID, pr)
	}
	var exists *ExistsError
	if errors.As(err, &exists) {
		// Moving to a community where the record's ID card is on file already.
		err = s.answerExists(ctx, userID, exists)
	}
	if err != nil {
		return Person{}, err
	}
	return s.store.get(ctx, s.store.db, id)
}

// errOwnRace is a concurrent request having created the user's own record first.
var errOwnRace = errors.New("person: own record created concurrently")

func (s *Service) insertOwnTx(ctx context.Context, tx *sql.Tx, userID int64, pr Profile, now time.Time) (int64, error) {
	d := Details{Name: pr.Name, Gender: pr.Gender, BirthDate: pr.BirthDate, BuildingID: pr.BuildingID, Unit: pr.Unit,
		Room: pr.Room, CareLevel: defaultCare, Contacts: []Contact{}}
	p := Person{CommunityID: pr.CommunityID, OwnerUserID: userID, Details: d, CreatedBy: userID, CreatedAt: now, UpdatedAt: now}
	id, err := s.store.insert(ctx, tx, p, 0)
	if database.IsDuplicate(err) {
		return 0, errOwnRace
	}
	if err != nil {
		return 0, err
	}
	return id, audit(ctx, tx, Entry{CommunityID: pr.CommunityID, PersonID: id, ActorUserID: userID, Capacity: CapSelf,
		Action: ActCreated, Fields: filledFields(d), At: now})
}

func (s *Service) updateOwnTx(ctx context.Context, tx *sql.Tx, userID, id int64, pr Profile, now time.Time) error {
	before, err := s.store.lock(ctx, tx, id)
	if err != nil {
		return err
	}
	after := before
	after.CommunityID, after.Name, after.BuildingID, after.Unit, after.Room = pr.CommunityID, pr.Name, pr.BuildingID, pr.Unit, pr.Room
	if pr.Gender != "" {
		after.Gender = pr.Gender
	}
	if pr.BirthDate != "" {
		after.BirthDate = pr.BirthDate
	}
	changed := changedFields(before, after)
	if len(changed) == 0 {
		return nil
	}
	after.UpdatedAt = now
	if err := s.store.update(ctx, tx, after); err != nil {
		return err
	}
	if after.CommunityID != before.CommunityID {
		return moveTx(ctx, tx, userID, before, after.CommunityID, changed, now)
	}
	note := ""
	if before.Verified() && slices.ContainsFunc(changed, isIdentityField) {
		if _, err := tx.ExecContext(ctx, qUnverify, id); err != nil {
			return fmt.Errorf("unverify person %d: %w", id, err)
		}
		note = "身份信息已改，需重新核验"
	}
	return audit(ctx, tx, Entry{CommunityID: after.CommunityID, PersonID: id, ActorUserID: userID, Capacity: CapSelf,
		Action: ActUpdated, Fields: changed, Note: note, At: now})
}

// moveTx follows a person's own record into another community (already written): its guardians
// and open requests go with it, to be decided by the new community's staff, and a verification
// and subsidy status the old community's staff gave are cleared, since the new community's staff
// have seen neither. The audit entry is the new community's; the old one's entries stay the old
// community's to read.
func moveTx(ctx context.Context, tx *sql.Tx, userID int64, before Person, communityID int64, changed []string, now time.Time) error {
	for _, q := range []string{qMoveGuardians, qMoveRequests} {
		if _, err := tx.ExecContext(ctx, q, communityID, before.ID); err != nil {
			return fmt.Errorf("move person %d: %w", before.ID, err)
		}
	}
	fields := changed
	if before.Verified() {
		fields = append(fields, "verified")
	}
	if before.SubsidyStatus != "" {
		fields = append(fields, "subsidy_status")
	}
	// What one community's staff decided about the person: verification and subsidy status.
	if _, err := tx.ExecContext(ctx, qClearStanding, now, before.ID); err != nil {
		return fmt.Errorf("move person %d: %w", before.ID, err)
	}
	return audit(ctx, tx, Entry{CommunityID: communityID, PersonID: before.ID, ActorUserID: userID, Capacity: CapSelf,
		Action: ActMoved, Fields: fields, Note: "迁入本社区，核验和补贴身份需本社区重新确认", At: now})
}

// ReleaseAccount is what a deleted account leaves behind. Its own record stays whole, without
// the account, when others guard it; otherwise its personal data are erased and the record
// stays for what refers to it. Its guardianships end (the primary passes on) and its pending
// requests are withdrawn. Persons it guarded stay.
func (s *Service) ReleaseAccount(ctx context.Context, userID int64) error {
	now := s.now().UTC()
	return database.InTx(ctx, s.store.db, func(tx *sql.Tx) error {
		var own int64
		err := tx.QueryRowContext(ctx, qOwnForUpdate, userID).Scan(&own)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("release account %d: %w", userID, err)
		default:
			if err := s.releaseOwnTx(ctx, tx, own, now); err != nil {
				return err
			}
		}
		guarded, err := database.Int64s(ctx, tx, qGuardedBy+` ORDER BY person_id`, userID)
		if err != nil {
			return err
		}
		for _, pid := range guarded {
			if err := s.removeGuardianTx(ctx, tx, 0, CapSystem, pid, userID, ActGuardianLeft, now); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, qWithdrawRequests, now, userID, 0, 0); err != nil {
			return fmt.Errorf("release account %d: %w", userID, err)
		}
		return nil
	})
}

func (s *Service) releaseOwnTx(ctx context.Context, tx *sql.Tx, id int64, now time.Time) error {
	p, err := s.store.lock(ctx, tx, id)
	if err != nil {
		return err
	}
	var guardians int
	if err := tx.QueryRowContext(ctx, qGuardianCount, id).Scan(&guardians); err != nil {
		return fmt.Errorf("release own person %d: %w", id, err)
	}
	q, action := qErase, ActErased
	if guardians > 0 {
		q, action = qReleaseOwner, ActOwnerReleased
	}
	if _, err := tx.ExecContext(ctx, q, now, id); err != nil {
		return fmt.Errorf("release own person %d: %w", id, err)
	}
	return audit(ctx, tx, Entry{CommunityID: p.CommunityID, PersonID: id, Capacity: CapSystem, Action: action,
		Note: "账号已注销", At: now})
}

// Search pages through the community's register.
func (s *Service) Search(ctx context.Context, communityID int64, f Filter, p paging.Page) ([]Listed, string, error) {
	rows, err := s.store.search(ctx, communityID, f, s.today(), p)
	if err != nil {
		return nil, "", err
	}
	items, next := paging.Trim(rows, p.Limit, func(l Listed) paging.Cursor { return paging.Cursor{At: l.CreatedAt, ID: l.ID} })
	return items, next, nil
}

// Today is the current Asia/Shanghai date, by the service's clock.
func (s *Service) Today() string { return s.today() }

// qWatchers are the accounts told about a person: their own, and every guardian's (approved or
// pending).
const qWatchers = `SELECT owner_user_id FROM persons WHERE id = ? AND owner_user_id IS NOT NULL
	UNION SELECT user_id FROM guardians WHERE person_id = ?`

// Watchers answers the accounts told about a person (its own and its guardians'), read through q
// (a transaction of the caller's, so what it tells commits with it).
func Watchers(ctx context.Context, q database.Queryer, personID int64) ([]int64, error) {
	ids, err := database.Int64s(ctx, q, qWatchers, personID, personID)
	if err != nil {
		return nil, fmt.Errorf("who watches person %d: %w", personID, err)
	}
	return ids, nil
}
