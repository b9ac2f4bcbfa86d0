-- +goose Up
-- The in-app inbox: every notification, whether or not WeChat delivered it.
-- dedup_key makes writing an entry exactly-once under retried work.
CREATE TABLE messages (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  community_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  dedup_key VARCHAR(128) NOT NULL,
  kind VARCHAR(32) NOT NULL,
  title VARCHAR(64) NOT NULL,
  body VARCHAR(512) NOT NULL,
  page VARCHAR(255) NOT NULL DEFAULT '',
  created_at DATETIME(6) NOT NULL,
  read_at DATETIME(6) NULL,
  UNIQUE KEY uk_messages_dedup (user_id, dedup_key),
  KEY idx_messages_user (user_id, created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
