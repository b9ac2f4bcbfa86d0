package person

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/linli/linli/server/internal/database"
)

type store struct {
	db *sql.DB
}

const (
	personCols    = `id, community_id, owner_user_id, name, gender, birth_date, building_id, unit, room, created_at, updated_at`
	qGet          = `SELECT ` + personCols + ` FROM persons WHERE id = ?`
	qOwn          = `SELECT ` + personCols + ` FROM persons WHERE owner_user_id = ?`
	qOwnForUpdate = `SELECT id FROM persons WHERE owner_user_id = ? FOR UPDATE`
	qInsert       = `INSERT INTO persons (community_id, owner_user_id, name, gender, birth_date, building_id, unit, room, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qUpdateOwn = `UPDATE persons SET community_id = ?, name = ?, gender = ?, birth_date = ?, building_id = ?, unit = ?, room = ?, updated_at = ?
		WHERE id = ?`
	qReleaseOwn = `UPDATE persons SET owner_user_id = NULL, name = '已注销', gender = '', birth_date = NULL, unit = '', room = '', updated_at = ?
		WHERE owner_user_id = ?`
)

func nullDate(d string) any {
	if d == "" {
		return nil
	}
	return d
}

func (s *store) upsertOwn(ctx context.Context, p Person) (int64, error) {
	var id int64
	err := database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, qOwnForUpdate, p.OwnerUserID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			res, err := tx.ExecContext(ctx, qInsert, p.CommunityID, p.OwnerUserID, p.Name, p.Gender, nullDate(p.BirthDate),
				p.BuildingID, p.Unit, p.Room, p.CreatedAt, p.UpdatedAt)
			if err != nil {
				return err
			}
			id, err = res.LastInsertId()
			return err
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, qUpdateOwn, p.CommunityID, p.Name, p.Gender, nullDate(p.BirthDate), p.BuildingID, p.Unit, p.Room, p.UpdatedAt, id)
		return err
	})
	if database.IsDuplicate(err) {
		// Another request created the person between our read and insert: update that one.
		return s.upsertOwn(ctx, p)
	}
	if err != nil {
		return 0, fmt.Errorf("save own person of user %d: %w", p.OwnerUserID, err)
	}
	return id, nil
}

func scanPerson(row interface{ Scan(...any) error }) (Person, error) {
	var (
		p     Person
		owner sql.NullInt64
		birth sql.NullTime
	)
	err := row.Scan(&p.ID, &p.CommunityID, &owner, &p.Name, &p.Gender, &birth, &p.BuildingID, &p.Unit, &p.Room, &p.CreatedAt, &p.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Person{}, ErrNotFound
	}
	if err != nil {
		return Person{}, err
	}
	p.OwnerUserID = owner.Int64
	if birth.Valid {
		p.BirthDate = birth.Time.Format(time.DateOnly)
	}
	return p, nil
}

func (s *store) get(ctx context.Context, id int64) (Person, error) {
	p, err := scanPerson(s.db.QueryRowContext(ctx, qGet, id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Person{}, fmt.Errorf("person %d: %w", id, err)
	}
	return p, err
}

func (s *store) own(ctx context.Context, userID int64) (Person, error) {
	p, err := scanPerson(s.db.QueryRowContext(ctx, qOwn, userID))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Person{}, fmt.Errorf("own person of user %d: %w", userID, err)
	}
	return p, err
}

func (s *store) releaseOwn(ctx context.Context, userID int64, now time.Time) error {
	if _, err := s.db.ExecContext(ctx, qReleaseOwn, now, userID); err != nil {
		return fmt.Errorf("release own person of user %d: %w", userID, err)
	}
	return nil
}
