// Package account keeps user accounts (one per WeChat user), their sessions, and the roles they
// hold in communities.
package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/linli/linli/server/internal/pii"
	"github.com/linli/linli/server/internal/wechat"
)

// Errors of this package.
var (
	ErrNotFound        = errors.New("account: not found")
	ErrInvalidCode     = errors.New("account: wechat code refused")
	ErrUnauthenticated = errors.New("account: no valid session")
	ErrLastStaff       = errors.New("account: the community's last staff member")
	ErrUnknownRole     = errors.New("account: unknown role")
	ErrNoConsoleRole   = errors.New("account: holds no staff or canteen-staff role")
)

// Role is what a user may do in one community.
type Role string

// Roles. Resident is taken by joining a community; the others are granted.
const (
	RoleResident     Role = "resident"
	RoleGridWorker   Role = "grid_worker"
	RoleVolunteer    Role = "volunteer"
	RoleCanteenStaff Role = "canteen_staff"
	RoleStaff        Role = "staff"
	RoleCityAdmin    Role = "city_admin"
)

// Grantable reports whether staff (and the admin command) may grant r.
func (r Role) Grantable() bool {
	switch r {
	case RoleStaff, RoleGridWorker, RoleCanteenStaff, RoleVolunteer:
		return true
	}
	return false
}

// Membership is a role held in a community.
type Membership struct {
	CommunityID int64
	Role        Role
	CreatedAt   time.Time
}

// User is an account.
type User struct {
	ID int64
	// CommunityID is the community the user joined as a resident (0 before onboarding).
	CommunityID int64
	Name        string
	// Phone is the bound phone number in clear ("" when none); callers mask it.
	Phone string
	// PersonID is the user's own person (0 before onboarding).
	PersonID  int64
	CreatedAt time.Time
	Roles     []Membership
}

// Has reports whether u holds role in the community.
func (u User) Has(communityID int64, role Role) bool {
	for _, m := range u.Roles {
		if m.CommunityID == communityID && m.Role == role {
			return true
		}
	}
	return false
}

// WeChat is what the service needs of WeChat (wechat.Client); a refused code is
// wechat.ErrInvalidCode.
type WeChat interface {
	Code2Session(ctx context.Context, code string) (string, error)
	PhoneNumber(ctx context.Context, code string) (string, error)
}

// Service manages accounts and sessions.
type Service struct {
	store    *store
	sessions *Sessions
	console  *Sessions
	tickets  *Tickets
	wx       WeChat
	box      *pii.Box
	now      func() time.Time
}

// NewService returns the service.
func NewService(db *sql.DB, rdb redis.UniversalClient, keyPrefix string, wx WeChat, box *pii.Box, now func() time.Time) *Service {
	return &Service{
		store:    &store{db: db},
		sessions: &Sessions{rdb: rdb, prefix: keyPrefix, kind: "sess", token: tokenPrefix, ttl: SessionTTL, slide: true, now: now},
		console:  &Sessions{rdb: rdb, prefix: keyPrefix, kind: "csess", token: consoleTokenPrefix, ttl: ConsoleSessionTTL, now: now},
		tickets:  &Tickets{rdb: rdb, prefix: keyPrefix, now: now},
		wx:       wx,
		box:      box,
		now:      now,
	}
}

// Sessions returns the mini-program's session store.
func (s *Service) Sessions() *Sessions { return s.sessions }

// ConsoleSessions returns the console's session store.
func (s *Service) ConsoleSessions() *Sessions { return s.console }

// Tickets returns the console's sign-in tickets.
func (s *Service) Tickets() *Tickets { return s.tickets }

// ConsoleRoles are the roles that may use the console.
var ConsoleRoles = []Role{RoleStaff, RoleCanteenStaff}

// holdsConsoleRole reports whether any of the memberships may use the console.
func holdsConsoleRole(held []Membership) bool {
	for _, m := range held {
		if slices.Contains(ConsoleRoles, m.Role) {
			return true
		}
	}
	return false
}

// Authenticate returns the user of a session token of either kind, with the roles read when the
// session is the console's (nil otherwise). A console session whose user no longer holds a
// console role anywhere ends here: it was granted for that role.
func (s *Service) Authenticate(ctx context.Context, token string) (int64, []Membership, error) {
	if !s.console.Owns(token) {
		id, err := s.sessions.Lookup(ctx, token)
		return id, nil, err
	}
	id, err := s.console.Lookup(ctx, token)
	if err != nil {
		return 0, nil, err
	}
	held, err := s.store.roles(ctx, id)
	if err != nil {
		return 0, nil, err
	}
	if !holdsConsoleRole(held) {
		if err := s.console.Delete(ctx, token); err != nil {
			return 0, nil, err
		}
		return 0, nil, ErrUnauthenticated
	}
	return id, held, nil
}

// Logout ends the session of a token of either kind.
func (s *Service) Logout(ctx context.Context, token string) error {
	if s.console.Owns(token) {
		return s.console.Delete(ctx, token)
	}
	return s.sessions.Delete(ctx, token)
}

// StartConsole opens a console session for a user who holds a console role (ErrNoConsoleRole
// otherwise).
func (s *Service) StartConsole(ctx context.Context, userID int64) (string, time.Time, User, error) {
	u, err := s.User(ctx, userID)
	if err != nil {
		return "", time.Time{}, User{}, err
	}
	if !holdsConsoleRole(u.Roles) {
		return "", time.Time{}, User{}, ErrNoConsoleRole
	}
	token, expires, err := s.console.Create(ctx, userID)
	return token, expires, u, err
}

// ConsoleLogin opens a console session from a wx.login code. Only the fake WeChat's codes can
// be typed by a person, so the API offers it in fake mode only.
func (s *Service) ConsoleLogin(ctx context.Context, code string) (string, time.Time, User, error) {
	id, err := s.userOfCode(ctx, code)
	if err != nil {
		return "", time.Time{}, User{}, err
	}
	return s.StartConsole(ctx, id)
}

// userOfCode exchanges a wx.login code for the user's account, creating it on first sight.
func (s *Service) userOfCode(ctx context.Context, code string) (int64, error) {
	openid, err := s.wx.Code2Session(ctx, code)
	if err != nil {
		if errors.Is(err, wechat.ErrInvalidCode) {
			return 0, ErrInvalidCode
		}
		return 0, fmt.Errorf("login: %w", err)
	}
	return s.UserIDByOpenID(ctx, openid)
}

// Login exchanges a wx.login code for a session, creating the account on first sight.
func (s *Service) Login(ctx context.Context, code string) (token string, expires time.Time, u User, err error) {
	id, err := s.userOfCode(ctx, code)
	if err != nil {
		return "", time.Time{}, User{}, err
	}
	token, expires, err = s.sessions.Create(ctx, id)
	if err != nil {
		return "", time.Time{}, User{}, err
	}
	u, err = s.User(ctx, id)
	return token, expires, u, err
}

// UserIDByOpenID returns the account of a WeChat user, creating it when new. The admin command
// uses it to grant roles to a user who has not signed in yet.
func (s *Service) UserIDByOpenID(ctx context.Context, openid string) (int64, error) {
	id, err := s.store.userIDByOpenID(ctx, openid)
	if errors.Is(err, ErrNotFound) {
		now := s.now().UTC()
		id, err = s.store.insertUser(ctx, openid, now)
		if errors.Is(err, errDuplicate) {
			id, err = s.store.userIDByOpenID(ctx, openid)
		}
	}
	return id, err
}

// User returns a live account with its roles and phone.
func (s *Service) User(ctx context.Context, id int64) (User, error) {
	u, phoneEnc, err := s.store.user(ctx, id)
	if err != nil {
		return User{}, err
	}
	if len(phoneEnc) > 0 {
		if u.Phone, err = s.box.Open(phoneEnc); err != nil {
			return User{}, fmt.Errorf("user %d phone: %w", id, err)
		}
	}
	if u.Roles, err = s.store.roles(ctx, id); err != nil {
		return User{}, err
	}
	return u, nil
}

// OpenID is the WeChat openid of a live account (for WeChat calls made on the user's behalf).
func (s *Service) OpenID(ctx context.Context, id int64) (string, error) {
	var openid sql.NullString
	err := s.store.db.QueryRowContext(ctx, `SELECT openid FROM users WHERE id = ? AND deleted_at IS NULL`, id).Scan(&openid)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("openid of user %d: %w", id, err)
	}
	return openid.String, nil
}

// HomeCommunity is the community the user joined as a resident (0 before onboarding).
func (s *Service) HomeCommunity(ctx context.Context, id int64) (int64, error) {
	u, _, err := s.store.user(ctx, id)
	return u.CommunityID, err
}

// Roles returns what the user holds, read afresh so grants and revokes act at once.
func (s *Service) Roles(ctx context.Context, id int64) ([]Membership, error) {
	return s.store.roles(ctx, id)
}

// JoinTx makes the user a resident of a community, with their own person, inside the
// caller's transaction (the person service saves the person in the same commit).
func (s *Service) JoinTx(ctx context.Context, tx *sql.Tx, userID, communityID, personID int64, name string) error {
	return s.store.join(ctx, tx, userID, communityID, personID, name, s.now().UTC())
}

// BindPhone binds the phone number WeChat gives for a getPhoneNumber code.
func (s *Service) BindPhone(ctx context.Context, userID int64, code string) error {
	phone, err := s.wx.PhoneNumber(ctx, code)
	if err != nil {
		if errors.Is(err, wechat.ErrInvalidCode) {
			return ErrInvalidCode
		}
		return fmt.Errorf("bind phone: %w", err)
	}
	return s.store.setPhone(ctx, userID, s.box.Seal(phone), s.box.Hash(phone), s.now().UTC())
}

// Delete erases the account: its sessions end, its WeChat link, phone and name are erased, its
// roles are revoked. The row stays for the records that refer to it.
func (s *Service) Delete(ctx context.Context, userID int64) error {
	if err := s.store.erase(ctx, userID, s.now().UTC()); err != nil {
		return err
	}
	if err := s.console.DeleteAll(ctx, userID); err != nil {
		return err
	}
	return s.sessions.DeleteAll(ctx, userID)
}

// Grant gives a user a role in a community; granting a held role changes nothing.
// actorID is 0 for the admin command line.
func (s *Service) Grant(ctx context.Context, communityID, userID int64, role Role, actorID int64) (Membership, error) {
	if !role.Grantable() {
		return Membership{}, ErrUnknownRole
	}
	if _, _, err := s.store.user(ctx, userID); err != nil {
		return Membership{}, err
	}
	return s.store.grant(ctx, communityID, userID, role, actorID, s.now().UTC())
}

// TopicRoleRevoked is the event of a role taken back: what the role entitled the user to ends
// with it (a grid worker leaves the grids and their open reports go back to dispatch).
const TopicRoleRevoked = "account.role_revoked"

// RoleRevoked is the event's payload; the event carries the community.
type RoleRevoked struct {
	UserID int64 `json:"user_id"`
	Role   Role  `json:"role"`
}

// Revoke takes a granted role back. The last staff member of a community cannot be revoked, so
// a community is never left without anyone to run it.
func (s *Service) Revoke(ctx context.Context, communityID, userID int64, role Role, actorID int64) error {
	if !role.Grantable() {
		return ErrUnknownRole
	}
	return s.store.revoke(ctx, communityID, userID, role, actorID, s.now().UTC())
}
