// Package person keeps persons (一人一档): resident records, separate from WeChat accounts.
package person

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/linli/linli/server/internal/validation"
)

// ErrNotFound is returned for a person that does not exist or may not be seen.
var ErrNotFound = errors.New("person: not found")

// Genders.
const (
	GenderMale   = "male"
	GenderFemale = "female"
)

// Person is a resident record.
type Person struct {
	ID          int64
	CommunityID int64
	// OwnerUserID is the account whose own record this is (0 for a person with no account).
	OwnerUserID int64
	Name        string
	Gender      string
	// BirthDate is "" when unknown, else YYYY-MM-DD.
	BirthDate  string
	BuildingID int64
	Unit       string
	Room       string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Profile is what a user says of themself when joining a community.
type Profile struct {
	CommunityID int64
	BuildingID  int64
	Name        string
	Unit        string
	Room        string
	Gender      string
	BirthDate   string
}

// Field limits, in characters.
const (
	MaxName = 32
	MaxUnit = 16
)

// Normalize trims p and checks it; today is the current Asia/Shanghai date (YYYY-MM-DD).
func (p *Profile) Normalize(today string) error {
	errs := validation.Errors{}
	p.Name, p.Unit, p.Room = strings.TrimSpace(p.Name), strings.TrimSpace(p.Unit), strings.TrimSpace(p.Room)
	checkText(errs, "name", p.Name, MaxName, true)
	checkText(errs, "unit", p.Unit, MaxUnit, true)
	checkText(errs, "room", p.Room, MaxUnit, true)
	if p.CommunityID <= 0 {
		errs.Add("community_id", validation.Required)
	}
	if p.BuildingID <= 0 {
		errs.Add("building_id", validation.Required)
	}
	if p.Gender != "" && p.Gender != GenderMale && p.Gender != GenderFemale {
		errs.Add("gender", "应为 male 或 female")
	}
	if p.BirthDate != "" {
		d, err := time.Parse(time.DateOnly, p.BirthDate)
		switch {
		case err != nil:
			errs.Add("birth_date", "日期格式应为 YYYY-MM-DD")
		case p.BirthDate > today:
			errs.Add("birth_date", "出生日期不能晚于今天")
		case d.Year() < 1900:
			errs.Add("birth_date", "出生日期不正确")
		}
	}
	return errs.Err()
}

func checkText(errs validation.Errors, field, v string, max int, required bool) {
	switch {
	case required && v == "":
		errs.Add(field, validation.Required)
	case utf8.RuneCountInString(v) > max:
		errs.Add(field, validation.TooLong)
	}
}

// Service manages persons.
type Service struct {
	store *store
	now   func() time.Time
}

// NewService returns the service over db.
func NewService(db *sql.DB, now func() time.Time) *Service {
	return &Service{store: &store{db: db}, now: now}
}

// SaveOwn creates or updates the user's own person from a checked profile.
func (s *Service) SaveOwn(ctx context.Context, userID int64, p Profile) (Person, error) {
	now := s.now().UTC()
	per := Person{
		CommunityID: p.CommunityID, OwnerUserID: userID, Name: p.Name, Gender: p.Gender, BirthDate: p.BirthDate,
		BuildingID: p.BuildingID, Unit: p.Unit, Room: p.Room, CreatedAt: now, UpdatedAt: now,
	}
	id, err := s.store.upsertOwn(ctx, per)
	if err != nil {
		return Person{}, err
	}
	return s.store.get(ctx, id)
}

// Own returns the user's own person.
func (s *Service) Own(ctx context.Context, userID int64) (Person, error) {
	return s.store.own(ctx, userID)
}

// ReleaseOwn detaches a deleted account from its own person and erases the personal data the
// record held; the record stays for what refers to it.
func (s *Service) ReleaseOwn(ctx context.Context, userID int64) error {
	return s.store.releaseOwn(ctx, userID, s.now().UTC())
}
