package history

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/linli/linli/server/internal/person"
)

var (
	tPersons = newTable("persons", "id", "community_id", "owner_user_id", "name", "name_initials", "gender", "birth_date", "building_id", "unit", "room",
		"created_at", "updated_at", "id_card_enc", "id_card_hash", "phone_enc", "phone_hash", "living_alone", "care_level", "diet_notes",
		"contacts_enc", "created_by", "verified_at", "verified_by", "subsidy_status", "no_shows")
	tAudit = newTable("person_audit", "id", "community_id", "person_id", "actor_user_id", "capacity", "action", "fields", "note", "created_at")
)

// audit is a batch of person_audit rows.
type audit struct {
	w *world
	b *batch
}

func (a audit) add(comm, pi, actor int, capacity person.Capacity, action string, fields []string, note string, at time.Time) {
	var actorID int64
	if actor >= 0 {
		actorID = a.w.users[actor].id
	}
	a.b.Row().Int(a.w.ids.next("person_audit")).Int(a.w.comms[comm].id).Int(a.w.persons[pi].id).ID(actorID).Str(string(capacity)).
		Str(action).Str(strings.Join(fields, ",")).Str(note).Time(at).End()
}

// writePersons writes the persons, sealed as the person store seals them, and their audit
// trail: created, details added, verified, guardians asked and approved, numbers read by riders.
func (w *world) writePersons(s *sink, md mealsDone) error {
	r := rng(4)
	ps := s.batch(tPersons)
	a := audit{w: w, b: s.batch(tAudit)}
	for pi := range w.persons {
		p := &w.persons[pi]
		c := w.comms[p.comm]
		updated := p.createdAt
		later := func(at time.Time) {
			if at.After(updated) {
				updated = at
			}
		}
		switch p.kind {
		case kindOwn:
			a.add(p.comm, pi, p.owner, person.CapSelf, person.ActCreated, []string{"name", "gender", "birth_date", "building_id", "unit", "room", "care_level"}, "", p.createdAt)
			var added []string
			if p.idCard != "" {
				added = append(added, "id_card")
			}
			if p.phone != "" {
				added = append(added, "phone")
			}
			if len(added) > 0 {
				end := w.now
				if !p.verifiedAt.IsZero() {
					end = p.verifiedAt
				}
				at := between(r, p.createdAt, end)
				a.add(p.comm, pi, p.owner, person.CapSelf, person.ActUpdated, added, "", at)
				later(at)
			}
		case kindGuarded:
			g := p.guardians[0]
			// The relative confirmed the person's consent to give their ID card and health details.
			a.add(p.comm, pi, g.user, person.CapPendingGuardian, person.ActCreated, filled(p), person.ConsentNote, p.createdAt)
		case kindWalkIn:
			a.add(p.comm, pi, p.createdBy, person.CapStaff, person.ActCreated, filled(p), "窗口登记", p.createdAt)
		}
		for _, g := range p.guardians {
			if g.kind == person.KindJoin {
				a.add(p.comm, pi, g.user, person.CapApplicant, person.ActGuardianAsked, nil, "", g.askedAt)
			}
			if g.approved(w.now) {
				a.add(p.comm, pi, g.decidedBy, person.CapStaff, person.ActRequestApproved, nil, fmt.Sprintf("%s:%d", g.kind, w.users[g.user].id), g.decidedAt)
				later(g.decidedAt)
			}
		}
		if p.kind == kindOwn && !p.verifiedAt.IsZero() {
			a.add(p.comm, pi, p.verifiedBy, person.CapStaff, person.ActVerified, nil, "", p.verifiedAt)
			later(p.verifiedAt)
		}
		if p.subsidy != "" {
			at := between(r, p.createdAt, w.now)
			a.add(p.comm, pi, pick(r, c.staff), person.CapStaff, person.ActUpdated, []string{"subsidy_status"}, "", at)
			later(at)
		}
		if w.elder(p) && chance(r, 0.1) {
			actor, capacity := pick(r, c.staff), person.CapStaff
			if len(p.guardians) > 0 && p.guardians[0].approved(w.now) {
				actor, capacity = p.guardians[0].user, person.CapGuardian
			}
			at := between(r, p.createdAt, w.now)
			a.add(p.comm, pi, actor, capacity, person.ActUpdated, []string{pick(r, []string{"care_level", "diet_notes", "living_alone", "room"})}, "", at)
			later(at)
		}

		var idCard, idHash, phone, phoneHash, contacts []byte
		if p.idCard != "" {
			idCard, idHash = w.box.Seal(p.idCard), w.box.Hash(p.idCard)
		}
		if p.phone != "" {
			phone, phoneHash = w.box.Seal(p.phone), w.box.Hash(p.phone)
		}
		if len(p.contacts) > 0 {
			raw, err := json.Marshal(p.contacts)
			if err != nil {
				return err
			}
			contacts = w.box.Seal(string(raw))
		}
		var owner, verifiedBy int64
		if p.owner >= 0 {
			owner = w.users[p.owner].id
		}
		if p.verifiedBy >= 0 {
			verifiedBy = w.users[p.verifiedBy].id
		}
		ps.Row().Int(p.id).Int(c.id).ID(owner).Str(p.name).Str(person.Initials(p.name)).Str(p.gender).Date(p.birth).Int(c.buildings[p.building].id).Str(p.unit).Str(p.room).
			Time(p.createdAt).Time(updated).Bin(idCard).Bin(idHash).Bin(phone).Bin(phoneHash).Bool(p.livingAlone).Str(p.care).Str(p.diet).
			Bin(contacts).Int(w.users[p.createdBy].id).Time(p.verifiedAt).ID(verifiedBy).Str(p.subsidy).Int(int64(md.noShows[pi])).End()
	}
	for _, rd := range md.reads {
		a.add(w.persons[rd.person].comm, rd.person, rd.rider, person.CapRider, person.ActPhoneRead, []string{"phone"}, rd.note, rd.at)
	}
	ps.Flush()
	a.b.Flush()
	return nil
}

// filled names the fields a record registered whole was given, as the person store's audit does.
func filled(p *personRec) []string {
	out := []string{"name", "gender", "birth_date"}
	if p.idCard != "" {
		out = append(out, "id_card")
	}
	if p.phone != "" {
		out = append(out, "phone")
	}
	out = append(out, "building_id", "unit", "room")
	if p.livingAlone {
		out = append(out, "living_alone")
	}
	out = append(out, "care_level")
	if p.diet != "" {
		out = append(out, "diet_notes")
	}
	if len(p.contacts) > 0 {
		out = append(out, "emergency_contacts")
	}
	return out
}
