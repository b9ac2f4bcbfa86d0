package canteen

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	qInsertOrdersHead = `INSERT INTO meal_orders (` + orderInsertCols + `) VALUES `
	qBatchIDs         = `SELECT id, person_id FROM meal_orders WHERE slot_id = ? AND is_active = 1 AND person_id IN (%s)`
	// qTakeSeats takes a batch's seats only if all of them are left, and the slot is still
	// open at the price quoted.
	qTakeSeats = `UPDATE meal_slots SET booked = booked + ?
		WHERE id = ? AND booked + ? <= capacity AND closed_at IS NULL AND book_by > ? AND price_fen = ?`
)

// Bookings that passed a slot's gate at about the same time are written together: one
// transaction inserts their orders, booked, and raises the slot's count by as many, so a burst
// costs MySQL a few commits instead of two per booking. The first booking to arrive for a slot
// leads: it writes what has queued (itself first) as one batch, then hands the lead to the
// first booking that queued meanwhile, and answers. A batch of one is written the usual way
// (bookOne), the others queueing behind it. A batch that cannot be written whole (a duplicate,
// fewer seats left than bookings, a changed price, an error before the commit) is rolled back
// and handed back: each of its bookings then takes the usual way on its own, where the reason
// is found and answered.

// maxSeatBatch caps the bookings written in one transaction.
const maxSeatBatch = 100

// waiting is a booking queued for its slot's batch.
type waiting struct {
	o        *Order
	capacity string
	// alone writes the booking by itself (bookOne).
	alone func(context.Context) error
	// answer carries the outcome, or the lead; err is the outcome.
	answer chan outcome
	err    error
}

type outcome struct {
	err  error
	lead bool
}

var errBatchDeclined = errors.New("canteen: batch declined")

// slotQueue is one slot's queue; leading is set while some booking leads.
type slotQueue struct {
	items   []*waiting
	leading bool
}

type seatBatches struct {
	mu     sync.Mutex
	queues map[int64]*slotQueue
	// written counts the batches written and the bookings in them.
	written, bookings atomic.Int64
}

// Batches tells how many batches of bookings were written, and how many bookings they held.
func (s *Service) Batches() (batches, bookings int64) {
	return s.batches.written.Load(), s.batches.bookings.Load()
}

// write books w (its order complete, ID and pick-up code aside) in its slot's next batch.
// errBatchDeclined asks the caller to write it alone.
func (s *Service) write(ctx context.Context, sl Slot, w *waiting) error {
	b := &s.batches
	w.answer = make(chan outcome, 1)
	b.mu.Lock()
	if b.queues == nil {
		b.queues = map[int64]*slotQueue{}
	}
	q := b.queues[sl.ID]
	if q == nil {
		q = &slotQueue{}
		b.queues[sl.ID] = q
	}
	q.items = append(q.items, w)
	lead := !q.leading
	q.leading = true
	b.mu.Unlock()
	if !lead {
		if out := <-w.answer; !out.lead {
			return out.err
		}
	}
	// w is first in the queue, so in the batch it writes. The batch outlives a caller that
	// gives up: others wait on it.
	s.lead(context.WithoutCancel(ctx), sl, q, w)
	return w.err
}

// lead writes one batch from the front of q (self, the leader, first) and hands the lead on.
func (s *Service) lead(ctx context.Context, sl Slot, q *slotQueue, self *waiting) {
	b := &s.batches
	b.mu.Lock()
	n := min(len(q.items), maxSeatBatch)
	batch := q.items[:n:n]
	q.items = q.items[n:]
	b.mu.Unlock()
	err := s.writeLed(ctx, sl, batch)
	b.mu.Lock()
	var next *waiting
	if len(q.items) > 0 {
		next = q.items[0]
	} else {
		q.leading = false
		delete(b.queues, sl.ID)
	}
	b.mu.Unlock()
	if next != nil {
		next.answer <- outcome{lead: true}
	}
	for _, x := range batch {
		if x == self {
			x.err = err
			continue
		}
		x.answer <- outcome{err: err}
	}
}

// writeLed writes a leader's batch; a panic becomes an error, so that the queue goes on.
func (s *Service) writeLed(ctx context.Context, sl Slot, batch []*waiting) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("seat batch: panic: %v", r)
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, batchTimeout)
	defer cancel()
	if len(batch) == 1 {
		return batch[0].alone(ctx)
	}
	return s.writeBatch(ctx, sl, batch)
}

// batchTimeout bounds a leader's write: the others wait on it.
const batchTimeout = 10 * time.Second

// writeBatch writes the orders of batch, booked, and takes their seats, in one transaction;
// errBatchDeclined when it cannot be written whole.
func (s *Service) writeBatch(ctx context.Context, sl Slot, batch []*waiting) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return errBatchDeclined
	}
	defer tx.Rollback() //nolint:errcheck // after a commit, a no-op
	var (
		values strings.Builder
		args   = make([]any, 0, len(batch)*17)
		ids    = make([]any, 0, len(batch)+1)
	)
	ids = append(ids, sl.ID)
	for _, w := range batch {
		if w.o.PriceFen != sl.PriceFen {
			// Quoted from another reading of the slot: each is checked on its own.
			return errBatchDeclined
		}
	}
	codes := make(map[string]bool, len(batch))
	for i, w := range batch {
		code, err := pickupCode()
		for err == nil && codes[code] {
			code, err = pickupCode()
		}
		if err != nil {
			return err
		}
		codes[code] = true
		w.o.PickupCode = code
		if i > 0 {
			values.WriteString(", ")
		}
		values.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, 'booked', 1, ?, ?, ?, ?, ?, ?, ?)")
		o := w.o
		args = append(args, o.CommunityID, o.CanteenID, o.SlotID, sl.Date, o.PersonID, o.BookedBy, w.capacity, o.Mode, o.Note,
			o.PriceFen, o.SubsidyFen, o.PayFen, o.SubsidyNote, code, o.CreatedAt, o.UpdatedAt)
		ids = append(ids, o.PersonID)
	}
	// Until the commit, any failure rolls the whole batch back and declines it.
	if _, err := tx.ExecContext(ctx, qInsertOrdersHead+values.String(), args...); err != nil {
		return errBatchDeclined
	}
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(qBatchIDs, strings.TrimSuffix(strings.Repeat("?, ", len(batch)), ", ")), ids...)
	if err != nil {
		return errBatchDeclined
	}
	byPerson := make(map[int64]int64, len(batch))
	for rows.Next() {
		var id, personID int64
		if err := rows.Scan(&id, &personID); err != nil {
			rows.Close()
			return errBatchDeclined
		}
		byPerson[personID] = id
	}
	rows.Close()
	if rows.Err() != nil || len(byPerson) != len(batch) {
		return errBatchDeclined
	}
	// The seats last, so the slot's row is locked only until the commit.
	now := s.now().UTC()
	res, err := tx.ExecContext(ctx, qTakeSeats, len(batch), sl.ID, len(batch), now, sl.PriceFen)
	if err != nil {
		return errBatchDeclined
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errBatchDeclined
	}
	// A failed commit may have committed or not: it is answered as an error, not retried.
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("seat batch: %w", err)
	}
	for _, w := range batch {
		w.o.ID = byPerson[w.o.PersonID]
	}
	s.batches.written.Add(1)
	s.batches.bookings.Add(int64(len(batch)))
	return nil
}
