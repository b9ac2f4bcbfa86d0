package redisconn_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/linli/linli/server/internal/redisconn"
	"github.com/linli/linli/server/internal/redistest"
)

// TestBatchedCommandsKeepTheirOwnResults sends many commands at once through the batching
// client: each caller gets its own value or error, redis.Nil included, scripts load themselves,
// and commands that are not batched (a blocking stream read) still work.
func TestBatchedCommandsKeepTheirOwnResults(t *testing.T) {
	_, prefix := redistest.New(t)
	ctx := context.Background()
	rdb, err := redisconn.Open(ctx, redistest.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	script := redis.NewScript(`return redis.call('INCRBY', KEYS[1], ARGV[1])`)
	const n = 500
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			key := fmt.Sprintf("%sk:%d", prefix, i)
			if err := rdb.Set(ctx, key, i, time.Minute).Err(); err != nil {
				errs <- err
				return
			}
			if got, err := rdb.Get(ctx, key).Int(); err != nil || got != i {
				errs <- fmt.Errorf("get %s = %d, %v", key, got, err)
				return
			}
			if _, err := rdb.Get(ctx, key+":missing").Result(); !errors.Is(err, redis.Nil) {
				errs <- fmt.Errorf("missing key: %v", err)
				return
			}
			if got, err := script.Run(ctx, rdb, []string{prefix + "sum"}, 1).Int(); err != nil || got < 1 {
				errs <- fmt.Errorf("script: %d, %v", got, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got, _ := rdb.Get(ctx, prefix+"sum").Int(); got != n {
		t.Errorf("sum = %d, want %d", got, n)
	}
	// A blocking read goes its own way and does not hold up batched commands.
	done := make(chan error, 1)
	go func() {
		_, err := rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{prefix + "stream", "$"}, Block: 2 * time.Second}).Result()
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	if err := rdb.Set(ctx, prefix+"during", 1, time.Minute).Err(); err != nil || time.Since(start) > time.Second {
		t.Errorf("a command during a blocking read: %v after %v", err, time.Since(start))
	}
	if err := <-done; !errors.Is(err, redis.Nil) {
		t.Errorf("blocking read = %v, want redis.Nil after its timeout", err)
	}
	for _, k := range []string{"sum", "during"} {
		rdb.Del(ctx, prefix+k)
	}
	for i := range n {
		rdb.Del(ctx, fmt.Sprintf("%sk:%d", prefix, i))
	}
}
