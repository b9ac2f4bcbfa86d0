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
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// SessionTTL is how long a mini-program session lives without use; every use extends it.
const SessionTTL = 30 * 24 * time.Hour

// ConsoleSessionTTL is how long a console session lives, however much it is used: a PC in a
// community office is shared, so a sign-in lasts a working day.
const ConsoleSessionTTL = 12 * time.Hour

// Token prefixes tell the two kinds of session apart.
const (
	tokenPrefix        = "lt_"
	consoleTokenPrefix = "lc_"
)

// Sessions keeps sessions of one kind in Redis, keyed by a hash of the token: a leak of Redis
// does not leak usable tokens.
type Sessions struct {
	rdb    redis.UniversalClient
	prefix string
	// kind names the keys ("sess" for the mini-program, "csess" for the console) and token
	// starts every token of the kind.
	kind  string
	token string
	ttl   time.Duration
	// slide extends a session on every use.
	slide bool
	now   func() time.Time
}

func (s *Sessions) key(tokenHash string) string { return s.prefix + s.kind + ":" + tokenHash }
func (s *Sessions) userKey(userID int64) string {
	return s.prefix + s.kind + ":user:" + strconv.FormatInt(userID, 10)
}

// Owns reports whether a token is of this kind.
func (s *Sessions) Owns(token string) bool { return strings.HasPrefix(token, s.token) }

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Create starts a session for the user and returns its token and expiry.
func (s *Sessions) Create(ctx context.Context, userID int64) (string, time.Time, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", time.Time{}, fmt.Errorf("session token: %w", err)
	}
	token := s.token + base64.RawURLEncoding.EncodeToString(b)
	h := hashToken(token)
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, s.key(h), userID, s.ttl)
		p.SAdd(ctx, s.userKey(userID), h)
		p.Expire(ctx, s.userKey(userID), s.ttl)
		return nil
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("create session: %w", err)
	}
	return token, s.now().Add(s.ttl), nil
}

// Lookup returns the user of a token and, for a sliding kind, extends its life.
func (s *Sessions) Lookup(ctx context.Context, token string) (int64, error) {
	if !s.Owns(token) || len(token) > 100 {
		return 0, ErrUnauthenticated
	}
	var v string
	var err error
	if s.slide {
		v, err = s.rdb.GetEx(ctx, s.key(hashToken(token)), s.ttl).Result()
	} else {
		v, err = s.rdb.Get(ctx, s.key(hashToken(token))).Result()
	}
	if errors.Is(err, redis.Nil) {
		return 0, ErrUnauthenticated
	}
	if err != nil {
		return 0, fmt.Errorf("session lookup: %w", err)
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, ErrUnauthenticated
	}
	return id, nil
}

// Delete ends one session.
func (s *Sessions) Delete(ctx context.Context, token string) error {
	h := hashToken(token)
	v, err := s.rdb.GetDel(ctx, s.key(h)).Result()
	if errors.Is(err, redis.Nil) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil // not a session of ours; the key is gone now
	}
	if err := s.rdb.SRem(ctx, s.userKey(id), h).Err(); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteAll ends every session of the user.
func (s *Sessions) DeleteAll(ctx context.Context, userID int64) error {
	hashes, err := s.rdb.SMembers(ctx, s.userKey(userID)).Result()
	if err != nil {
		return fmt.Errorf("user sessions: %w", err)
	}
	// One key per DEL: under Redis Cluster the keys live in different slots.
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, h := range hashes {
			p.Del(ctx, s.key(h))
		}
		p.Del(ctx, s.userKey(userID))
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete user sessions: %w", err)
	}
	return nil
}
