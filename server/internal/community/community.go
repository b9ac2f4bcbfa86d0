// Package community keeps the communities (社区) of a city and their buildings.
package community

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/validation"
)

// Errors of this package.
var (
	ErrNotFound  = errors.New("community: not found")
	ErrNameTaken = errors.New("community: name taken")
)

// Community is one community; every record of the product belongs to one.
type Community struct {
	ID   int64
	Name string
	// Lat and Lng place the community (its service centre) on the map, so a visitor can find the
	// nearest; nil until set.
	Lat, Lng  *float64
	CreatedAt time.Time
}

// Building is a building (楼栋) of a community.
type Building struct {
	ID          int64
	CommunityID int64
	Name        string
	CreatedAt   time.Time
}

// MaxName is the longest community or building name, in characters.
const MaxName = 64

// Service manages communities and buildings.
type Service struct {
	store *store
	now   func() time.Time
}

// NewService returns the service over db.
func NewService(db *sql.DB, now func() time.Time) *Service {
	return &Service{store: &store{db: db}, now: now}
}

func checkName(name string) (string, error) {
	err := validation.Text{Max: MaxName, Required: true}.Check("name", &name)
	return name, err
}

// Create adds a community.
func (s *Service) Create(ctx context.Context, name string) (Community, error) {
	name, err := checkName(name)
	if err != nil {
		return Community{}, err
	}
	c := Community{Name: name, CreatedAt: s.now().UTC()}
	c.ID, err = s.store.insertCommunity(ctx, c)
	return c, err
}

// Locate puts a community on the map (both lat and lng, within China), or off it (both nil).
func (s *Service) Locate(ctx context.Context, id int64, lat, lng *float64) (Community, error) {
	errs := validation.Errors{}
	errs.Point(lat, lng)
	if err := errs.Err(); err != nil {
		return Community{}, err
	}
	if err := s.store.locate(ctx, id, lat, lng); err != nil {
		return Community{}, err
	}
	return s.Get(ctx, id)
}

// AddBuilding adds a building to a community.
func (s *Service) AddBuilding(ctx context.Context, communityID int64, name string) (Building, error) {
	name, err := checkName(name)
	if err != nil {
		return Building{}, err
	}
	if _, err := s.Get(ctx, communityID); err != nil {
		return Building{}, err
	}
	b := Building{CommunityID: communityID, Name: name, CreatedAt: s.now().UTC()}
	b.ID, err = s.store.insertBuilding(ctx, b)
	return b, err
}

// Get returns one community.
func (s *Service) Get(ctx context.Context, id int64) (Community, error) {
	return s.store.community(ctx, id)
}

// Building returns a building of the community; ErrNotFound when it belongs to another.
func (s *Service) Building(ctx context.Context, communityID, id int64) (Building, error) {
	return s.store.building(ctx, communityID, id)
}

// List pages through the communities.
func (s *Service) List(ctx context.Context, p paging.Page) ([]Community, string, error) {
	rows, err := s.store.communities(ctx, p)
	if err != nil {
		return nil, "", err
	}
	items, next := paging.Trim(rows, p.Limit, func(c Community) paging.Cursor { return paging.Cursor{At: c.CreatedAt, ID: c.ID} })
	return items, next, nil
}

// Buildings pages through a community's buildings; ErrNotFound for an unknown community.
func (s *Service) Buildings(ctx context.Context, communityID int64, search string, o paging.Order, p paging.Page) ([]Building, string, error) {
	if _, err := s.Get(ctx, communityID); err != nil {
		return nil, "", err
	}
	rows, err := s.store.buildings(ctx, communityID, search, o, p)
	if err != nil {
		return nil, "", err
	}
	items, next := paging.Trim(rows, p.Limit, func(b Building) paging.Cursor { return paging.Cursor{At: b.CreatedAt, ID: b.ID} })
	return items, next, nil
}
