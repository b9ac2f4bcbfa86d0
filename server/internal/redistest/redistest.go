// Package redistest gives each test a Redis key prefix of its own on the shared test server, and
// removes the test's keys when it ends.
package redistest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"
)

// DefaultURL is the Redis make test uses: database 9, away from a local run's database 0.
const DefaultURL = "redis://127.0.0.1:6379/9"

var (
	once    sync.Once
	client  *redis.Client
	initErr error
	seq     atomic.Int64
)

// URL is the test Redis server's address.
func URL() string {
	if u := os.Getenv("LINLI_TEST_REDIS_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// New returns the shared client and a prefix no other test uses; keys under it are deleted when
// t ends.
func New(t testing.TB) (*redis.Client, string) {
	t.Helper()
	once.Do(func() {
		opt, err := redis.ParseURL(URL())
		if err != nil {
			initErr = err
			return
		}
		client = redis.NewClient(opt)
		initErr = client.Ping(context.Background()).Err()
	})
	if initErr != nil {
		t.Fatalf("redistest: %v (is Redis running? make test starts it)", initErr)
	}
	prefix := fmt.Sprintf("t:%d:%d:", os.Getpid(), seq.Add(1))
	t.Cleanup(func() {
		ctx := context.Background()
		iter := client.Scan(ctx, 0, prefix+"*", 500).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		if len(keys) > 0 {
			client.Del(ctx, keys...)
		}
	})
	return client, prefix
}
