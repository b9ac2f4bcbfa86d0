// Package events carries work from a state change to the code that acts on it: the change writes
// an event in its own MySQL transaction (the outbox), a relay copies it to a Redis stream, and a
// consumer group hands it to a handler, which marks it done in its own transaction before the
// entry is acknowledged. Delivery is at least once; the handling is exactly once. Entries a
// consumer took and never finished are claimed by another after a while (XAUTOCLAIM); an event
// whose handler keeps failing goes to the dead letters, which staff see and retry. If Redis loses
// its streams, the events not done are published again from MySQL.
package events

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/linli/linli/server/internal/database"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/wechat"
)

// Event is one piece of work.
type Event struct {
	ID          int64
	CommunityID int64
	Topic       string
	Payload     []byte
	CreatedAt   time.Time
	Attempts    int
	LastError   string
	DeadAt      time.Time
}

// Decode reads the payload into v.
func (e Event) Decode(v any) error { return json.Unmarshal(e.Payload, v) }

// MaxPayload caps an event's JSON.
const MaxPayload = 4000

const (
	qPublish     = `INSERT INTO outbox (community_id, topic, payload, created_at) VALUES (?, ?, ?, ?)`
	qUnpublished = `SELECT id, topic, epoch FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT ?`
	qPublished   = `UPDATE outbox SET published_at = ? WHERE id = ? AND epoch = ?`
	qEvent       = `SELECT id, community_id, topic, payload, created_at, attempts, last_error, done_at IS NOT NULL, dead_at FROM outbox WHERE id = ?`
	qMarkDone    = `UPDATE outbox SET done_at = ? WHERE id = ? AND done_at IS NULL AND dead_at IS NULL`
	qFailed      = `UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?`
	qDead        = `UPDATE outbox SET dead_at = ? WHERE id = ? AND done_at IS NULL`
	// qRepublish also catches events a relay is publishing right now (into the lost stream): their
	// epoch moves on, so the relay leaves them unpublished.
	qRepublish = `UPDATE outbox SET published_at = NULL, epoch = epoch + 1 WHERE done_at IS NULL AND dead_at IS NULL AND topic = ?`
	qStale     = `UPDATE outbox SET published_at = NULL, epoch = epoch + 1 WHERE done_at IS NULL AND dead_at IS NULL AND published_at < ?`
	qDeadList  = `SELECT id, community_id, topic, payload, created_at, attempts, last_error, FALSE, dead_at FROM outbox
		WHERE community_id = ? AND dead_at IS NOT NULL AND %s ORDER BY %s LIMIT ?`
	// deadSearch is what a search of dead letters matches: the start of the topic, or text
	// anywhere in the last error.
	deadSearch = `(topic LIKE ? OR last_error LIKE ?)`
	qRetry     = `UPDATE outbox SET dead_at = NULL, attempts = 0, last_error = '', published_at = NULL, epoch = epoch + 1 WHERE id = ? AND community_id = ? AND dead_at IS NOT NULL`
)

// ErrNotFound is a dead letter that does not exist (or is another community's).
var ErrNotFound = errors.New("events: not found")

// Publish writes an event in the caller's transaction; it is delivered after the commit.
func Publish(ctx context.Context, tx *sql.Tx, communityID int64, topic string, payload any, now time.Time) (int64, error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return 0, fmt.Errorf("event %s: %w", topic, err)
	}
	if len(raw) > MaxPayload {
		return 0, fmt.Errorf("event %s: payload of %d bytes", topic, len(raw))
	}
	res, err := tx.ExecContext(ctx, qPublish, communityID, topic, string(raw), now.UTC())
	if err != nil {
		return 0, fmt.Errorf("event %s: %w", topic, err)
	}
	return res.LastInsertId()
}

// Handler acts on an event inside tx, which also marks the event done; an error rolls both back
// and the event comes again.
type Handler func(ctx context.Context, tx *sql.Tx, e Event) error

// Bus relays and consumes events.
type Bus struct {
	db       *sql.DB
	rdb      redis.UniversalClient
	prefix   string
	log      *slog.Logger
	now      func() time.Time
	consumer string
	handlers map[string]Handler
	// MaxAttempts is how many failures send an event to the dead letters (default 5).
	MaxAttempts int
	// ClaimIdle is how long an entry may sit with a consumer before another claims it.
	ClaimIdle time.Duration
	// Block is how long a read waits for new entries.
	Block time.Duration
	// StaleAfter is how long a published event may stay not done before it is published again.
	StaleAfter time.Duration
	groups     sync.Map
}

// group is the consumer group every replica joins.
const group = "linli"

// NewBus returns a bus; prefix starts its Redis keys.
func NewBus(db *sql.DB, rdb redis.UniversalClient, prefix string, log *slog.Logger, now func() time.Time) *Bus {
	host, _ := os.Hostname()
	return &Bus{
		db: db, rdb: rdb, prefix: prefix, log: log, now: now, handlers: map[string]Handler{},
		consumer:    fmt.Sprintf("%s-%d-%d", host, os.Getpid(), time.Now().UnixNano()%1e6),
		MaxAttempts: 5, ClaimIdle: 30 * time.Second, Block: time.Second, StaleAfter: 2 * time.Minute,
	}
}

// Handle registers the handler of a topic; call before Run.
func (b *Bus) Handle(topic string, h Handler) { b.handlers[topic] = h }

func (b *Bus) stream(topic string) string { return b.prefix + "stream:" + topic }

// RelayOnce copies up to batch unpublished events to their streams and says how many.
func (b *Bus) RelayOnce(ctx context.Context, batch int) (int, error) {
	rows, err := b.db.QueryContext(ctx, qUnpublished, batch)
	if err != nil {
		return 0, fmt.Errorf("relay: %w", err)
	}
	type pending struct {
		id    int64
		topic string
		epoch int
	}
	var todo []pending
	for rows.Next() {
		var p pending
		if err := rows.Scan(&p.id, &p.topic, &p.epoch); err != nil {
			rows.Close()
			return 0, err
		}
		todo = append(todo, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(todo) == 0 {
		return 0, err
	}
	cmds, err := b.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, e := range todo {
			p.XAdd(ctx, &redis.XAddArgs{Stream: b.stream(e.topic), Values: []any{"id", e.id}})
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("relay: %w", err)
	}
	now := b.now().UTC()
	for i, e := range todo {
		if cmds[i].Err() != nil {
			continue
		}
		// Published twice if we die here: the consumer's done mark makes that harmless. Not
		// recorded if the event was sent to be published again meanwhile (its epoch moved).
		if _, err := b.db.ExecContext(ctx, qPublished, now, e.id, e.epoch); err != nil {
			return i, fmt.Errorf("relay: %w", err)
		}
	}
	return len(todo), nil
}

// ensureGroup makes sure the topic's stream and group exist, once per process. A group this call
// had to create is a first start or Redis having lost the stream: then every event of the topic
// not done is published again (a second delivery of one already in the stream is harmless),
// those a relay is copying into the lost stream at this moment included (see qRepublish).
func (b *Bus) ensureGroup(ctx context.Context, topic string) error {
	if _, ok := b.groups.Load(topic); ok {
		return nil
	}
	err := b.rdb.XGroupCreateMkStream(ctx, b.stream(topic), group, "0").Err()
	switch {
	case err != nil && strings.HasPrefix(err.Error(), "BUSYGROUP"):
	case err != nil:
		return fmt.Errorf("consumer group %s: %w", topic, err)
	default:
		if err := b.republish(ctx, topic); err != nil {
			return err
		}
	}
	b.groups.Store(topic, true)
	return nil
}

func (b *Bus) republish(ctx context.Context, topic string) error {
	res, err := b.db.ExecContext(ctx, qRepublish, topic)
	if err != nil {
		return fmt.Errorf("republish %s: %w", topic, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		b.log.Warn("event stream was missing; publishing again from MySQL", "topic", topic, "events", n)
	}
	return nil
}

// recover is for a stream or group Redis lost while we used it.
func (b *Bus) recover(ctx context.Context, topic string) error {
	b.groups.Delete(topic)
	return b.ensureGroup(ctx, topic)
}

func isNoGroup(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "NOGROUP") }

// ConsumeOnce handles what is waiting on a topic: entries other consumers left idle too long,
// then new ones (waiting up to Block for some). It says how many it handled.
func (b *Bus) ConsumeOnce(ctx context.Context, topic string, count int64) (int, error) {
	if err := b.ensureGroup(ctx, topic); err != nil {
		return 0, err
	}
	claimed, _, err := b.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
		Stream: b.stream(topic), Group: group, Consumer: b.consumer, MinIdle: b.ClaimIdle, Start: "0-0", Count: count,
	}).Result()
	if isNoGroup(err) {
		return 0, b.recover(ctx, topic)
	}
	if err != nil {
		return 0, fmt.Errorf("claim %s: %w", topic, err)
	}
	msgs := claimed
	if len(msgs) == 0 {
		streams, err := b.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: b.consumer, Streams: []string{b.stream(topic), ">"}, Count: count, Block: b.Block,
		}).Result()
		switch {
		case errors.Is(err, redis.Nil):
			return 0, nil
		case isNoGroup(err):
			return 0, b.recover(ctx, topic)
		case err != nil:
			return 0, fmt.Errorf("read %s: %w", topic, err)
		}
		for _, s := range streams {
			msgs = append(msgs, s.Messages...)
		}
	}
	handled := 0
	for _, m := range msgs {
		done, err := b.handleEntry(ctx, topic, m)
		if err != nil {
			return handled, err
		}
		if done {
			handled++
		}
	}
	return handled, nil
}

// handleEntry runs the handler for one stream entry; true when the entry was acknowledged.
func (b *Bus) handleEntry(ctx context.Context, topic string, m redis.XMessage) (bool, error) {
	ack := func() error { return b.rdb.XAck(ctx, b.stream(topic), group, m.ID).Err() }
	id, _ := strconv.ParseInt(fmt.Sprint(m.Values["id"]), 10, 64)
	if id == 0 {
		return true, ack()
	}
	h, ok := b.handlers[topic]
	if !ok {
		return false, fmt.Errorf("no handler for topic %s", topic)
	}
	now := b.now().UTC()
	var e Event
	herr := database.InTx(ctx, b.db, func(tx *sql.Tx) error {
		var (
			done bool
			dead sql.NullTime
		)
		err := tx.QueryRowContext(ctx, qEvent, id).Scan(&e.ID, &e.CommunityID, &e.Topic, &e.Payload, &e.CreatedAt, &e.Attempts, &e.LastError, &done, &dead)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, qMarkDone, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// Done (or dead) already: a second delivery.
			return nil
		}
		return h(ctx, tx, e)
	})
	if herr == nil {
		return true, ack()
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	// The handler failed: count it; after MaxAttempts the event goes to the dead letters, else
	// the entry stays pending and is claimed again after ClaimIdle.
	// Kept for staff to read: never with a credential in it.
	msg := wechat.Redact(herr.Error())
	if len(msg) > 255 {
		msg = msg[:255]
	}
	if _, err := b.db.ExecContext(ctx, qFailed, msg, id); err != nil {
		return false, err
	}
	b.log.Warn("event handler failed", "topic", topic, "event_id", id, "attempt", e.Attempts+1, "error", msg)
	if e.Attempts+1 >= b.MaxAttempts {
		if _, err := b.db.ExecContext(ctx, qDead, now, id); err != nil {
			return false, err
		}
		b.log.Error("event dead-lettered", "topic", topic, "event_id", id)
		return true, ack()
	}
	return false, nil
}

// SweepStale publishes again the events published long ago and still not done: a safety net
// for entries lost in any way the consumers did not notice.
func (b *Bus) SweepStale(ctx context.Context) (int64, error) {
	res, err := b.db.ExecContext(ctx, qStale, b.now().UTC().Add(-b.StaleAfter))
	if err != nil {
		return 0, fmt.Errorf("stale events: %w", err)
	}
	return res.RowsAffected()
}

// Run relays and consumes until ctx ends.
func (b *Bus) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		sweep := time.NewTicker(time.Minute)
		defer sweep.Stop()
		for {
			for {
				n, err := b.RelayOnce(ctx, 100)
				if err != nil && ctx.Err() == nil {
					b.log.Warn("event relay", "error", err.Error())
				}
				if n < 100 {
					break
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-sweep.C:
				if _, err := b.SweepStale(ctx); err != nil && ctx.Err() == nil {
					b.log.Warn("stale events", "error", err.Error())
				}
			case <-t.C:
			}
		}
	})
	for topic := range b.handlers {
		wg.Go(func() {
			for ctx.Err() == nil {
				if _, err := b.ConsumeOnce(ctx, topic, 20); err != nil && ctx.Err() == nil {
					b.log.Warn("event consumer", "topic", topic, "error", err.Error())
					time.Sleep(time.Second)
				}
			}
		})
	}
	wg.Wait()
}

// DeadLetters pages through a community's dead-lettered events, newest first.
func (b *Bus) DeadLetters(ctx context.Context, communityID int64, search string, o paging.Order, p paging.Page) ([]Event, string, error) {
	where, wargs, order := p.Keyset("dead_at", "id", o)
	args := []any{communityID}
	if search != "" {
		where, args = deadSearch+" AND "+where, append(args, database.LikePrefix(search), database.LikeAny(search))
	}
	out, err := database.Collect(ctx, b.db, fmt.Sprintf(qDeadList, where, order), append(append(args, wargs...), p.Limit+1),
		func(r database.Scanner) (Event, error) {
			var (
				e    Event
				done bool
				dead sql.NullTime
			)
			err := r.Scan(&e.ID, &e.CommunityID, &e.Topic, &e.Payload, &e.CreatedAt, &e.Attempts, &e.LastError, &done, &dead)
			e.DeadAt = dead.Time
			return e, err
		})
	if err != nil {
		return nil, "", fmt.Errorf("dead letters: %w", err)
	}
	items, next := paging.Trim(out, p.Limit, func(e Event) paging.Cursor { return paging.Cursor{At: e.DeadAt, ID: e.ID} })
	return items, next, nil
}

// Retry sends a dead letter of the community round again.
func (b *Bus) Retry(ctx context.Context, communityID, id int64) error {
	res, err := b.db.ExecContext(ctx, qRetry, id, communityID)
	if err != nil {
		return fmt.Errorf("retry event %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// DeadCount counts a community's dead letters waiting for a retry.
func (b *Bus) DeadCount(ctx context.Context, communityID int64) (int, error) {
	var n int
	err := b.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE community_id = ? AND dead_at IS NOT NULL`, communityID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("dead letters: %w", err)
	}
	return n, nil
}
