package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/events"
)

var errDuplicate = errors.New("account: duplicate")

type store struct {
	db *sql.DB
}

const (
	qUserIDByOpenID = `SELECT id FROM users WHERE openid = ?`
	qInsertUser     = `INSERT INTO users (openid, created_at, updated_at) VALUES (?, ?, ?)`
	qUser           = `SELECT id, community_id, name, phone_enc, person_id, created_at FROM users WHERE id = ? AND deleted_at IS NULL`
	qRoles          = `SELECT community_id, role, created_at FROM user_roles WHERE user_id = ? ORDER BY created_at, community_id, role`
	qUserLive       = `SELECT 1 FROM users WHERE id = ? AND deleted_at IS NULL`
	qJoin           = `UPDATE users SET community_id = ?, person_id = ?, name = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL`
	qSetPhone       = `UPDATE users SET phone_enc = ?, phone_hash = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL`
	qErase          = `UPDATE users SET openid = NULL, name = '', phone_enc = NULL, phone_hash = NULL, updated_at = ?, deleted_at = ?
		WHERE id = ? AND deleted_at IS NULL`
	qUserRoles     = `SELECT community_id, role FROM user_roles WHERE user_id = ? FOR UPDATE`
	qDeleteRoles   = `DELETE FROM user_roles WHERE user_id = ?`
	qRoleHeld      = `SELECT created_at FROM user_roles WHERE user_id = ? AND community_id = ? AND role = ?`
	qInsertRole    = `INSERT INTO user_roles (community_id, user_id, role, granted_by, created_at) VALUES (?, ?, ?, ?, ?)`
	qDeleteRole    = `DELETE FROM user_roles WHERE user_id = ? AND community_id = ? AND role = ?`
	qLockStaff     = `SELECT user_id FROM user_roles WHERE community_id = ? AND role = 'staff' FOR UPDATE`
	qInsertEvent   = `INSERT INTO role_events (community_id, user_id, role, action, actor_user_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`
	actionGrant    = "grant"
	actionRevoke   = "revoke"
	actionDeletion = "account_deleted"
)

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func (s *store) userIDByOpenID(ctx context.Context, openid string) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, qUserIDByOpenID, openid).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("user by openid: %w", err)
	}
	return id, nil
}

func (s *store) insertUser(ctx context.Context, openid string, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, qInsertUser, openid, now, now)
	if database.IsDuplicate(err) {
		return 0, errDuplicate
	}
	if err != nil {
		return 0, fmt.Errorf("insert user: %w", err)
	}
	return res.LastInsertId()
}

func (s *store) user(ctx context.Context, id int64) (User, []byte, error) {
	var (
		u                   User
		community, personID sql.NullInt64
		phone               []byte
	)
	err := s.db.QueryRowContext(ctx, qUser, id).Scan(&u.ID, &community, &u.Name, &phone, &personID, &u.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, nil, ErrNotFound
	}
	if err != nil {
		return User{}, nil, fmt.Errorf("user %d: %w", id, err)
	}
	u.CommunityID, u.PersonID = community.Int64, personID.Int64
	return u, phone, nil
}

func (s *store) roles(ctx context.Context, userID int64) ([]Membership, error) {
	rows, err := s.db.QueryContext(ctx, qRoles, userID)
	if err != nil {
		return nil, fmt.Errorf("roles of user %d: %w", userID, err)
	}
	defer rows.Close()
	out := []Membership{}
	for rows.Next() {
		var m Membership
		if err := rows.Scan(&m.CommunityID, &m.Role, &m.CreatedAt); err != nil {
			return nil, fmt.Errorf("roles of user %d: %w", userID, err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func (s *store) join(ctx context.Context, tx *sql.Tx, userID, communityID, personID int64, name string, now time.Time) error {
	res, err := tx.ExecContext(ctx, qJoin, communityID, personID, name, now, userID)
	if err != nil {
		return fmt.Errorf("join community: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var one int
		if err := tx.QueryRowContext(ctx, qUserLive, userID).Scan(&one); err != nil {
			return ErrNotFound
		}
	}
	_, err = s.grantTx(ctx, tx, communityID, userID, RoleResident, userID, now)
	return err
}

func (s *store) setPhone(ctx context.Context, userID int64, enc, hash []byte, now time.Time) error {
	res, err := s.db.ExecContext(ctx, qSetPhone, enc, hash, now, userID)
	if err != nil {
		return fmt.Errorf("set phone: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

func (s *store) erase(ctx context.Context, userID int64, now time.Time) error {
	return database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, qErase, now, now, userID)
		if err != nil {
			return fmt.Errorf("erase user %d: %w", userID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		rows, err := tx.QueryContext(ctx, qUserRoles, userID)
		if err != nil {
			return fmt.Errorf("erase user %d: %w", userID, err)
		}
		var held []Membership
		for rows.Next() {
			var m Membership
			if err := rows.Scan(&m.CommunityID, &m.Role); err != nil {
				rows.Close()
				return err
			}
			held = append(held, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range held {
			if _, err := tx.ExecContext(ctx, qInsertEvent, m.CommunityID, userID, m.Role, actionDeletion, userID, now); err != nil {
				return fmt.Errorf("erase user %d: %w", userID, err)
			}
			if m.Role == RoleResident {
				continue
			}
			if _, err := events.Publish(ctx, tx, m.CommunityID, TopicRoleRevoked, RoleRevoked{UserID: userID, Role: m.Role}, now); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, qDeleteRoles, userID); err != nil {
			return fmt.Errorf("erase user %d: %w", userID, err)
		}
		return nil
	})
}

func (s *store) grant(ctx context.Context, communityID, userID int64, role Role, actorID int64, now time.Time) (Membership, error) {
	var m Membership
	err := database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		var err error
		m, err = s.grantTx(ctx, tx, communityID, userID, role, actorID, now)
		return err
	})
	return m, err
}

func (s *store) grantTx(ctx context.Context, tx *sql.Tx, communityID, userID int64, role Role, actorID int64, now time.Time) (Membership, error) {
	m := Membership{CommunityID: communityID, Role: role}
	err := tx.QueryRowContext(ctx, qRoleHeld, userID, communityID, role).Scan(&m.CreatedAt)
	if err == nil {
		return m, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Membership{}, fmt.Errorf("grant %s: %w", role, err)
	}
	m.CreatedAt = now
	if _, err := tx.ExecContext(ctx, qInsertRole, communityID, userID, role, nullID(actorID), now); err != nil {
		if database.IsDuplicate(err) {
			return m, nil
		}
		return Membership{}, fmt.Errorf("grant %s: %w", role, err)
	}
	if _, err := tx.ExecContext(ctx, qInsertEvent, communityID, userID, role, actionGrant, nullID(actorID), now); err != nil {
		return Membership{}, fmt.Errorf("grant %s: %w", role, err)
	}
	return m, nil
}

func (s *store) revoke(ctx context.Context, communityID, userID int64, role Role, actorID int64, now time.Time) error {
	return database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		if role == RoleStaff {
			// Lock the community's staff rows so two staff cannot revoke each other at once.
			rows, err := tx.QueryContext(ctx, qLockStaff, communityID)
			if err != nil {
				return fmt.Errorf("revoke: %w", err)
			}
			var staff []int64
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				staff = append(staff, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if len(staff) == 1 && staff[0] == userID {
				return ErrLastStaff
			}
		}
		res, err := tx.ExecContext(ctx, qDeleteRole, userID, communityID, role)
		if err != nil {
			return fmt.Errorf("revoke %s: %w", role, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, qInsertEvent, communityID, userID, role, actionRevoke, nullID(actorID), now); err != nil {
			return fmt.Errorf("revoke %s: %w", role, err)
		}
		_, err = events.Publish(ctx, tx, communityID, TopicRoleRevoked, RoleRevoked{UserID: userID, Role: role}, now)
		return err
	})
}
