package redisconn

import (
	"context"
	"net"

	"github.com/redis/go-redis/v9"
)

// batcher sends the commands that many requests issue at once as pipelines: while one pipeline
// is on the wire, the commands arriving meanwhile queue up and leave together as the next. A
// burst of bookings then costs a few round trips instead of one per command, and a quiet server
// sends each command alone, one channel hand-off later. Only quick, non-blocking commands are
// batched; anything else (blocking reads of streams, for one) goes its own way.
type batcher struct {
	rdb   *redis.Client
	queue chan *queued
}

type queued struct {
	cmd  redis.Cmder
	done chan struct{}
}

// maxBatch caps one pipeline.
const maxBatch = 256

// batched are the commands worth batching: single-key reads and writes and scripts.
var batched = map[string]bool{
	"get": true, "getex": true, "getdel": true, "set": true, "del": true, "exists": true, "expire": true,
	"incr": true, "decr": true, "incrby": true, "sadd": true, "srem": true, "smembers": true,
	"eval": true, "evalsha": true, "hget": true, "hset": true, "hdel": true, "hgetall": true,
}

// Batch makes rdb send its quick commands in pipelines, with workers pipelines in flight at once.
func Batch(rdb *redis.Client, workers int) {
	b := &batcher{rdb: rdb, queue: make(chan *queued, 4096)}
	rdb.AddHook(b)
	for range workers {
		go b.run()
	}
}

func (b *batcher) run() {
	batch := make([]*queued, 0, maxBatch)
	for first := range b.queue {
		batch = append(batch[:0], first)
	drain:
		for len(batch) < maxBatch {
			select {
			case q := <-b.queue:
				batch = append(batch, q)
			default:
				break drain
			}
		}
		// Each command carries its own result and error; Exec's own error repeats the first.
		_, _ = b.rdb.Pipelined(context.Background(), func(p redis.Pipeliner) error {
			for _, q := range batch {
				_ = p.Process(context.Background(), q.cmd)
			}
			return nil
		})
		for _, q := range batch {
			close(q.done)
		}
	}
}

func (b *batcher) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) { return next(ctx, network, addr) }
}

func (b *batcher) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !batched[cmd.Name()] {
			return next(ctx, cmd)
		}
		q := &queued{cmd: cmd, done: make(chan struct{})}
		b.queue <- q
		// The command is answered within the client's read timeout whatever ctx does, and the
		// worker writes into cmd: wait for it rather than leave it half-owned.
		<-q.done
		return cmd.Err()
	}
}

func (b *batcher) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
