package person

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/linli/linli/server/internal/paging"
)

// Capacity is what an actor is to the person acted for.
type Capacity string

// Capacities, in the order ActFor prefers them.
const (
	CapSelf            Capacity = "self"
	CapGuardian        Capacity = "guardian"
	CapPendingGuardian Capacity = "pending_guardian"
	CapStaff           Capacity = "staff"
	// CapApplicant asks to become a guardian or to claim the record; it may not act yet.
	CapApplicant Capacity = "applicant"
	// CapSystem is the product itself (an account's deletion).
	CapSystem Capacity = "system"
	// CapRider reads a delivery list (a volunteer of 小巷骑兵, or canteen staff).
	CapRider Capacity = "rider"
	// CapWorker is a grid worker reading an elder's number on a safety alert, or the worker a
	// report is assigned to reading its reporter's number.
	CapWorker Capacity = "worker"
)

// Audit actions.
const (
	ActCreated          = "created"
	ActUpdated          = "updated"
	ActVerified         = "verified"
	ActGuardianAsked    = "guardian_requested"
	ActClaimAsked       = "claim_requested"
	ActRequestApproved  = "request_approved"
	ActRequestRejected  = "request_rejected"
	ActGuardianLeft     = "guardian_left"
	ActGuardianRemoved  = "guardian_removed"
	ActPrimaryChanged   = "primary_changed"
	ActOwnerReleased    = "owner_released"
	ActErased           = "erased"
	ActClaimed          = "claimed"
	ActPhoneRead        = "phone_read"
	ActMoved            = "moved" // a person's own record moved to another community
	ActIDCardConflict   = "id_card_conflict"
	auditFieldSeparator = ","
)

// Entry is one line of a person's audit trail. Fields names what changed, never its value.
type Entry struct {
	ID          int64
	CommunityID int64
	PersonID    int64
	// ActorUserID is 0 for the system.
	ActorUserID int64
	ActorName   string
	Capacity    Capacity
	Action      string
	Fields      []string
	Note        string
	At          time.Time
}

const (
	qAudit     = `INSERT INTO person_audit (community_id, person_id, actor_user_id, capacity, action, fields, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	qAuditList = `SELECT a.id, a.community_id, a.person_id, a.actor_user_id, COALESCE(u.name, ''), a.capacity, a.action, a.fields, a.note, a.created_at
		FROM person_audit a LEFT JOIN users u ON u.id = a.actor_user_id
		WHERE a.person_id = ? AND a.community_id = ? AND %s ORDER BY %s LIMIT ?`
)

// audit writes e in the transaction of the change it records.
func audit(ctx context.Context, q queryer, e Entry) error {
	_, err := q.ExecContext(ctx, qAudit, e.args()...)
	if err != nil {
		return fmt.Errorf("audit %s of person %d: %w", e.Action, e.PersonID, err)
	}
	return nil
}

// args are the values of qAudit's row for the entry.
func (e Entry) args() []any {
	return []any{e.CommunityID, e.PersonID, nullID(e.ActorUserID), e.Capacity, e.Action,
		strings.Join(e.Fields, auditFieldSeparator), e.Note, e.At}
}

func (s *store) auditTrail(ctx context.Context, communityID, personID int64, o paging.Order, p paging.Page) ([]Entry, error) {
	where, args, order := p.Keyset("a.created_at", "a.id", o)
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(qAuditList, where, order), append(append([]any{personID, communityID}, args...), p.Limit+1)...)
	if err != nil {
		return nil, fmt.Errorf("audit of person %d: %w", personID, err)
	}
	defer rows.Close()
	out := []Entry{}
	for rows.Next() {
		var (
			e      Entry
			actor  sql.NullInt64
			fields string
		)
		if err := rows.Scan(&e.ID, &e.CommunityID, &e.PersonID, &actor, &e.ActorName, &e.Capacity, &e.Action, &fields, &e.Note, &e.At); err != nil {
			return nil, err
		}
		e.ActorUserID = actor.Int64
		e.Fields = []string{}
		if fields != "" {
			e.Fields = strings.Split(fields, auditFieldSeparator)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Audit pages through a person's audit trail as a community's staff read it, newest first: the
// entries written while the person was in that community (a person who moved keeps the old
// community's entries from the new one's staff). Callers check the reader is staff there.
func (s *Service) Audit(ctx context.Context, communityID, personID int64, o paging.Order, p paging.Page) ([]Entry, string, error) {
	rows, err := s.store.auditTrail(ctx, communityID, personID, o, p)
	if err != nil {
		return nil, "", err
	}
	items, next := paging.Trim(rows, p.Limit, func(e Entry) paging.Cursor { return paging.Cursor{At: e.At, ID: e.ID} })
	return items, next, nil
}

// changedFields names the fields of after that differ from before.
func changedFields(before, after Person) []string {
	var out []string
	add := func(name string, changed bool) {
		if changed {
			out = append(out, name)
		}
	}
	b, a := before.Details, after.Details
	add("name", b.Name != a.Name)
	add("gender", b.Gender != a.Gender)
	add("birth_date", b.BirthDate != a.BirthDate)
	add("id_card", b.IDCard != a.IDCard)
	add("phone", b.Phone != a.Phone)
	add("building_id", b.BuildingID != a.BuildingID)
	add("unit", b.Unit != a.Unit)
	add("room", b.Room != a.Room)
	add("living_alone", b.LivingAlone != a.LivingAlone)
	add("care_level", b.CareLevel != a.CareLevel)
	add("diet_notes", b.DietNotes != a.DietNotes)
	add("emergency_contacts", !slices.Equal(b.Contacts, a.Contacts))
	add("community_id", before.CommunityID != after.CommunityID)
	return out
}

// identityFields are the fields whose change undoes a verification made by staff.
var identityFields = []string{"name", "birth_date", "id_card"}

// sensitiveFields are the sensitive personal data a relative gives for someone else (个人信息保护法
// art. 28-29: the ID card and health details), which need that person's separate consent.
var sensitiveFields = []string{"id_card", "living_alone", "care_level", "diet_notes"}

// ConsentNote is the audit note of a registration or change in which the one who filled it in
// confirmed that the person (or their guardian) agreed to give their ID card and health details.
const ConsentNote = "填写人确认已获本人同意提供身份证号和健康信息"

// consentNote adds ConsentNote to note when consent was confirmed for a change touching
// sensitive fields.
func consentNote(note string, consented bool, changed []string) string {
	if !consented || !slices.ContainsFunc(changed, func(f string) bool { return slices.Contains(sensitiveFields, f) }) {
		return note
	}
	if note == "" {
		return ConsentNote
	}
	return note + "；" + ConsentNote
}

// RecordReads audits that an actor read the full phone numbers of persons (the delivery lists,
// the one place they are shown unmasked): one entry per person, written a hundred to a
// statement. A list the actor opens again with the same note (the day's list: its note names the
// day) adds entries only for the persons new on it, which Redis remembers for a day and a half;
// without Redis every read is written.
func (s *Service) RecordReads(ctx context.Context, actorID, communityID int64, capacity Capacity, personIDs []int64, note string) error {
	now := s.now().UTC()
	for batch := range slices.Chunk(s.unaudited(ctx, actorID, capacity, note, personIDs), 100) {
		var args []any
		for _, id := range batch {
			args = append(args, Entry{CommunityID: communityID, PersonID: id, ActorUserID: actorID, Capacity: capacity,
				Action: ActPhoneRead, Fields: []string{"phone"}, Note: note, At: now}.args()...)
		}
		q := qAudit + strings.Repeat(", (?, ?, ?, ?, ?, ?, ?, ?)", len(batch)-1)
		if _, err := s.store.db.ExecContext(ctx, q, args...); err != nil {
			s.forgetAudited(ctx, actorID, capacity, note)
			return fmt.Errorf("audit the phone reads of %d persons: %w", len(batch), err)
		}
	}
	return nil
}

// auditedFor is how long the persons of a list an actor read are remembered as audited.
const auditedFor = 36 * time.Hour

func (s *Service) auditedKey(actorID int64, capacity Capacity, note string) string {
	return s.prefix + "person:audited:" + strconv.FormatInt(actorID, 10) + ":" + string(capacity) + ":" + note
}

// unaudited answers those of ids whose read by the actor under note is not audited yet, and
// marks them so.
func (s *Service) unaudited(ctx context.Context, actorID int64, capacity Capacity, note string, ids []int64) []int64 {
	key := s.auditedKey(actorID, capacity, note)
	pipe := s.rdb.Pipeline()
	added := make([]*redis.IntCmd, len(ids))
	for i, id := range ids {
		added[i] = pipe.SAdd(ctx, key, id)
	}
	pipe.Expire(ctx, key, auditedFor)
	if _, err := pipe.Exec(ctx); err != nil {
		return ids
	}
	var out []int64
	for i, id := range ids {
		if added[i].Val() == 1 {
			out = append(out, id)
		}
	}
	return out
}

// forgetAudited drops what unaudited marked when the entries could not be written, so the next
// read writes them.
func (s *Service) forgetAudited(ctx context.Context, actorID int64, capacity Capacity, note string) {
	_ = s.rdb.Del(context.WithoutCancel(ctx), s.auditedKey(actorID, capacity, note)).Err()
}

// RecordRead audits on a person's trail that an actor read a phone number in full: the
// person's own (field "phone"), or one that concerns them, such as the number of whoever
// reported a problem for them (field "reporter_phone").
func (s *Service) RecordRead(ctx context.Context, actorID, communityID int64, capacity Capacity, personID int64, field, note string) error {
	return audit(ctx, s.store.db, Entry{CommunityID: communityID, PersonID: personID, ActorUserID: actorID, Capacity: capacity,
		Action: ActPhoneRead, Fields: []string{field}, Note: note, At: s.now().UTC()})
}
