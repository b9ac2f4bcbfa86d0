package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// TicketTTL is how long a console sign-in ticket can be approved.
const TicketTTL = 2 * time.Minute

// ticketKeep is how long a ticket is kept at all: past TicketTTL it answers "expired" rather
// than vanishing, so the console can say so.
const ticketKeep = 10 * time.Minute

// Ticket states.
const (
	TicketPending  = "pending"
	TicketScanned  = "scanned"
	TicketApproved = "approved"
	TicketDeclined = "declined"
	TicketExpired  = "expired"
)

// Errors of tickets.
var (
	ErrTicketExpired = errors.New("account: sign-in ticket expired")
	ErrTicketDecided = errors.New("account: sign-in ticket already decided")
)

// Ticket is a console sign-in ticket: the console shows its id as a QR code, a staff member
// approves it in the mini-program, and only the browser holding the secret collects the session.
type Ticket struct {
	ID string
	// Secret is known only when the ticket is made (its hash is kept).
	Secret    string
	Status    string
	ClientIP  string
	UserAgent string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Tickets keeps console sign-in tickets in Redis; every change is one script, so a ticket is
// decided once and collected once.
type Tickets struct {
	rdb    redis.UniversalClient
	prefix string
	now    func() time.Time
}

func (t *Tickets) key(id string) string { return t.prefix + "cticket:" + id }

func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func secretHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// maxUserAgent bounds the browser description kept with a ticket.
const maxUserAgent = 200

// Create makes a pending ticket for the browser at clientIP.
func (t *Tickets) Create(ctx context.Context, clientIP, userAgent string) (Ticket, error) {
	id, err := randomToken(16)
	if err != nil {
		return Ticket{}, fmt.Errorf("ticket id: %w", err)
	}
	secret, err := randomToken(32)
	if err != nil {
		return Ticket{}, fmt.Errorf("ticket secret: %w", err)
	}
	if r := []rune(userAgent); len(r) > maxUserAgent {
		userAgent = string(r[:maxUserAgent])
	}
	now := t.now()
	tk := Ticket{ID: id, Secret: secret, Status: TicketPending, ClientIP: clientIP, UserAgent: userAgent, CreatedAt: now, ExpiresAt: now.Add(TicketTTL)}
	_, err = t.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, t.key(id), "sh", secretHash(secret), "st", TicketPending, "ip", clientIP, "ua", userAgent,
			"at", now.UnixMilli(), "exp", tk.ExpiresAt.UnixMilli())
		p.Expire(ctx, t.key(id), ticketKeep)
		return nil
	})
	if err != nil {
		return Ticket{}, fmt.Errorf("create ticket: %w", err)
	}
	return tk, nil
}

// pollScript answers a ticket's state to the holder of its secret, and hands an approved ticket
// over once: the key is deleted as it is read. A wrong secret looks like a missing ticket.
var pollScript = redis.NewScript(`
local t = redis.call('HMGET', KEYS[1], 'sh', 'st', 'exp', 'uid')
if not t[1] or t[1] ~= ARGV[1] then return {'missing'} end
local st = t[2]
if (st == 'pending' or st == 'scanned') and tonumber(ARGV[2]) >= tonumber(t[3]) then st = 'expired' end
if st == 'approved' then redis.call('DEL', KEYS[1]) end
return {st, t[3], t[4] or ''}
`)

// Poll returns the ticket's state for the browser holding secret; for an approved ticket it also
// returns the user who approved it, and the ticket is then gone (collected once).
func (t *Tickets) Poll(ctx context.Context, id, secret string) (status string, expires time.Time, userID int64, err error) {
	if id == "" || len(id) > 64 || secret == "" || len(secret) > 64 {
		return "", time.Time{}, 0, ErrNotFound
	}
	res, err := pollScript.Run(ctx, t.rdb, []string{t.key(id)}, secretHash(secret), t.now().UnixMilli()).StringSlice()
	if err != nil {
		return "", time.Time{}, 0, fmt.Errorf("poll ticket: %w", err)
	}
	if res[0] == "missing" {
		return "", time.Time{}, 0, ErrNotFound
	}
	exp, _ := strconv.ParseInt(res[1], 10, 64)
	uid, _ := strconv.ParseInt(res[2], 10, 64)
	return res[0], time.UnixMilli(exp), uid, nil
}

// decideScript moves a ticket on for the staff member in ARGV[2]: scan from pending (or
// scanned again), approve and decline from pending or scanned, all before it expires. It
// answers the outcome and the ticket's fields.
var decideScript = redis.NewScript(`
local t = redis.call('HMGET', KEYS[1], 'st', 'exp', 'ip', 'ua', 'at')
if not t[1] then return {'missing'} end
local st = t[1]
local open = st == 'pending' or st == 'scanned'
if open and tonumber(ARGV[3]) >= tonumber(t[2]) then return {'expired'} end
if not open then return {'decided'} end
redis.call('HSET', KEYS[1], 'st', ARGV[1], 'uid', ARGV[2])
return {'ok', ARGV[1], t[3], t[4], t[5], t[2]}
`)

// Decide records a staff member's scan, approval or decline of a ticket (status is
// TicketScanned, TicketApproved or TicketDeclined) and returns the ticket.
func (t *Tickets) Decide(ctx context.Context, id string, userID int64, status string) (Ticket, error) {
	if id == "" || len(id) > 64 {
		return Ticket{}, ErrNotFound
	}
	switch status {
	case TicketScanned, TicketApproved, TicketDeclined:
	default:
		return Ticket{}, fmt.Errorf("decide ticket: status %q", status)
	}
	res, err := decideScript.Run(ctx, t.rdb, []string{t.key(id)}, status, userID, t.now().UnixMilli()).StringSlice()
	if err != nil {
		return Ticket{}, fmt.Errorf("decide ticket: %w", err)
	}
	switch res[0] {
	case "missing":
		return Ticket{}, ErrNotFound
	case "expired":
		return Ticket{}, ErrTicketExpired
	case "decided":
		return Ticket{}, ErrTicketDecided
	}
	at, _ := strconv.ParseInt(res[4], 10, 64)
	exp, _ := strconv.ParseInt(res[5], 10, 64)
	return Ticket{ID: id, Status: res[1], ClientIP: res[2], UserAgent: res[3], CreatedAt: time.UnixMilli(at), ExpiresAt: time.UnixMilli(exp)}, nil
}
