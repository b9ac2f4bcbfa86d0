package account

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/validation"
)

// Member is a user as staff see them: who they are and the roles they hold in the staff's
// community.
type Member struct {
	UserID int64
	Name   string
	// Phone is in clear; callers mask it.
	Phone string
	// HomeCommunity is where the user lives (0 before onboarding).
	HomeCommunity int64
	Roles         []Membership
	// Latest is the newest grant in the community (the list's order).
	Latest time.Time
}

// MaxUserMatches bounds a user search.
const MaxUserMatches = 20

// Granted roles only: residency is a row too, but not a role staff grant.
const grantedRoles = `'staff', 'grid_worker', 'canteen_staff', 'volunteer'`

const (
	qMembers = `SELECT r.user_id, MAX(r.created_at) AS latest
		FROM user_roles r JOIN users u ON u.id = r.user_id AND u.deleted_at IS NULL
		WHERE r.community_id = ? AND r.role IN (` + grantedRoles + `) AND (? = '' OR r.role = ?) AND (? = '' OR u.name LIKE ?)
		GROUP BY r.user_id
		HAVING %s
		ORDER BY %s LIMIT ?`
	qMembersHaving = `(MAX(r.created_at) %[1]s ? OR (MAX(r.created_at) = ? AND r.user_id %[1]s ?))`
	qUsersByPhone  = `SELECT id FROM users WHERE phone_hash = ? AND deleted_at IS NULL ORDER BY created_at, id LIMIT ?`
	// A name is looked for from its start among the community's residents (idx_users_name) and
	// the holders of a role in it, who may live elsewhere.
	qUsersByName = `SELECT id FROM users WHERE community_id = ? AND name LIKE ? AND deleted_at IS NULL
		UNION
		SELECT u.id FROM user_roles r JOIN users u ON u.id = r.user_id
		WHERE r.community_id = ? AND r.role IN (` + grantedRoles + `) AND u.deleted_at IS NULL AND u.name LIKE ?
		LIMIT ?`
	qMemberUsers = `SELECT id, community_id, name, phone_enc FROM users WHERE id IN (%s) AND deleted_at IS NULL`
	qMemberRoles = `SELECT user_id, role, created_at FROM user_roles
		WHERE community_id = ? AND user_id IN (%s) AND role IN (` + grantedRoles + `) ORDER BY created_at, role`
)

// Members pages through the users holding a granted role in a community (role "" for any),
// by their latest grant, newest first unless o is paging.Oldest; q narrows to names containing
// it.
func (s *Service) Members(ctx context.Context, communityID int64, role Role, q string, o paging.Order, p paging.Page) ([]Member, string, error) {
	if role != "" && !role.Grantable() {
		return nil, "", ErrUnknownRole
	}
	cmp, order := "<", "latest DESC, r.user_id DESC"
	if o == paging.Oldest {
		cmp, order = ">", "latest, r.user_id"
	}
	having, hargs := "TRUE", []any(nil)
	if p.After != nil {
		having, hargs = fmt.Sprintf(qMembersHaving, cmp), []any{p.After.At, p.After.At, p.After.ID}
	}
	pattern := ""
	if q != "" {
		pattern = database.LikeAny(q)
	}
	args := append([]any{communityID, string(role), string(role), pattern, pattern}, hargs...)
	type row struct {
		id     int64
		latest time.Time
	}
	rows, err := database.Collect(ctx, s.store.db, fmt.Sprintf(qMembers, having, order), append(args, p.Limit+1), func(r database.Scanner) (row, error) {
		var x row
		return x, r.Scan(&x.id, &x.latest)
	})
	if err != nil {
		return nil, "", fmt.Errorf("members: %w", err)
	}
	rows, next := paging.Trim(rows, p.Limit, func(x row) paging.Cursor { return paging.Cursor{At: x.latest, ID: x.id} })
	ids := make([]int64, len(rows))
	for i, x := range rows {
		ids[i] = x.id
	}
	out, err := s.members(ctx, communityID, ids)
	if err != nil {
		return nil, "", err
	}
	for i := range out {
		out[i].Latest = rows[i].latest
	}
	return out, next, nil
}

// FindUsers finds users for staff to grant a role to: by a whole phone number anyone who bound
// it, else by the start of a name the community's residents and role holders.
func (s *Service) FindUsers(ctx context.Context, communityID int64, q string) ([]Member, error) {
	var ids []int64
	var err error
	if validation.Mobile(q) {
		ids, err = database.Int64s(ctx, s.store.db, qUsersByPhone, s.box.Hash(q), MaxUserMatches)
	} else {
		pattern := database.LikePrefix(q)
		ids, err = database.Int64s(ctx, s.store.db, qUsersByName, communityID, pattern, communityID, pattern, MaxUserMatches)
	}
	if err != nil {
		return nil, fmt.Errorf("find users: %w", err)
	}
	return s.members(ctx, communityID, ids)
}

// members reads users and their granted roles in the community, in the order of ids.
func (s *Service) members(ctx context.Context, communityID int64, ids []int64) ([]Member, error) {
	out := make([]Member, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := database.InList(ids)
	type user struct {
		m     Member
		phone []byte
	}
	users, err := database.Collect(ctx, s.store.db, fmt.Sprintf(qMemberUsers, in), args, func(r database.Scanner) (user, error) {
		var u user
		var home sql.NullInt64
		err := r.Scan(&u.m.UserID, &home, &u.m.Name, &u.phone)
		u.m.HomeCommunity = home.Int64
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("member users: %w", err)
	}
	byID := make(map[int64]*Member, len(users))
	for i := range users {
		u := &users[i]
		if len(u.phone) > 0 {
			if u.m.Phone, err = s.box.Open(u.phone); err != nil {
				return nil, fmt.Errorf("user %d phone: %w", u.m.UserID, err)
			}
		}
		u.m.Roles = []Membership{}
		byID[u.m.UserID] = &u.m
	}
	type held struct {
		user int64
		m    Membership
	}
	roles, err := database.Collect(ctx, s.store.db, fmt.Sprintf(qMemberRoles, in), append([]any{communityID}, args...), func(r database.Scanner) (held, error) {
		var h held
		err := r.Scan(&h.user, &h.m.Role, &h.m.CreatedAt)
		h.m.CommunityID = communityID
		return h, err
	})
	if err != nil {
		return nil, fmt.Errorf("member roles: %w", err)
	}
	for _, h := range roles {
		if m := byID[h.user]; m != nil {
			m.Roles = append(m.Roles, h.m)
		}
	}
	for _, id := range ids {
		if m := byID[id]; m != nil {
			out = append(out, *m)
		}
	}
	return out, nil
}

// Names answers the names of users by id (erased accounts have none).
func (s *Service) Names(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := database.InList(ids)
	type named struct {
		id   int64
		name string
	}
	rows, err := database.Collect(ctx, s.store.db, fmt.Sprintf(`SELECT id, name FROM users WHERE id IN (%s)`, in), args, func(r database.Scanner) (named, error) {
		var n named
		return n, r.Scan(&n.id, &n.name)
	})
	if err != nil {
		return nil, fmt.Errorf("user names: %w", err)
	}
	for _, n := range rows {
		out[n.id] = n.name
	}
	return out, nil
}
