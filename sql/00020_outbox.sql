-- +goose Up
-- Events written in the transaction of the change that causes them. The relay copies each to a
-- Redis stream (the stream carries the id only; this row is the source), and the consumer that
-- handles it sets done_at in its own transaction, so an event is handled once however often it
-- is delivered. Redis may lose everything: events not done are published again from here.
CREATE TABLE outbox (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  community_id BIGINT NOT NULL,
  topic VARCHAR(64) NOT NULL,
  payload VARCHAR(4000) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  published_at DATETIME(6) NULL,
  done_at DATETIME(6) NULL,
  attempts INT NOT NULL DEFAULT 0,
  last_error VARCHAR(255) NOT NULL DEFAULT '',
  dead_at DATETIME(6) NULL,
  KEY idx_outbox_unpublished (published_at, id),
  KEY idx_outbox_open (done_at, dead_at, topic, published_at),
  KEY idx_outbox_dead (community_id, dead_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
