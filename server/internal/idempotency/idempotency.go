// Package idempotency remembers the responses to POSTs sent with an Idempotency-Key, so a phone
// that retries gets the first answer again instead of doing the work twice. It is a convenience
// for retries: unique keys in MySQL still stop duplicates when Redis has forgotten.
package idempotency

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Outcomes of Begin.
const (
	Proceed    = iota // run the request; then Finish or Abort
	Replay            // send the kept response
	InProgress        // the first request with this key is still running
	Mismatch          // the key was used with another body
)

// Lifetimes of a key.
const (
	KeepFor    = 24 * time.Hour
	RunningFor = 2 * time.Minute
)

// Response is a kept answer.
type Response struct {
	Status      int    `json:"status"`
	ContentType string `json:"content_type"`
	Body        []byte `json:"body"`
}

type entry struct {
	BodyHash string    `json:"body_hash"`
	Done     bool      `json:"done"`
	Response *Response `json:"response,omitempty"`
}

// Store keeps keys in Redis.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewStore keeps keys under prefix.
func NewStore(rdb redis.UniversalClient, prefix string) *Store {
	return &Store{rdb: rdb, prefix: prefix + "idem:"}
}

// Key scopes a client's key to a user and a route.
func (s *Store) Key(userID int64, route, clientKey string) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d\x00%s\x00%s", userID, route, clientKey)))
	return s.prefix + hex.EncodeToString(sum[:16])
}

// BodyHash is the fingerprint of a request body.
func BodyHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// Begin claims key for a request with the given body hash, or says why not.
func (s *Store) Begin(ctx context.Context, key, bodyHash string) (int, *Response, error) {
	running, _ := json.Marshal(entry{BodyHash: bodyHash})
	for range 2 {
		ok, err := s.rdb.SetNX(ctx, key, running, RunningFor).Result()
		if err != nil {
			return 0, nil, fmt.Errorf("idempotency begin: %w", err)
		}
		if ok {
			return Proceed, nil, nil
		}
		raw, err := s.rdb.Get(ctx, key).Bytes()
		if errors.Is(err, redis.Nil) {
			continue // expired in between: claim it again
		}
		if err != nil {
			return 0, nil, fmt.Errorf("idempotency begin: %w", err)
		}
		var e entry
		if err := json.Unmarshal(raw, &e); err != nil {
			return 0, nil, fmt.Errorf("idempotency entry: %w", err)
		}
		switch {
		case e.BodyHash != bodyHash:
			return Mismatch, nil, nil
		case !e.Done || e.Response == nil:
			return InProgress, nil, nil
		}
		return Replay, e.Response, nil
	}
	return InProgress, nil, nil
}

// Finish keeps the response for KeepFor.
func (s *Store) Finish(ctx context.Context, key, bodyHash string, r Response) error {
	raw, _ := json.Marshal(entry{BodyHash: bodyHash, Done: true, Response: &r})
	if err := s.rdb.Set(ctx, key, raw, KeepFor).Err(); err != nil {
		return fmt.Errorf("idempotency finish: %w", err)
	}
	return nil
}

// Abort forgets the key, so a retry runs the request again (after a 5xx).
func (s *Store) Abort(ctx context.Context, key string) error {
	return s.rdb.Del(ctx, key).Err()
}
