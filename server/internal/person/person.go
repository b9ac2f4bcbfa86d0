// Package person keeps persons (一人一档): resident records, separate from WeChat accounts,
// the guardians who act for them, the requests staff decide, and every change's audit trail.
package person

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/linli/linli/server/internal/cst"
	"github.com/linli/linli/server/internal/pii"
)

// Errors of this package.
var (
	// ErrNotFound is returned for a person (or request) that does not exist or that the caller
	// may not see: the two are never told apart.
	ErrNotFound        = errors.New("person: not found")
	ErrAlreadyGuardian = errors.New("person: already a guardian")
	ErrRequestPending  = errors.New("person: a request is already pending")
	ErrAlreadyDecided  = errors.New("person: request already decided")
	ErrAlreadyClaimed  = errors.New("person: record already claimed by an account")
	ErrNotApproved     = errors.New("person: guardian not approved")
	ErrTooMany         = errors.New("person: too many persons")
	ErrNotPrimary      = errors.New("person: only the primary guardian or staff may do this")
	ErrBuilding        = errors.New("person: unknown building")
)

// ExistsError is returned when an ID card is already on file in the community.
type ExistsError struct {
	// PersonID is the record on file; 0 when the caller may not see it (the answer must not name
	// a record to someone who only guessed its ID card).
	PersonID int64
}

func (e *ExistsError) Error() string {
	return fmt.Sprintf("person: ID card already on file as person %d", e.PersonID)
}

// Subsidy statuses a person may have (staff set them).
const (
	StatusDibao = "dibao"
	StatusTekun = "tekun"
)

// SubsidyStatuses lists them.
var SubsidyStatuses = []string{StatusDibao, StatusTekun}

// MaxManaged caps the persons one account manages (its own and those it guards or asks to).
const MaxManaged = 20

// Person is a resident record. IDCard, Phone and Contacts are in clear: callers mask them.
type Person struct {
	ID          int64
	CommunityID int64
	// OwnerUserID is the account whose own record this is (0 for a person with no account).
	OwnerUserID int64
	Details
	BuildingName string
	CreatedBy    int64
	// VerifiedAt is zero until staff approve the registration or verify the person.
	VerifiedAt time.Time
	// SubsidyStatus is "", StatusDibao or StatusTekun; only staff set it.
	SubsidyStatus string
	// NoShows counts meals booked for the person and never collected.
	NoShows int
	// Held is a record held aside until staff decide: a relative who may not see the record on
	// file gave its ID card (registering, or editing a record they manage). It keeps the ID card
	// without its hash, so the unique index and searches by ID card do not see it, and the
	// relative is answered as for any ID card (docs/decisions.md).
	Held      bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Verified reports whether staff have seen the person's identity.
func (p Person) Verified() bool { return !p.VerifiedAt.IsZero() }

// Joiner makes a user a resident of a community with their own person, inside the caller's
// transaction (account.Service): approving a claim does it in the same commit.
type Joiner interface {
	JoinTx(ctx context.Context, tx *sql.Tx, userID, communityID, personID int64, name string) error
}

// Staffing is what the account domain tells this one of its users (account.Service): the staff
// of a community, and users' names.
type Staffing interface {
	StaffOf(ctx context.Context, communityID int64) ([]int64, error)
	Names(ctx context.Context, ids []int64) (map[int64]string, error)
}

// Service manages persons and guardians.
type Service struct {
	store    *store
	rdb      redis.UniversalClient
	prefix   string
	box      *pii.Box
	joiner   Joiner
	staffing Staffing
	now      func() time.Time
	tries    tries
}

// NewService returns the service. Redis counts the ID-card tries (tries.go); prefix starts its
// keys. staffing says whom to tell when a limit is reached.
func NewService(db *sql.DB, rdb redis.UniversalClient, prefix string, box *pii.Box, joiner Joiner, staffing Staffing, now func() time.Time) *Service {
	s := &Service{store: &store{db: db, box: box}, rdb: rdb, prefix: prefix, box: box, joiner: joiner, staffing: staffing, now: now}
	s.tries = newTries(s)
	return s
}

// today is the current Asia/Shanghai date.
func (s *Service) today() string { return cst.Today(s.now()) }
