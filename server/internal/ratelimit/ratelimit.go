// Package ratelimit counts requests per key in fixed windows in Redis, shared by all replicas.
package ratelimit

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Limiter allows Limit requests per key in each Window.
type Limiter struct {
	rdb    redis.UniversalClient
	prefix string
	Limit  int64
	Window time.Duration
	now    func() time.Time
}

// New returns a limiter whose keys start with prefix.
func New(rdb redis.UniversalClient, prefix string, limit int64, window time.Duration, now func() time.Time) *Limiter {
	return &Limiter{rdb: rdb, prefix: prefix + "rl:", Limit: limit, Window: window, now: now}
}

// Allow counts one request for key and reports whether it is within the limit.
func (l *Limiter) Allow(ctx context.Context, key string) (bool, error) {
	n, err := l.Take(ctx, key)
	return n <= l.Limit, err
}

// Take counts one request for key and answers how many the window has counted, this one
// included: Limit+1 is the first one refused.
func (l *Limiter) Take(ctx context.Context, key string) (int64, error) {
	k := fmt.Sprintf("%s%s:%d", l.prefix, key, l.WindowOf(l.now()))
	var incr *redis.IntCmd
	_, err := l.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		incr = p.Incr(ctx, k)
		p.Expire(ctx, k, l.Window+time.Second)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("rate limit: %w", err)
	}
	return incr.Val(), nil
}

// WindowOf numbers the window a moment falls in.
func (l *Limiter) WindowOf(t time.Time) int64 { return t.UnixNano() / int64(l.Window) }
