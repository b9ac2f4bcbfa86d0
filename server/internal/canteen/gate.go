package canteen

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// gate answers most bookings of a full slot from Redis, so a burst on a popular meal does not
// queue on the slot's row in MySQL. It only ever filters: the seat is decided by the conditional
// UPDATE in the booking's transaction, so a gate that is wrong, lost or flushed costs speed,
// never a seat. A gate counting too many seats lets more requests reach MySQL (which refuses
// them); one counting too few (a process died between taking a token and giving it back) is
// corrected when the key expires and is rebuilt from MySQL.
type gate struct {
	rdb    redis.UniversalClient
	prefix string
}

// gateTTL bounds how long a gate that drifted low can turn people away.
const gateTTL = 30 * time.Second

// gateClosed is the value of a gate whose slot takes no more bookings.
const gateClosed = "closed"

// gateReserve is how many of a slot's last seats go only to bookings already checked (the
// person is one the caller may act for, of the slot's community, the mode allowed, the slot
// open). While more are left a booking takes its token first and is checked after, which keeps
// a burst on a popular meal off MySQL; a refused booking gives its token back at once, and, never
// holding one of the last seats, cannot make a free seat look taken to others.
const gateReserve = 10

// Outcomes of take.
const (
	gateUnknown = iota // no gate: ask MySQL, then build it
	gatePass           // a token was taken: book, or give it back
	gateFull
	gateShut
	gateScarce // no token taken: the reserve or fewer seats are left
)

// takeScript takes a token while more than ARGV[1] are left.
var takeScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
if v == 'closed' then return 3 end
local n = tonumber(v)
if n <= 0 then return 2 end
if n <= tonumber(ARGV[1]) then return 4 end
redis.call('DECR', KEYS[1])
return 1`)

// giveScript returns a token only to a gate that still exists and is open.
var giveScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v and v ~= 'closed' then redis.call('INCR', KEYS[1]) end
return 0`)

func newGate(rdb redis.UniversalClient, prefix string) *gate {
	return &gate{rdb: rdb, prefix: prefix}
}

func (g *gate) key(slotID int64) string { return fmt.Sprintf("%sseats:{%d}", g.prefix, slotID) }

// take asks for a token, unless reserve or fewer are left (gateScarce); an unreachable Redis is
// gateUnknown (MySQL decides).
func (g *gate) take(ctx context.Context, slotID int64, reserve int) int {
	n, err := takeScript.Run(ctx, g.rdb, []string{g.key(slotID)}, reserve).Int()
	if err != nil {
		return gateUnknown
	}
	return n
}

// give returns a token taken for a booking that did not happen, or a seat a cancellation freed.
func (g *gate) give(ctx context.Context, slotID int64) {
	_ = giveScript.Run(ctx, g.rdb, []string{g.key(slotID)}).Err()
}

// build sets the gate from MySQL's view of the slot, unless another request already did.
func (g *gate) build(ctx context.Context, sl Slot, now time.Time) {
	ttl := gateTTL
	var v any = sl.Remaining()
	if sl.Closed() || !now.Before(sl.BookBy) {
		v = gateClosed
	} else if left := sl.BookBy.Sub(now); left < ttl {
		// Expire at the cut-off, so the gate is rebuilt closed.
		ttl = left
	}
	_ = g.rdb.SetNX(ctx, g.key(sl.ID), v, ttl).Err()
}

// forget drops the gate after an edit; the next booking rebuilds it.
func (g *gate) forget(ctx context.Context, slotID int64) {
	_ = g.rdb.Del(ctx, g.key(slotID)).Err()
}
