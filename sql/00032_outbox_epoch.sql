-- +goose Up
-- epoch counts the times an event was sent to be published again (Redis lost its stream, or it
-- went stale). The relay records an event published only if its epoch is still the one it read,
-- so a relay batch that went into a stream lost in the meantime is published again.
ALTER TABLE outbox ADD COLUMN epoch INT NOT NULL DEFAULT 0;
