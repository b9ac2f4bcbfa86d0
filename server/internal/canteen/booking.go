package canteen

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/person"
	"github.com/linli/linli/server/internal/validation"
)

// Order statuses.
const (
	StatusBooked    = "booked"
	StatusCancelled = "cancelled"
	StatusServed    = "served"
	StatusDelivered = "delivered"
	StatusNoAnswer  = "no_answer"
	StatusNoShow    = "no_show"
)

// OrderStatuses lists them.
var OrderStatuses = []string{StatusBooked, StatusCancelled, StatusServed, StatusDelivered, StatusNoAnswer, StatusNoShow}

// Order is a meal booked for a person, with its price breakdown frozen at booking.
type Order struct {
	ID          int64
	CommunityID int64
	CanteenID   int64
	CanteenName string
	SlotID      int64
	Date        string
	Meal        string
	PersonID    int64
	PersonName  string
	BookedBy    int64
	Mode        string
	Note        string
	Status      string
	Quote
	PickupCode  string
	BookBy      time.Time
	OutcomeNote string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Quote is a price breakdown: price, subsidy, and what is left to pay.
type Quote struct {
	PriceFen   int
	SubsidyFen int
	PayFen     int
	// SubsidyNote says which rule applied, or why none did.
	SubsidyNote string
}

// BookInput is a booking request.
type BookInput struct {
	SlotID   int64
	PersonID int64
	Mode     string
	Note     string
}

const (
	orderCols = `o.id, o.community_id, o.canteen_id, COALESCE(c.name, ''), o.slot_id, o.meal_date, COALESCE(s.meal, ''), o.person_id,
		COALESCE(p.name, ''), o.booked_by, o.mode, o.note, o.status, o.price_fen, o.subsidy_fen, o.pay_fen, o.subsidy_note,
		o.pickup_code, COALESCE(s.book_by, o.created_at), o.outcome_note, o.created_at, o.updated_at`
	orderFrom = ` FROM meal_orders o LEFT JOIN meal_slots s ON s.id = o.slot_id LEFT JOIN canteens c ON c.id = o.canteen_id
		LEFT JOIN persons p ON p.id = o.person_id `
	qOrder            = `SELECT ` + orderCols + orderFrom + `WHERE o.id = ?`
	qSubsidisedBefore = `SELECT COUNT(*) FROM meal_orders WHERE person_id = ? AND meal_date = ? AND subsidy_fen > 0 AND is_active = 1 AND id < ?`
	qDropSubsidy      = `UPDATE meal_orders SET subsidy_fen = 0, pay_fen = ?, subsidy_note = ?, updated_at = ? WHERE id = ?`
	// qPersonDay counts, among a person's live orders of the slot's day, those of this slot and
	// the subsidised ones (pending ones included, so the limit holds under concurrency); it reads
	// that day only (idx_meal_orders_person_day), whatever the person's history.
	qPersonDay = `SELECT COALESCE(SUM(slot_id = ?), 0), COALESCE(SUM(subsidy_fen > 0), 0)
		FROM meal_orders WHERE person_id = ? AND meal_date = ? AND is_active = 1`
	orderInsertCols = `community_id, canteen_id, slot_id, meal_date, person_id, booked_by, capacity, mode, note,
		status, is_active, price_fen, subsidy_fen, pay_fen, subsidy_note, pickup_code, created_at, updated_at`
	qInsertOrder = `INSERT INTO meal_orders (` + orderInsertCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 1, ?, ?, ?, ?, ?, ?, ?)`
	// qTakeSeat is where a seat is decided, in one statement that commits on its own: it raises
	// booked only while seats are left, the slot is open, its cut-off has not passed and its
	// price is the one quoted, and turns the pending order into a booked one with it. The slot's
	// row is locked only while MySQL runs it, never across a round trip to us.
	qTakeSeat = `UPDATE meal_slots s JOIN meal_orders o ON o.id = ?
		SET s.booked = s.booked + 1, o.status = 'booked', o.updated_at = ?
		WHERE s.id = ? AND s.booked < s.capacity AND s.closed_at IS NULL AND s.book_by > ? AND s.price_fen = ?
		AND o.status = 'pending'`
	qDropPending = `UPDATE meal_orders SET status = 'cancelled', is_active = NULL, updated_at = ? WHERE id = ? AND status = 'pending'`
	// qStalePending finds pending orders a crashed process left behind (they never took a seat),
	// a batch at a time, through idx_meal_orders_status_day: only orders in flight are read.
	qStalePending = `SELECT id FROM meal_orders WHERE status = 'pending' AND created_at < ? LIMIT ?`
	qLockOrder    = `SELECT o.id, o.slot_id, o.person_id, o.status, s.book_by FROM meal_orders o JOIN meal_slots s ON s.id = o.slot_id WHERE o.id = ? FOR UPDATE`
	qCancelOrder  = `UPDATE meal_orders SET status = 'cancelled', is_active = NULL, updated_at = ? WHERE id = ?`
	qFreeSeat     = `UPDATE meal_slots SET booked = booked - 1 WHERE id = ? AND booked > 0`
	// qOrdersOf is a page of one person's orders, newest first, read through
	// idx_meal_orders_person; %s are the status and keyset conditions.
	qOrdersOf = `SELECT ` + orderCols + orderFrom + `WHERE o.person_id = ? AND %s AND %s
		ORDER BY %s LIMIT ?`
)

func scanOrder(row interface{ Scan(...any) error }) (Order, error) {
	var (
		o    Order
		date time.Time
	)
	err := row.Scan(&o.ID, &o.CommunityID, &o.CanteenID, &o.CanteenName, &o.SlotID, &date, &o.Meal, &o.PersonID, &o.PersonName,
		&o.BookedBy, &o.Mode, &o.Note, &o.Status, &o.PriceFen, &o.SubsidyFen, &o.PayFen, &o.SubsidyNote, &o.PickupCode,
		&o.BookBy, &o.OutcomeNote, &o.CreatedAt, &o.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Order{}, ErrNotFound
	}
	o.Date = date.Format(time.DateOnly)
	return o, err
}

// Order returns one order.
func (s *Service) Order(ctx context.Context, id int64) (Order, error) {
	o, err := scanOrder(s.db.QueryRowContext(ctx, qOrder, id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Order{}, fmt.Errorf("order %d: %w", id, err)
	}
	return o, err
}

// canDeliver reports whether a person may have meals delivered: living alone or needing care,
// unless the canteen delivers to all.
func canDeliver(c Canteen, p person.Person) bool {
	return c.DeliveryForAll || p.LivingAlone || (p.CareLevel != "" && p.CareLevel != person.CareSelf)
}

// ErrRateLimited is a user booking more than BookingsPerMinute times in a minute.
var ErrRateLimited = errors.New("canteen: too many bookings")

// BookingsPerMinute caps the bookings one user may ask for in a minute, refused ones included
// (but not those the gate turns away as full, which cost next to nothing): far above what a
// family books, low enough that no loop of requests crowds a slot's gate or MySQL.
const BookingsPerMinute = 30

// Book books a meal for a person the user may act for (person.ActFor). The seat gate answers
// most requests for a full slot; the seat itself is taken in MySQL. A booking that would be
// refused whatever the seats (a person the caller may not act for, another community's, a mode
// the person may not have, a slot closed or gone) does not hold one of a slot's last seats
// (gateReserve) outside a burst (maxCheckFirst), since a loop of them would make a free seat look
// taken.
func (s *Service) Book(ctx context.Context, userID int64, in BookInput) (Order, error) {
	errs := validation.Errors{}
	noteText.Clean(errs, "note", &in.Note)
	if in.SlotID <= 0 {
		errs.Add("slot_id", validation.Required)
	}
	if in.PersonID <= 0 {
		errs.Add("person_id", validation.Required)
	}
	if !slices.Contains(Modes, in.Mode) {
		errs.Add("mode", "应为 eat_in、pickup 或 delivery")
	}
	if err := errs.Err(); err != nil {
		return Order{}, err
	}
	var b *checked
	verdict := s.takeSeat(ctx, in.SlotID, gateReserve)
	if verdict == gateUnknown || (verdict == gateScarce && s.mayCheckFirst(in.SlotID)) {
		// One of the last seats, or no gate to ask (Redis unreachable): check before anything is
		// held.
		c, err := s.check(ctx, userID, in)
		s.checkedFirst(in.SlotID, verdict)
		if err != nil {
			return Order{}, err
		}
		b = &c
	}
	if verdict == gateScarce {
		verdict = s.takeSeat(ctx, in.SlotID, 0)
	}
	switch verdict {
	case gateFull:
		return Order{}, ErrSlotFull
	case gateShut:
		return Order{}, ErrBookingClosed
	}
	o, err := s.book(ctx, userID, in, b)
	if err != nil && verdict == gatePass {
		s.gate.give(ctx, in.SlotID)
	}
	return o, err
}

// takeSeat asks the slot's gate for a token (see gate.take). A missing gate (it expired, or Redis
// lost it) is built from MySQL, once per process however many requests find it missing, and
// asked again; gateUnknown is then an unreachable Redis.
func (s *Service) takeSeat(ctx context.Context, slotID int64, reserve int) int {
	verdict := s.gate.take(ctx, slotID, reserve)
	if verdict == gateUnknown && s.rebuildGate(ctx, slotID) == nil {
		verdict = s.gate.take(ctx, slotID, reserve)
	}
	return verdict
}

// maxCheckFirst caps the bookings of a slot (a stripe of slots) this process checks before
// they take one of its last seats. More at once is a burst on a popular meal: the others take
// their token first, as when seats are plenty, so that a burst of a thousand is not a thousand
// reads of MySQL before the gate turns most of them away. A loop of doomed requests is far below
// it (BookingsPerMinute).
const maxCheckFirst = 8

// mayCheckFirst reports whether a booking of one of the slot's last seats is checked before it
// takes a token, and if so counts it until checkedFirst.
func (s *Service) mayCheckFirst(slotID int64) bool {
	n := &s.checkingFirst[slotID%int64(len(s.checkingFirst))]
	if n.Add(1) <= maxCheckFirst {
		return true
	}
	n.Add(-1)
	return false
}

// checkedFirst ends what mayCheckFirst counted (verdict gateScarce).
func (s *Service) checkedFirst(slotID int64, verdict int) {
	if verdict == gateScarce {
		s.checkingFirst[slotID%int64(len(s.checkingFirst))].Add(-1)
	}
}

// allowBooking counts a booking against the user's limit. If Redis does not answer the limit is
// skipped: the gate and MySQL still decide every seat.
func (s *Service) allowBooking(ctx context.Context, userID int64) error {
	ok, err := s.bookings.Allow(ctx, strconv.FormatInt(userID, 10))
	if err == nil && !ok {
		return ErrRateLimited
	}
	return nil
}

// rebuildGate builds a slot's gate from MySQL; concurrent callers share one read.
func (s *Service) rebuildGate(ctx context.Context, slotID int64) error {
	_, err, _ := s.rebuilds.Do(strconv.FormatInt(slotID, 10), func() (any, error) {
		sl, err := s.Slot(ctx, slotID)
		if err == nil {
			s.gate.build(ctx, sl, s.now())
		}
		return nil, err
	})
	return err
}

// checked is a booking that passed every check that needs no seat.
type checked struct {
	sl       Slot
	c        Canteen
	p        person.Person
	capacity person.Capacity
}

// check counts the booking against the user's limit, reads the slot and the person (at once:
// two round trips in parallel) and refuses what no free seat would make possible. Bookings the
// gate turns away as full never come here: they cost no more than the limit's own count would.
func (s *Service) check(ctx context.Context, userID int64, in BookInput) (checked, error) {
	var (
		b       checked
		slotErr error
		wg      sync.WaitGroup
		err     error
	)
	if err := s.allowBooking(ctx, userID); err != nil {
		return checked{}, err
	}
	wg.Go(func() { b.sl, b.c, slotErr = s.slotCached(ctx, in.SlotID) })
	b.p, b.capacity, err = s.persons.ActFor(ctx, userID, in.PersonID)
	wg.Wait()
	if slotErr != nil {
		return checked{}, slotErr
	}
	if err != nil {
		return checked{}, err
	}
	if b.p.CommunityID != b.sl.CommunityID {
		// A person books the canteens of their own community.
		return checked{}, ErrNotFound
	}
	// The cached slot may be a few seconds old: its seats are left to the gate and to the
	// statement that takes the seat, which also checks the cut-off, closing and price afresh.
	if b.sl.Closed() || !s.now().Before(b.sl.BookBy) {
		return checked{}, ErrBookingClosed
	}
	if !slices.Contains(b.sl.Modes, in.Mode) || (in.Mode == Delivery && !canDeliver(b.c, b.p)) {
		return checked{}, ErrModeNotAllowed
	}
	return b, nil
}

// book checks the booking unless b is already its check, and writes it (holding the gate's
// token, or with no gate to ask).
func (s *Service) book(ctx context.Context, userID int64, in BookInput, b *checked) (Order, error) {
	if b == nil {
		c, err := s.check(ctx, userID, in)
		if err != nil {
			return Order{}, err
		}
		b = &c
	}
	sl, c, p, capacity := b.sl, b.c, b.p, b.capacity
	now := s.now().UTC()
	rules, err := s.rulesCached(ctx, sl.CommunityID)
	if err != nil {
		return Order{}, err
	}
	// The subsidised meals of the day matter only when a subsidy may apply.
	used := 0
	if q, _ := quote(rules, p, sl, 0); q.SubsidyFen > 0 {
		var here int
		if err := s.db.QueryRowContext(ctx, qPersonDay, sl.ID, p.ID, sl.Date).Scan(&here, &used); err != nil {
			return Order{}, fmt.Errorf("book: %w", err)
		}
		if here > 0 {
			return Order{}, ErrAlreadyBooked
		}
	}
	o := Order{CommunityID: sl.CommunityID, CanteenID: c.ID, CanteenName: c.Name, SlotID: sl.ID, Date: sl.Date, Meal: sl.Meal,
		PersonID: p.ID, PersonName: p.Name, BookedBy: userID, Mode: in.Mode, Note: in.Note, Status: StatusBooked,
		BookBy: sl.BookBy, CreatedAt: now, UpdatedAt: now}
	var limit int
	o.Quote, limit = quote(rules, p, sl, used)
	// With others booking the slot at the same moment, the order goes in their batch.
	alone := func(ctx context.Context) error { return s.bookOne(ctx, &o, sl, p, userID, string(capacity), in, now) }
	err = s.write(ctx, sl, &waiting{o: &o, capacity: string(capacity), alone: alone})
	if errors.Is(err, errBatchDeclined) {
		err = alone(ctx)
	}
	if err != nil {
		if errors.Is(err, errPriceChanged) {
			// Read the slot afresh and start over, still holding the token.
			s.slots.Delete(sl.ID)
			return s.book(ctx, userID, in, nil)
		}
		return Order{}, err
	}
	if o.SubsidyFen > 0 {
		err = s.holdDailyLimit(ctx, &o, limit, now)
	}
	return o, err
}

// bookOne writes one order and takes its seat: first the order, pending (the unique key allows
// one live order per person and slot; no seat is held yet), then the seat and the order booked
// with it in one statement that commits on its own.
func (s *Service) bookOne(ctx context.Context, o *Order, sl Slot, p person.Person, userID int64, capacity string, in BookInput, now time.Time) error {
	var err error
	if o.ID, o.PickupCode, err = insertOrder(ctx, s.db, sl, p, userID, capacity, in, o.Quote, now); err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, qTakeSeat, o.ID, now, sl.ID, now, sl.PriceFen)
	if err == nil {
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		err = s.whyNoSeat(ctx, sl, now)
	}
	if _, derr := s.db.ExecContext(ctx, qDropPending, now, o.ID); derr != nil {
		// The sweeper cancels it later; it holds no seat.
		err = errors.Join(err, derr)
	}
	return err
}

// holdDailyLimit settles a race between bookings of one person on one day, which all counted
// the subsidised meals before any was written: the earliest orders keep their subsidy, and an
// order with limit or more subsidised ones before it pays in full.
func (s *Service) holdDailyLimit(ctx context.Context, o *Order, limit int, now time.Time) error {
	var before int
	if err := s.db.QueryRowContext(ctx, qSubsidisedBefore, o.PersonID, o.Date, o.ID).Scan(&before); err != nil {
		return fmt.Errorf("daily subsidy limit: %w", err)
	}
	if before < limit {
		return nil
	}
	o.SubsidyFen, o.PayFen, o.SubsidyNote = 0, o.PriceFen, noteLimitReached
	if _, err := s.db.ExecContext(ctx, qDropSubsidy, o.PayFen, o.SubsidyNote, now, o.ID); err != nil {
		return fmt.Errorf("daily subsidy limit: %w", err)
	}
	return nil
}

// SweepPending cancels pending orders older than a minute: a process died between writing the
// order and taking its seat, so they hold no seat, but they would keep the person from booking
// the slot again.
func (s *Service) SweepPending(ctx context.Context) (int64, error) {
	now := s.now().UTC()
	var swept int64
	for {
		ids, err := database.Int64s(ctx, s.db, qStalePending, now.Add(-time.Minute), sweepBatch)
		if err != nil {
			return swept, fmt.Errorf("sweep pending orders: %w", err)
		}
		// Each order on its own, by its primary key: the statement locks that row only, and
		// skips an order its booking took a seat for in the meantime.
		for _, id := range ids {
			res, err := s.db.ExecContext(ctx, qDropPending, now, id)
			if err != nil {
				return swept, fmt.Errorf("sweep pending orders: %w", err)
			}
			n, _ := res.RowsAffected()
			swept += n
		}
		if len(ids) < sweepBatch {
			return swept, nil
		}
	}
}

// sweepBatch is how many rows a sweep reads at a time.
const sweepBatch = 200

func openForBooking(sl Slot, now time.Time) error {
	switch {
	case sl.Closed() || !now.Before(sl.BookBy):
		return ErrBookingClosed
	case sl.Booked >= sl.Capacity:
		return ErrSlotFull
	}
	return nil
}

// whyNoSeat reads the slot again to say why the seat was not taken.
func (s *Service) whyNoSeat(ctx context.Context, sl Slot, now time.Time) error {
	cur, err := s.Slot(ctx, sl.ID)
	if err != nil {
		return err
	}
	if err := openForBooking(cur, now); err != nil {
		return err
	}
	if cur.PriceFen != sl.PriceFen {
		return errPriceChanged
	}
	return ErrSlotFull
}

// insertOrder adds the pending order with a fresh pick-up code, unique per canteen and day.
func insertOrder(ctx context.Context, tx execer, sl Slot, p person.Person, userID int64, capacity string, in BookInput, q Quote, now time.Time) (int64, string, error) {
	for range 8 {
		code, err := pickupCode()
		if err != nil {
			return 0, "", err
		}
		res, err := tx.ExecContext(ctx, qInsertOrder, sl.CommunityID, sl.CanteenID, sl.ID, sl.Date, p.ID, userID, capacity,
			in.Mode, in.Note, q.PriceFen, q.SubsidyFen, q.PayFen, q.SubsidyNote, code, now, now)
		switch {
		case err == nil:
			id, err := res.LastInsertId()
			return id, code, err
		case duplicateOn(err, "uk_meal_orders_pickup"):
			continue
		case database.IsDuplicate(err):
			return 0, "", ErrAlreadyBooked
		default:
			return 0, "", fmt.Errorf("insert order: %w", err)
		}
	}
	return 0, "", errPickupCodeCollide
}

func duplicateOn(err error, key string) bool {
	var me *mysql.MySQLError
	return database.IsDuplicate(err) && errors.As(err, &me) && strings.Contains(me.Message, key)
}

var million = big.NewInt(1000000)

func pickupCode() (string, error) {
	n, err := rand.Int(rand.Reader, million)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// Quote tells what booking a slot would cost a person the user may act for.
func (s *Service) Quote(ctx context.Context, userID, slotID, personID int64) (Quote, error) {
	sl, err := s.Slot(ctx, slotID)
	if err != nil {
		return Quote{}, err
	}
	p, _, err := s.persons.ActFor(ctx, userID, personID)
	if err != nil {
		return Quote{}, err
	}
	if p.CommunityID != sl.CommunityID {
		return Quote{}, ErrNotFound
	}
	rules, err := s.rulesCached(ctx, sl.CommunityID)
	if err != nil {
		return Quote{}, err
	}
	var here, used int
	if err := s.db.QueryRowContext(ctx, qPersonDay, sl.ID, p.ID, sl.Date).Scan(&here, &used); err != nil {
		return Quote{}, fmt.Errorf("quote: %w", err)
	}
	q, _ := quote(rules, p, sl, used)
	return q, nil
}

// Cancel cancels an order before its slot's cut-off; the seat returns.
func (s *Service) Cancel(ctx context.Context, userID, orderID int64) (Order, error) {
	o, err := s.Order(ctx, orderID)
	if err != nil {
		return Order{}, err
	}
	if _, _, err := s.persons.ActFor(ctx, userID, o.PersonID); err != nil {
		return Order{}, ErrNotFound
	}
	now := s.now().UTC()
	var slotID int64
	err = database.InTx(ctx, s.db, func(tx *sql.Tx) error {
		var (
			personID int64
			status   string
			bookBy   time.Time
		)
		if err := tx.QueryRowContext(ctx, qLockOrder, orderID).Scan(&orderID, &slotID, &personID, &status, &bookBy); err != nil {
			return fmt.Errorf("lock order: %w", err)
		}
		if status != StatusBooked || !now.Before(bookBy) {
			return ErrBookingClosed
		}
		if _, err := tx.ExecContext(ctx, qCancelOrder, now, orderID); err != nil {
			return fmt.Errorf("cancel order: %w", err)
		}
		if _, err := tx.ExecContext(ctx, qFreeSeat, slotID); err != nil {
			return fmt.Errorf("free seat: %w", err)
		}
		return nil
	})
	if err != nil {
		return Order{}, err
	}
	s.gate.give(ctx, slotID)
	return s.Order(ctx, orderID)
}

// Orders pages through the orders of the persons the user manages (or of one of them), newest
// first; status "" lists all.
func (s *Service) Orders(ctx context.Context, userID, personID int64, status string, o paging.Order, p paging.Page) ([]Order, string, error) {
	ids := []int64{personID}
	if personID == 0 {
		var err error
		if ids, err = s.persons.ManagedIDs(ctx, userID); err != nil {
			return nil, "", err
		}
	} else if _, _, err := s.persons.ActFor(ctx, userID, personID); err != nil {
		return nil, "", err
	}
	cond, cargs := "o.status <> 'pending'", []any{}
	if status != "" {
		cond, cargs = "o.status <> 'pending' AND o.status = ?", []any{status}
	}
	where, wargs, order := p.Keyset("o.created_at", "o.id", o)
	query := fmt.Sprintf(qOrdersOf, cond, where, order)
	return paging.OfEach(ids, p, o, func(id int64) ([]Order, error) {
		args := append(append(append([]any{id}, cargs...), wargs...), p.Limit+1)
		out, err := database.Collect(ctx, s.db, query, args, scanOrder)
		if err != nil {
			return nil, fmt.Errorf("orders of person %d: %w", id, err)
		}
		return out, nil
	}, func(o Order) paging.Cursor { return paging.Cursor{At: o.CreatedAt, ID: o.ID} })
}
