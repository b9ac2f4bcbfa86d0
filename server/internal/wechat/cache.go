package wechat

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// Cache is the WeChat library's token cache over go-redis v9 (the library's own is go-redis v8).
// It implements cache.ContextCache; Get returns a string, which the library type-asserts.
type Cache struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewCache stores the library's entries under prefix.
func NewCache(rdb redis.UniversalClient, prefix string) *Cache {
	return &Cache{rdb: rdb, prefix: prefix + "wechat:"}
}

// GetContext returns the cached string, or nil when absent or Redis is down.
func (c *Cache) GetContext(ctx context.Context, key string) interface{} {
	v, err := c.rdb.Get(ctx, c.prefix+key).Result()
	if err != nil {
		return nil
	}
	return v
}

// SetContext stores val (a string or []byte; anything else is refused).
func (c *Cache) SetContext(ctx context.Context, key string, val interface{}, timeout time.Duration) error {
	switch val.(type) {
	case string, []byte:
	default:
		return errors.New("wechat cache: only strings are stored")
	}
	if timeout < 0 {
		timeout = 0
	}
	return c.rdb.Set(ctx, c.prefix+key, val, timeout).Err()
}

// IsExistContext reports whether key is cached.
func (c *Cache) IsExistContext(ctx context.Context, key string) bool {
	n, err := c.rdb.Exists(ctx, c.prefix+key).Result()
	return err == nil && n > 0
}

// DeleteContext removes key.
func (c *Cache) DeleteContext(ctx context.Context, key string) error {
	return c.rdb.Del(ctx, c.prefix+key).Err()
}

// Get is GetContext without a context, for the library's calls that have none.
func (c *Cache) Get(key string) interface{} { return c.GetContext(context.Background(), key) }

// Set is SetContext without a context.
func (c *Cache) Set(key string, val interface{}, timeout time.Duration) error {
	return c.SetContext(context.Background(), key, val, timeout)
}

// IsExist is IsExistContext without a context.
func (c *Cache) IsExist(key string) bool { return c.IsExistContext(context.Background(), key) }

// Delete is DeleteContext without a context.
func (c *Cache) Delete(key string) error { return c.DeleteContext(context.Background(), key) }
