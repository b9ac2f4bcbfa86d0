// Package report runs "有事找小哥": residents' reports routed to the grid worker on duty where
// the problem is, following 小事居民治、大事社区办、急难事共商, with deadlines, escalation and a
// timeline of every hand-off.
package report

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/linli/linli/server/internal/account"
	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/validation"
)

// Errors of this package.
var (
	ErrNotFound       = errors.New("report: not found")
	ErrNameTaken      = errors.New("report: grid name taken")
	ErrBuildingInGrid = errors.New("report: building already in another grid")
)

// Levels of a category.
const (
	LevelMinor  = "minor"
	LevelMajor  = "major"
	LevelUrgent = "urgent"
)

// Levels lists them, least first.
var Levels = []string{LevelMinor, LevelMajor, LevelUrgent}

// Category is a kind of report with its level and deadlines.
type Category struct {
	Key            string
	Name           string
	Level          string
	AcceptMinutes  int
	ResolveMinutes int
}

// DefaultCategories serve a community that has not defined its own.
var DefaultCategories = []Category{
	{Key: "repair", Name: "设施报修", Level: LevelMajor, AcceptMinutes: 60, ResolveMinutes: 2 * 24 * 60},
	{Key: "sanitation", Name: "环境卫生", Level: LevelMinor, AcceptMinutes: 120, ResolveMinutes: 24 * 60},
	{Key: "noise", Name: "噪音扰民", Level: LevelMinor, AcceptMinutes: 120, ResolveMinutes: 24 * 60},
	{Key: "dispute", Name: "邻里纠纷", Level: LevelMajor, AcceptMinutes: 60, ResolveMinutes: 3 * 24 * 60},
	{Key: "elderly", Name: "老人求助", Level: LevelMajor, AcceptMinutes: 30, ResolveMinutes: 8 * 60},
	{Key: "safety", Name: "安全隐患", Level: LevelUrgent, AcceptMinutes: 15, ResolveMinutes: 4 * 60},
	{Key: "other", Name: "其他", Level: LevelMinor, AcceptMinutes: 120, ResolveMinutes: 2 * 24 * 60},
}

// Limits.
const (
	MaxCategories    = 30
	MaxCategoryName  = 16
	MaxGridName      = 64
	MaxGridBuildings = 200
	MaxGridWorkers   = 20
	maxMinutes       = 30 * 24 * 60
)

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// Service runs grids, categories and reports.
type Service struct {
	db    *sql.DB
	now   func() time.Time
	deps  Deps
	stats statsCache
}

// NewService returns the service over db.
func NewService(db *sql.DB, now func() time.Time) *Service {
	return &Service{db: db, now: now}
}

const (
	qCategories     = `SELECT cat_key, name, level, accept_minutes, resolve_minutes FROM report_categories WHERE community_id = ? ORDER BY sort_order`
	qDeleteCats     = `DELETE FROM report_categories WHERE community_id = ?`
	qInsertCat      = `INSERT INTO report_categories (community_id, cat_key, name, level, accept_minutes, resolve_minutes, sort_order) VALUES (?, ?, ?, ?, ?, ?, ?)`
	qInsertGrid     = `INSERT INTO grids (community_id, name, on_duty_user_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`
	qUpdateGrid     = `UPDATE grids SET name = ?, on_duty_user_id = ?, updated_at = ? WHERE id = ?`
	qGrid           = `SELECT id, community_id, name, on_duty_user_id, created_at FROM grids WHERE id = ?`
	qLockGrid       = `SELECT id FROM grids WHERE id = ? FOR UPDATE`
	qGrids          = `SELECT id, community_id, name, on_duty_user_id, created_at FROM grids WHERE community_id = ? AND %s AND %s ORDER BY %s LIMIT ?`
	qGridBuildings  = `SELECT building_id FROM grid_buildings WHERE grid_id = ? ORDER BY building_id`
	qGridWorkers    = `SELECT user_id FROM grid_workers WHERE grid_id = ? ORDER BY user_id`
	qClearBuildings = `DELETE FROM grid_buildings WHERE grid_id = ?`
	qClearWorkers   = `DELETE FROM grid_workers WHERE grid_id = ?`
	qAddBuilding    = `INSERT INTO grid_buildings (building_id, grid_id, community_id) VALUES (?, ?, ?)`
	qAddWorker      = `INSERT INTO grid_workers (grid_id, user_id, community_id) VALUES (?, ?, ?)`
	qBuildingIn     = `SELECT COUNT(*) FROM buildings WHERE id = ? AND community_id = ?`
	qGridOfBuilding = `SELECT g.id, g.on_duty_user_id FROM grid_buildings gb JOIN grids g ON g.id = gb.grid_id WHERE gb.building_id = ?`
)

// Categories returns a community's categories, or the built-in list when it has none.
func (s *Service) Categories(ctx context.Context, communityID int64) ([]Category, error) {
	rows, err := s.db.QueryContext(ctx, qCategories, communityID)
	if err != nil {
		return nil, fmt.Errorf("report categories: %w", err)
	}
	defer rows.Close()
	var out []Category
	for rows.Next() {
		var c Category
		if err := rows.Scan(&c.Key, &c.Name, &c.Level, &c.AcceptMinutes, &c.ResolveMinutes); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return slices.Clone(DefaultCategories), nil
	}
	return out, nil
}

// Category finds one of a community's categories.
func (s *Service) Category(ctx context.Context, communityID int64, key string) (Category, bool, error) {
	cats, err := s.Categories(ctx, communityID)
	if err != nil {
		return Category{}, false, err
	}
	i := slices.IndexFunc(cats, func(c Category) bool { return c.Key == key })
	if i < 0 {
		return Category{}, false, nil
	}
	return cats[i], true, nil
}

// SetCategories replaces a community's categories.
func (s *Service) SetCategories(ctx context.Context, communityID int64, cats []Category) ([]Category, error) {
	errs := validation.Errors{}
	switch {
	case len(cats) == 0:
		errs.Add("categories", validation.Required)
	case len(cats) > MaxCategories:
		errs.Add("categories", "最多 30 类")
	}
	seen := map[string]bool{}
	for i := range cats {
		c := &cats[i]
		at := fmt.Sprintf("categories[%d].", i)
		switch {
		case !keyPattern.MatchString(c.Key):
			errs.Add(at+"key", "小写字母开头，只含小写字母、数字和下划线")
		case seen[c.Key]:
			errs.Add(at+"key", "重复")
		}
		seen[c.Key] = true
		validation.Text{Max: MaxCategoryName, Required: true}.Clean(errs, at+"name", &c.Name)
		if !slices.Contains(Levels, c.Level) {
			errs.Add(at+"level", "应为 minor、major 或 urgent")
		}
		if c.AcceptMinutes < 1 || c.AcceptMinutes > maxMinutes {
			errs.Add(at+"accept_minutes", "应为 1 到 43200")
		}
		if c.ResolveMinutes < c.AcceptMinutes || c.ResolveMinutes > maxMinutes {
			errs.Add(at+"resolve_minutes", "应不少于 accept_minutes，且不超过 43200")
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	err := database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, qDeleteCats, communityID); err != nil {
			return fmt.Errorf("replace categories: %w", err)
		}
		for i, c := range cats {
			if _, err := tx.ExecContext(ctx, qInsertCat, communityID, c.Key, c.Name, c.Level, c.AcceptMinutes, c.ResolveMinutes, i); err != nil {
				return fmt.Errorf("replace categories: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Categories(ctx, communityID)
}

// Grid is a set of buildings and the grid workers who look after them.
type Grid struct {
	ID           int64
	CommunityID  int64
	Name         string
	BuildingIDs  []int64
	WorkerIDs    []int64
	OnDutyUserID int64
	CreatedAt    time.Time
}

// GridInput is what staff give for a grid. A zero OnDutyUserID takes the first worker.
type GridInput struct {
	Name         string
	BuildingIDs  []int64
	WorkerIDs    []int64
	OnDutyUserID int64
}

func (s *Service) checkGrid(ctx context.Context, communityID int64, in *GridInput) error {
	errs := validation.Errors{}
	validation.Text{Max: MaxGridName, Required: true}.Clean(errs, "name", &in.Name)
	slices.Sort(in.BuildingIDs)
	in.BuildingIDs = slices.Compact(in.BuildingIDs)
	slices.Sort(in.WorkerIDs)
	in.WorkerIDs = slices.Compact(in.WorkerIDs)
	if len(in.BuildingIDs) > MaxGridBuildings {
		errs.Add("building_ids", "最多 200 栋")
	}
	if len(in.WorkerIDs) > MaxGridWorkers {
		errs.Add("worker_user_ids", "最多 20 人")
	}
	for _, b := range in.BuildingIDs {
		var n int
		if err := s.db.QueryRowContext(ctx, qBuildingIn, b, communityID).Scan(&n); err != nil {
			return fmt.Errorf("grid: %w", err)
		}
		if n == 0 {
			errs.Add("building_ids", fmt.Sprintf("楼栋 %d 不属于本社区", b))
		}
	}
	for _, u := range in.WorkerIDs {
		ok, err := s.holds(ctx, u, communityID, account.RoleGridWorker)
		if err != nil {
			return fmt.Errorf("grid: %w", err)
		}
		if !ok {
			errs.Add("worker_user_ids", fmt.Sprintf("用户 %d 不是本社区的网格员", u))
		}
	}
	switch {
	case in.OnDutyUserID == 0 && len(in.WorkerIDs) > 0:
		in.OnDutyUserID = in.WorkerIDs[0]
	case in.OnDutyUserID != 0 && !slices.Contains(in.WorkerIDs, in.OnDutyUserID):
		errs.Add("on_duty_user_id", "应为本网格的网格员之一")
	}
	return errs.Err()
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// SaveGrid creates a grid (id 0) or replaces one of the community's.
func (s *Service) SaveGrid(ctx context.Context, communityID, id int64, in GridInput) (Grid, error) {
	if err := s.checkGrid(ctx, communityID, &in); err != nil {
		return Grid{}, err
	}
	now := s.now().UTC()
	err := database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		if id == 0 {
			res, err := tx.ExecContext(ctx, qInsertGrid, communityID, in.Name, nullID(in.OnDutyUserID), now, now)
			if database.IsDuplicate(err) {
				return ErrNameTaken
			}
			if err != nil {
				return fmt.Errorf("insert grid: %w", err)
			}
			if id, err = res.LastInsertId(); err != nil {
				return err
			}
		} else {
			g, err := s.grid(ctx, tx, id)
			if err != nil {
				return err
			}
			if g.CommunityID != communityID {
				return ErrNotFound
			}
			if _, err := tx.ExecContext(ctx, qLockGrid, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, qUpdateGrid, in.Name, nullID(in.OnDutyUserID), now, id); err != nil {
				if database.IsDuplicate(err) {
					return ErrNameTaken
				}
				return fmt.Errorf("update grid: %w", err)
			}
			for _, q := range []string{qClearBuildings, qClearWorkers} {
				if _, err := tx.ExecContext(ctx, q, id); err != nil {
					return fmt.Errorf("update grid: %w", err)
				}
			}
		}
		for _, b := range in.BuildingIDs {
			if _, err := tx.ExecContext(ctx, qAddBuilding, b, id, communityID); err != nil {
				if database.IsDuplicate(err) {
					return ErrBuildingInGrid
				}
				return fmt.Errorf("grid buildings: %w", err)
			}
		}
		for _, u := range in.WorkerIDs {
			if _, err := tx.ExecContext(ctx, qAddWorker, id, u, communityID); err != nil {
				return fmt.Errorf("grid workers: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return Grid{}, err
	}
	return s.grid(ctx, s.db, id)
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func scanGrid(row database.Scanner) (Grid, error) {
	var (
		g      Grid
		onDuty sql.NullInt64
	)
	err := row.Scan(&g.ID, &g.CommunityID, &g.Name, &onDuty, &g.CreatedAt)
	g.OnDutyUserID = onDuty.Int64
	return g, err
}

// members reads a grid's buildings and workers.
func members(ctx context.Context, q queryer, g *Grid) (err error) {
	if g.BuildingIDs, err = database.Int64s(ctx, q, qGridBuildings, g.ID); err != nil {
		return err
	}
	g.WorkerIDs, err = database.Int64s(ctx, q, qGridWorkers, g.ID)
	return err
}

func (s *Service) grid(ctx context.Context, q queryer, id int64) (Grid, error) {
	g, err := scanGrid(q.QueryRowContext(ctx, qGrid, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Grid{}, ErrNotFound
	}
	if err != nil {
		return Grid{}, fmt.Errorf("grid %d: %w", id, err)
	}
	return g, members(ctx, q, &g)
}

// Grids pages through a community's grids.
func (s *Service) Grids(ctx context.Context, communityID int64, search string, o paging.Order, p paging.Page) ([]Grid, string, error) {
	found, args := database.Contains("name", search)
	where, wargs, order := p.Keyset("created_at", "id", o)
	args = append(append(append([]any{communityID}, args...), wargs...), p.Limit+1)
	out, err := database.Collect(ctx, s.db, fmt.Sprintf(qGrids, found, where, order), args, scanGrid)
	if err != nil {
		return nil, "", fmt.Errorf("grids: %w", err)
	}
	items, next := paging.Trim(out, p.Limit, func(g Grid) paging.Cursor { return paging.Cursor{At: g.CreatedAt, ID: g.ID} })
	for i := range items {
		if err := members(ctx, s.db, &items[i]); err != nil {
			return nil, "", err
		}
	}
	return items, next, nil
}

// GridOf finds the grid covering a building and its worker on duty (0 when none).
func (s *Service) GridOf(ctx context.Context, q queryer, buildingID int64) (gridID, onDuty int64, err error) {
	var duty sql.NullInt64
	err = q.QueryRowContext(ctx, qGridOfBuilding, buildingID).Scan(&gridID, &duty)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("grid of building %d: %w", buildingID, err)
	}
	return gridID, duty.Int64, nil
}

const (
	qBuildingWorkers = `SELECT gw.user_id FROM grid_buildings gb JOIN grid_workers gw ON gw.grid_id = gb.grid_id
		JOIN user_roles r ON r.user_id = gw.user_id AND r.community_id = gb.community_id AND r.role = 'grid_worker'
		WHERE gb.building_id = ? ORDER BY gw.user_id`
	qCommunityWorkers = `SELECT user_id FROM user_roles WHERE community_id = ? AND role = 'grid_worker' ORDER BY user_id`
)

// WorkersNear are the grid workers who look after a building: those of the grid covering it
// (all of them, not only the one on duty), or every grid worker of the community when no grid
// does, so that a call for help always reaches someone.
func WorkersNear(ctx context.Context, q database.Queryer, communityID, buildingID int64) ([]int64, error) {
	workers, err := database.Int64s(ctx, q, qBuildingWorkers, buildingID)
	if err == nil && len(workers) == 0 {
		workers, err = database.Int64s(ctx, q, qCommunityWorkers, communityID)
	}
	return workers, err
}

// OnDuty is the grid worker on duty for a building (0 when no grid covers it).
func (s *Service) OnDuty(ctx context.Context, buildingID int64) (int64, error) {
	_, duty, err := s.GridOf(ctx, s.db, buildingID)
	return duty, err
}
