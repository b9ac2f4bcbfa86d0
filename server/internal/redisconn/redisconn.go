// Package redisconn opens the Redis client the server (and its benchmark) use, with one set of
// pool and protocol settings.
package redisconn

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Options are the client settings for a redis:// URL.
//
//   - RESP2: the server needs no push notifications, and RESP3's check for them costs a read
//     on every command under load.
//   - A pool of 64 connections with 16 kept idle: a burst of bookings finds its connections
//     open instead of dialling them.
func Options(url string) (*redis.Options, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("LINLI_REDIS_URL: %w", err)
	}
	opt.Protocol = 2
	opt.PoolSize = 64
	opt.MinIdleConns = 16
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = 3*time.Second, 2*time.Second, 2*time.Second
	return opt, nil
}

// Open connects and pings.
func Open(ctx context.Context, url string) (*redis.Client, error) {
	opt, err := Options(url)
	if err != nil {
		return nil, err
	}
	rdb := redis.NewClient(opt)
	Batch(rdb, 4)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("redis at %s: %w", opt.Addr, err)
	}
	return rdb, nil
}
