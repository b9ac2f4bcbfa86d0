-- +goose Up
-- Subscribe-message pushes, written in the transaction of the change that causes them. The
-- sender claims a row (status sending) and consumes the consent before it sends, so a push is
-- sent at most once; the inbox entry, written in the same transaction, is never lost.
CREATE TABLE push_outbox (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  community_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  dedup_key VARCHAR(128) NOT NULL,
  template_key VARCHAR(32) NOT NULL,
  page VARCHAR(255) NOT NULL DEFAULT '',
  data VARCHAR(2000) NOT NULL,
  status VARCHAR(16) NOT NULL,
  attempts INT NOT NULL DEFAULT 0,
  next_at DATETIME(6) NOT NULL,
  error VARCHAR(255) NOT NULL DEFAULT '',
  created_at DATETIME(6) NOT NULL,
  sent_at DATETIME(6) NULL,
  UNIQUE KEY uk_push_outbox_dedup (user_id, dedup_key),
  KEY idx_push_outbox_due (status, next_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
