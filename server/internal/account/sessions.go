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

// SessionTTL is how long a session lives without use; every use extends it.
const SessionTTL = 30 * 24 * time.Hour

const tokenPrefix = "lt_"

// Sessions keeps sessions in Redis, keyed by a hash of the token: a leak of Redis does not leak
// usable tokens.
type Sessions struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
	now    func() time.Time
}

func (s *Sessions) key(tokenHash string) string { return s.prefix + "sess:" + tokenHash }
func (s *Sessions) userKey(userID int64) string {
	return s.prefix + "sess:user:" + strconv.FormatInt(userID, 10)
}

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
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
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

// Lookup returns the user of a token and slides its expiry.
func (s *Sessions) Lookup(ctx context.Context, token string) (int64, error) {
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 100 {
		return 0, ErrUnauthenticated
	}
	v, err := s.rdb.GetEx(ctx, s.key(hashToken(token)), s.ttl).Result()
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
