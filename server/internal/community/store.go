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
	qCommunity       = `SELECT id, name, created_at FROM communities WHERE id = ?`
	qBuilding        = `SELECT id, community_id, name, created_at FROM buildings WHERE id = ? AND community_id = ?`
	qCommunities     = `SELECT id, name, created_at FROM communities WHERE %s ORDER BY created_at, id LIMIT ?`
	qBuildings       = `SELECT id, community_id, name, created_at FROM buildings WHERE community_id = ? AND %s ORDER BY created_at, id LIMIT ?`
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

func (s *store) community(ctx context.Context, id int64) (Community, error) {
	var c Community
	err := s.db.QueryRowContext(ctx, qCommunity, id).Scan(&c.ID, &c.Name, &c.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Community{}, ErrNotFound
	}
	if err != nil {
		return Community{}, fmt.Errorf("community %d: %w", id, err)
	}
	return c, nil
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
		var c Community
		if err := rows.Scan(&c.ID, &c.Name, &c.CreatedAt); err != nil {
			return nil, fmt.Errorf("list communities: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *store) buildings(ctx context.Context, communityID int64, p paging.Page) ([]Building, error) {
	where, args := p.Where("created_at", "id")
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(qBuildings, where), append(append([]any{communityID}, args...), p.Limit+1)...)
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
