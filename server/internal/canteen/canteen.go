// Package canteen runs the neighbour canteens (邻里食堂): menus as meal slots, bookings that
// never oversell, subsidies frozen on each order, the kitchen's prep list, riders' deliveries,
// pick-up codes and the monthly subsidy report.
package canteen

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/singleflight"

	"github.com/linli/linli/server/internal/cst"
	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/ratelimit"
	"github.com/linli/linli/server/internal/safety"
	"github.com/linli/linli/server/internal/validation"
)

// Errors of this package.
var (
	ErrNotFound          = errors.New("canteen: not found")
	ErrSlotFull          = errors.New("canteen: slot full")
	ErrBookingClosed     = errors.New("canteen: booking closed")
	ErrAlreadyBooked     = errors.New("canteen: already booked")
	ErrModeNotAllowed    = errors.New("canteen: mode not allowed")
	ErrCapacityBelow     = errors.New("canteen: capacity below booked")
	ErrAlreadyServed     = errors.New("canteen: already served")
	ErrNameTaken         = errors.New("canteen: name taken")
	ErrSlotExists        = errors.New("canteen: slot exists")
	ErrNotDelivery       = errors.New("canteen: not a delivery order")
	ErrOutcomeRecorded   = errors.New("canteen: outcome already recorded")
	errPriceChanged      = errors.New("canteen: price changed while booking")
	errPickupCodeCollide = errors.New("canteen: pickup code taken")
)

// Meals.
const (
	Breakfast = "breakfast"
	Lunch     = "lunch"
	Dinner    = "dinner"
)

// Meals lists the meals in the order of a day.
var Meals = []string{Breakfast, Lunch, Dinner}

// Modes.
const (
	EatIn    = "eat_in"
	Pickup   = "pickup"
	Delivery = "delivery"
)

// Modes lists the ways to get a meal.
var Modes = []string{EatIn, Pickup, Delivery}

// Limits.
const (
	MaxName     = 64
	MaxAddress  = 128
	MaxDishes   = 20
	MaxDishName = 32
	MaxCapacity = 10000
	MaxPriceFen = 100000
	MaxNote     = 200
	MaxDays     = 31
)

// execer is a *sql.DB or a *sql.Tx.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Canteen is a neighbour canteen of a community.
type Canteen struct {
	ID             int64
	CommunityID    int64
	Name           string
	Address        string
	DeliveryForAll bool
	// Cutoffs are the default booking cut-offs per meal, in minutes from the start of the
	// slot's day (negative: the day before).
	Cutoffs   map[string]int
	CreatedAt time.Time
}

// Dish is one dish of a meal.
type Dish struct {
	Name string `json:"name"`
}

// Slot is a meal a canteen offers on a day.
type Slot struct {
	ID          int64
	CommunityID int64
	CanteenID   int64
	Date        string
	Meal        string
	Dishes      []Dish
	Capacity    int
	Booked      int
	PriceFen    int
	BookBy      time.Time
	Modes       []string
	ClosedAt    time.Time
	CloseReason string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Closed reports whether staff closed the slot.
func (s Slot) Closed() bool { return !s.ClosedAt.IsZero() }

// Remaining is the seats left.
func (s Slot) Remaining() int {
	if s.Closed() || s.Booked >= s.Capacity {
		return 0
	}
	return s.Capacity - s.Booked
}

// Service runs the canteens.
type Service struct {
	db       *sql.DB
	gate     *gate
	rebuilds singleflight.Group
	// rulesCache holds each community's subsidy rules briefly (cachedRules by community id).
	rulesCache sync.Map
	// slots holds slots and their canteens briefly (cachedSlot by slot id) for bookings.
	slots sync.Map
	// batches queue the bookings of each slot that passed its gate together (batch.go).
	batches seatBatches
	// bookings counts each user's bookings (BookingsPerMinute).
	bookings *ratelimit.Limiter
	// checkingFirst counts the bookings being checked before they may take one of a slot's last
	// seats, by slot id modulo its length (maxCheckFirst).
	checkingFirst [64]atomic.Int32
	persons       *person.Service
	alerts        Alerts
	// rdb keeps each month's subsidy totals a while (SubsidyTotals), under prefix.
	rdb    redis.UniversalClient
	prefix string
	now    func() time.Time
}

// Alerts raises the safety alert of a delivery nobody answered (safety.Service), inside the
// caller's transaction.
type Alerts interface {
	Raise(ctx context.Context, tx *sql.Tx, r safety.Raise, now time.Time) (int64, error)
}

// NewService returns the service; Redis holds the seat gates (keys start with prefix).
func NewService(db *sql.DB, rdb redis.UniversalClient, prefix string, persons *person.Service, alerts Alerts, now func() time.Time) *Service {
	return &Service{db: db, gate: newGate(rdb, prefix), persons: persons, alerts: alerts, rdb: rdb, prefix: prefix, now: now,
		bookings: ratelimit.New(rdb, prefix+"book:", BookingsPerMinute, time.Minute, now)}
}

const (
	canteenCols     = `id, community_id, name, address, delivery_for_all, cutoff_breakfast, cutoff_lunch, cutoff_dinner, created_at`
	qInsertCanteen  = `INSERT INTO canteens (community_id, name, address, delivery_for_all, created_at) VALUES (?, ?, ?, ?, ?)`
	qCanteen        = `SELECT ` + canteenCols + ` FROM canteens WHERE id = ?`
	qCanteens       = `SELECT ` + canteenCols + ` FROM canteens WHERE community_id = ? AND %s AND %s ORDER BY %s LIMIT ?`
	defaultCutoffBf = -240
	defaultCutoffLu = 570
	defaultCutoffDi = 930
)

func scanCanteen(row interface{ Scan(...any) error }) (Canteen, error) {
	var (
		c          Canteen
		bf, lu, di int
	)
	err := row.Scan(&c.ID, &c.CommunityID, &c.Name, &c.Address, &c.DeliveryForAll, &bf, &lu, &di, &c.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Canteen{}, ErrNotFound
	}
	c.Cutoffs = map[string]int{Breakfast: bf, Lunch: lu, Dinner: di}
	return c, err
}

// CreateCanteen adds a canteen to a community.
func (s *Service) CreateCanteen(ctx context.Context, communityID int64, name, address string, deliveryForAll bool) (Canteen, error) {
	errs := validation.Errors{}
	nameText.Clean(errs, "name", &name)
	addressText.Clean(errs, "address", &address)
	if err := errs.Err(); err != nil {
		return Canteen{}, err
	}
	now := s.now().UTC()
	res, err := s.db.ExecContext(ctx, qInsertCanteen, communityID, name, address, deliveryForAll, now)
	if database.IsDuplicate(err) {
		return Canteen{}, ErrNameTaken
	}
	if err != nil {
		return Canteen{}, fmt.Errorf("insert canteen: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return Canteen{}, err
	}
	return s.Canteen(ctx, id)
}

// CanteenPatch changes only what it sets. Cutoffs are minutes from the start of the slot's day
// (negative: the day before), per meal; they apply to slots made afterwards.
type CanteenPatch struct {
	Name           *string
	Address        *string
	DeliveryForAll *bool
	Cutoffs        map[string]int
}

const qUpdateCanteen = `UPDATE canteens SET name = ?, address = ?, delivery_for_all = ?, cutoff_breakfast = ?, cutoff_lunch = ?,
	cutoff_dinner = ? WHERE id = ?`

// minCutoff and maxCutoff bound a default cut-off: from two days before the meal's day to its end.
const (
	minCutoff = -2 * 24 * 60
	maxCutoff = 24 * 60
)

// UpdateCanteen edits a canteen of the community.
func (s *Service) UpdateCanteen(ctx context.Context, communityID, id int64, p CanteenPatch) (Canteen, error) {
	c, err := s.CanteenIn(ctx, communityID, id)
	if err != nil {
		return Canteen{}, err
	}
	errs := validation.Errors{}
	if p.Name != nil {
		c.Name = *p.Name
		nameText.Clean(errs, "name", &c.Name)
	}
	if p.Address != nil {
		c.Address = *p.Address
		addressText.Clean(errs, "address", &c.Address)
	}
	if p.DeliveryForAll != nil {
		c.DeliveryForAll = *p.DeliveryForAll
	}
	for meal, minutes := range p.Cutoffs {
		switch {
		case !slices.Contains(Meals, meal):
			errs.Add("cutoffs."+meal, "应为 breakfast、lunch 或 dinner")
		case minutes < minCutoff || minutes > maxCutoff:
			errs.Add("cutoffs."+meal, "应在 -2880 到 1440 分钟之间")
		default:
			c.Cutoffs[meal] = minutes
		}
	}
	if err := errs.Err(); err != nil {
		return Canteen{}, err
	}
	_, err = s.db.ExecContext(ctx, qUpdateCanteen, c.Name, c.Address, c.DeliveryForAll, c.Cutoffs[Breakfast], c.Cutoffs[Lunch],
		c.Cutoffs[Dinner], id)
	if database.IsDuplicate(err) {
		return Canteen{}, ErrNameTaken
	}
	if err != nil {
		return Canteen{}, fmt.Errorf("update canteen %d: %w", id, err)
	}
	// Bookings read the canteen with their slot; forget those copies.
	s.slots.Range(func(k, v any) bool {
		if v.(cachedSlot).canteen.ID == id {
			s.slots.Delete(k)
		}
		return true
	})
	return s.Canteen(ctx, id)
}

// Canteen returns one canteen.
func (s *Service) Canteen(ctx context.Context, id int64) (Canteen, error) {
	c, err := scanCanteen(s.db.QueryRowContext(ctx, qCanteen, id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Canteen{}, fmt.Errorf("canteen %d: %w", id, err)
	}
	return c, err
}

// CanteenIn returns a canteen of the community; another community's is ErrNotFound.
func (s *Service) CanteenIn(ctx context.Context, communityID, id int64) (Canteen, error) {
	c, err := s.Canteen(ctx, id)
	if err == nil && c.CommunityID != communityID {
		return Canteen{}, ErrNotFound
	}
	return c, err
}

// Canteens pages through a community's canteens.
func (s *Service) Canteens(ctx context.Context, communityID int64, search string, o paging.Order, p paging.Page) ([]Canteen, string, error) {
	found, args := database.Contains("CONCAT(name, ' ', address)", search)
	where, wargs, order := p.Keyset("created_at", "id", o)
	args = append(append(append([]any{communityID}, args...), wargs...), p.Limit+1)
	out, err := database.Collect(ctx, s.db, fmt.Sprintf(qCanteens, found, where, order), args, scanCanteen)
	if err != nil {
		return nil, "", fmt.Errorf("canteens: %w", err)
	}
	items, next := paging.Trim(out, p.Limit, func(c Canteen) paging.Cursor { return paging.Cursor{At: c.CreatedAt, ID: c.ID} })
	return items, next, nil
}

// The rules of the canteen's free text.
var (
	nameText    = validation.Text{Max: MaxName, Required: true}
	addressText = validation.Text{Max: MaxAddress}
	dishText    = validation.Text{Max: MaxDishName, Required: true}
	// noteText is for notes and reasons: a booking's note, a rider's, a closing's reason.
	noteText = validation.Text{Max: MaxNote, Multiline: true}
)

// DefaultBookBy is the cut-off of a meal on date under the canteen's defaults.
func (c Canteen) DefaultBookBy(date, meal string) time.Time {
	day, err := time.ParseInLocation(time.DateOnly, date, cst.Zone)
	if err != nil {
		return time.Time{}
	}
	minutes, ok := c.Cutoffs[meal]
	if !ok {
		minutes = defaultCutoffLu
	}
	return day.Add(time.Duration(minutes) * time.Minute).UTC()
}

// today is the current Asia/Shanghai date.
func (s *Service) today() string { return cst.Today(s.now()) }
