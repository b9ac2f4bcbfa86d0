package events_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/linli/linli/server/internal/events"
	"github.com/linli/linli/server/internal/mysqltest"
	"github.com/linli/linli/server/internal/paging"
	"github.com/linli/linli/server/internal/redistest"
)

type env struct {
	t      *testing.T
	db     *sql.DB
	rdb    *redis.Client
	prefix string
	bus    *events.Bus
	// handled counts, per event id, the handler runs that committed.
	mu      sync.Mutex
	handled map[int64]int
	fail    atomic.Int64 // the handler fails while this is > 0, counting down
}

func newEnv(t *testing.T) *env {
	t.Helper()
	t.Parallel()
	db := mysqltest.NewDB(t)
	rdb, prefix := redistest.New(t)
	e := &env{t: t, db: db, rdb: rdb, prefix: prefix, handled: map[int64]int{}}
	e.bus = events.NewBus(db, rdb, prefix, slog.New(slog.DiscardHandler), time.Now)
	e.bus.Block = 10 * time.Millisecond
	e.bus.ClaimIdle = 50 * time.Millisecond
	e.bus.MaxAttempts = 3
	e.bus.Handle("work", func(ctx context.Context, tx *sql.Tx, ev events.Event) error {
		if e.fail.Load() > 0 {
			e.fail.Add(-1)
			return errors.New("handler down")
		}
		var p struct{ N int }
		if err := ev.Decode(&p); err != nil {
			return err
		}
		// The handler's own write, in the transaction that marks the event done.
		if _, err := tx.ExecContext(ctx, `INSERT INTO messages (community_id, user_id, dedup_key, kind, title, body, created_at)
			VALUES (?, ?, ?, 'test', 't', 'b', ?)`, ev.CommunityID, p.N, fmt.Sprint(ev.ID), time.Now().UTC()); err != nil {
			return err
		}
		e.mu.Lock()
		e.handled[ev.ID]++
		e.mu.Unlock()
		return nil
	})
	return e
}

func (e *env) publish(n int) []int64 {
	e.t.Helper()
	var ids []int64
	for i := range n {
		tx, err := e.db.Begin()
		if err != nil {
			e.t.Fatal(err)
		}
		id, err := events.Publish(context.Background(), tx, 1, "work", map[string]int{"N": i + 1}, time.Now())
		if err != nil {
			e.t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			e.t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// drain relays and consumes until nothing is left or the deadline passes.
func (e *env) drain(d time.Duration) {
	e.t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if _, err := e.bus.RelayOnce(ctx, 100); err != nil {
			e.t.Fatal(err)
		}
		if _, err := e.bus.ConsumeOnce(ctx, "work", 50); err != nil {
			e.t.Fatal(err)
		}
		var open int
		if err := e.db.QueryRow(`SELECT COUNT(*) FROM outbox WHERE done_at IS NULL AND dead_at IS NULL`).Scan(&open); err != nil {
			e.t.Fatal(err)
		}
		if open == 0 {
			return
		}
	}
}

// once checks every event was handled exactly once, its write included.
func (e *env) once(ids []int64) {
	e.t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, id := range ids {
		if e.handled[id] != 1 {
			e.t.Errorf("event %d handled %d times", id, e.handled[id])
		}
	}
	var writes int
	if err := e.db.QueryRow(`SELECT COUNT(*) FROM messages WHERE kind = 'test'`).Scan(&writes); err != nil {
		e.t.Fatal(err)
	}
	if writes != len(ids) {
		e.t.Errorf("%d handler writes for %d events", writes, len(ids))
	}
}

func TestEventsHandledOnce(t *testing.T) {
	e := newEnv(t)
	ids := e.publish(30)
	e.drain(5 * time.Second)
	e.once(ids)
	// Published again (a relay that died before recording it): still handled once.
	if _, err := e.db.Exec(`UPDATE outbox SET published_at = NULL`); err != nil {
		t.Fatal(err)
	}
	if n, err := e.bus.RelayOnce(context.Background(), 100); err != nil || n != 30 {
		t.Fatalf("relayed again %d, %v", n, err)
	}
	for range 3 {
		if _, err := e.bus.ConsumeOnce(context.Background(), "work", 50); err != nil {
			t.Fatal(err)
		}
	}
	e.once(ids)
}

func TestEventsRetriedThenDeadLettered(t *testing.T) {
	e := newEnv(t)
	// Two failures, then success: handled once, after the entry is claimed again.
	e.fail.Store(2)
	ids := e.publish(1)
	e.drain(5 * time.Second)
	e.once(ids)
	var attempts int
	if err := e.db.QueryRow(`SELECT attempts FROM outbox WHERE id = ?`, ids[0]).Scan(&attempts); err != nil || attempts != 2 {
		t.Errorf("attempts = %d, %v", attempts, err)
	}

	// Always failing: dead after MaxAttempts, listed for staff, and retried once fixed.
	e.fail.Store(1000)
	dead := e.publish(1)[0]
	e.drain(3 * time.Second)
	letters, _, err := e.bus.DeadLetters(context.Background(), 1, "", paging.Newest, paging.Page{Limit: 10})
	if err != nil || len(letters) != 1 || letters[0].ID != dead || letters[0].Attempts != 3 || letters[0].LastError != "handler down" {
		t.Fatalf("dead letters = %+v, %v", letters, err)
	}
	if err := e.bus.Retry(context.Background(), 2, dead); !errors.Is(err, events.ErrNotFound) {
		t.Errorf("retry from another community: %v", err)
	}
	e.fail.Store(0)
	if err := e.bus.Retry(context.Background(), 1, dead); err != nil {
		t.Fatal(err)
	}
	e.drain(5 * time.Second)
	e.once(append(ids, dead))
}

func TestEventsSurviveLostStreamAndDeadConsumer(t *testing.T) {
	e := newEnv(t)
	ids := e.publish(20)
	ctx := context.Background()
	if _, err := e.bus.RelayOnce(ctx, 100); err != nil {
		t.Fatal(err)
	}
	// Redis loses the stream and its group before anyone consumed it.
	rdb, prefix := e.rdb, e.prefix
	if err := rdb.Del(ctx, prefix+"stream:work").Err(); err != nil {
		t.Fatal(err)
	}
	e.drain(5 * time.Second)
	e.once(ids)

	// A consumer takes entries and dies before handling them: another claims them when idle.
	more := e.publish(5)
	if _, err := e.bus.RelayOnce(ctx, 100); err != nil {
		t.Fatal(err)
	}
	taken, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: "linli", Consumer: "dying", Streams: []string{prefix + "stream:work", ">"}, Count: 10, Block: 10 * time.Millisecond,
	}).Result()
	if err != nil || len(taken[0].Messages) != 5 {
		t.Fatalf("the dying consumer took %v, %v", taken, err)
	}
	time.Sleep(60 * time.Millisecond)
	e.drain(5 * time.Second)
	e.once(append(ids, more...))

	// Redis loses everything while the bus is running (its group known): the next read finds no
	// group, and what is not done is published again.
	last := e.publish(5)
	if _, err := e.bus.RelayOnce(ctx, 100); err != nil {
		t.Fatal(err)
	}
	if err := rdb.Del(ctx, prefix+"stream:work").Err(); err != nil {
		t.Fatal(err)
	}
	e.drain(5 * time.Second)
	e.once(append(append(ids, more...), last...))
}

// afterXAdd runs once, right after the first pipeline of XADDs: the relay has copied its batch
// to the stream but not yet recorded it published.
type afterXAdd struct {
	once sync.Once
	run  func()
}

func (h *afterXAdd) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (h *afterXAdd) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }
func (h *afterXAdd) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		if len(cmds) > 0 && cmds[0].Name() == "xadd" {
			h.once.Do(h.run)
		}
		return err
	}
}

// TestEventsRelayedIntoALostStream: Redis loses the stream just after a relay copied a batch
// into it, and another replica recovers (creates the group, publishes the open events again)
// before that relay records the batch published. The batch must still be published again and
// handled, well before the stale sweep would find it.
func TestEventsRelayedIntoALostStream(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	opt, err := redis.ParseURL(redistest.URL())
	if err != nil {
		t.Fatal(err)
	}
	relayRDB := redis.NewClient(opt)
	t.Cleanup(func() { relayRDB.Close() })
	relay := events.NewBus(e.db, relayRDB, e.prefix, slog.New(slog.DiscardHandler), time.Now)
	relayRDB.AddHook(&afterXAdd{run: func() {
		if err := e.rdb.Del(ctx, e.prefix+"stream:work").Err(); err != nil {
			t.Error(err)
		}
		// The consuming replica meets the stream gone and recovers.
		if _, err := e.bus.ConsumeOnce(ctx, "work", 50); err != nil {
			t.Error(err)
		}
	}})
	ids := e.publish(10)
	if n, err := relay.RelayOnce(ctx, 100); err != nil || n != 10 {
		t.Fatalf("relayed %d, %v", n, err)
	}
	var published int
	if err := e.db.QueryRow(`SELECT COUNT(*) FROM outbox WHERE published_at IS NOT NULL`).Scan(&published); err != nil || published != 0 {
		t.Errorf("%d events recorded published though their stream was lost (%v)", published, err)
	}
	e.drain(5 * time.Second)
	e.once(ids)
}
