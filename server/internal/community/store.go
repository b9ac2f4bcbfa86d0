package community

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/paging"
)

type store struct {
	db *sql.DB
}

const (
	qInsertCommunity = `INSERT INTO communities (name, created_at) VALUES (?, ?)`
	qInsertBuilding  = `INSERT INTO buildings (community_id, name, created_at) VALUES (?, ?, ?)`
	qCommunity       = `SELECT id, name, lat, lng, created_at FROM communities WHERE id = ?`
	qLocate          = `UPDATE communities SET lat = ?, lng = ? WHERE id = ?`
	qBuilding        = `SELECT id, community_id, name, created_at FROM buildings WHERE id = ? AND community_id = ?`
	qCommunities     = `SELECT id, name, lat, lng, created_at FROM communities WHERE %s ORDER BY created_at, id LIMIT ?`
	qBuildings       = `SELECT id, community_id, name, created_at FROM buildings WHERE community_id = ? AND %s AND %s ORDER BY %s LIMIT ?`
)

func (s *store) insertCommunity(ctx context.Context, c Community) (int64, error) {
	res, err := s.db.ExecContext(ctx, qInsertCommunity, c.Name, c.CreatedAt)
	if database.IsDuplicate(err) {
		return 0, ErrNameTaken
	}
	if err != nil {
		return 0, fmt.Errorf("insert community: %w", err)
	}
	return res.LastInsertId()
}

func (s *store) insertBuilding(ctx context.Context, b Building) (int64, error) {
	res, err := s.db.ExecContext(ctx, qInsertBuilding, b.CommunityID, b.Name, b.CreatedAt)
	if database.IsDuplicate(err) {
		return 0, ErrNameTaken
	}
	if err != nil {
		return 0, fmt.Errorf("insert building: %w", err)
	}
	return res.LastInsertId()
}

// scanCommunity reads the columns of qCommunity and qCommunities.
func scanCommunity(row interface{ Scan(...any) error }) (Community, error) {
	var (
		c        Community
		lat, lng sql.NullFloat64
	)
	if err := row.Scan(&c.ID, &c.Name, &lat, &lng, &c.CreatedAt); err != nil {
		return Community{}, err
	}
	if lat.Valid && lng.Valid {
		c.Lat, c.Lng = &lat.Float64, &lng.Float64
	}
	return c, nil
}

func (s *store) community(ctx context.Context, id int64) (Community, error) {
	c, err := scanCommunity(s.db.QueryRowContext(ctx, qCommunity, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Community{}, ErrNotFound
	}
	if err != nil {
		return Community{}, fmt.Errorf("community %d: %w", id, err)
	}
	return c, nil
}

func (s *store) locate(ctx context.Context, id int64, lat, lng *float64) error {
	res, err := s.db.ExecContext(ctx, qLocate, nullFloat(lat), nullFloat(lng), id)
	if err != nil {
		return fmt.Errorf("locate community %d: %w", id, err)
	}
	// A community located where it already was changes no row: tell it apart from none.
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		_, err = s.community(ctx, id)
		return err
	}
	return nil
}

func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func (s *store) building(ctx context.Context, communityID, id int64) (Building, error) {
	var b Building
	err := s.db.QueryRowContext(ctx, qBuilding, id, communityID).Scan(&b.ID, &b.CommunityID, &b.Name, &b.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Building{}, ErrNotFound
	}
	if err != nil {
		return Building{}, fmt.Errorf("building %d: %w", id, err)
	}
	return b, nil
}

func (s *store) communities(ctx context.Context, p paging.Page) ([]Community, error) {
	where, args := p.Where("created_at", "id")
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(qCommunities, where), append(args, p.Limit+1)...)
	if err != nil {
		return nil, fmt.Errorf("list communities: %w", err)
	}
	defer rows.Close()
	out := []Community{}
	for rows.Next() {
		c, err := scanCommunity(rows)
		if err != nil {
			return nil, fmt.Errorf("list communities: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *store) buildings(ctx context.Context, communityID int64, search string, o paging.Order, p paging.Page) ([]Building, error) {
	found, args := database.Contains("name", search)
	where, wargs, order := p.Keyset("created_at", "id", o)
	args = append(append(append([]any{communityID}, args...), wargs...), p.Limit+1)
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(qBuildings, found, where, order), args...)
	if err != nil {
		return nil, fmt.Errorf("list buildings: %w", err)
	}
	defer rows.Close()
	out := []Building{}
	for rows.Next() {
		var b Building
		if err := rows.Scan(&b.ID, &b.CommunityID, &b.Name, &b.CreatedAt); err != nil {
			return nil, fmt.Errorf("list buildings: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
