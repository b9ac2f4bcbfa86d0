-- +goose Up
-- Every grant and revoke, with who did it and when (actor NULL: the admin command line).
CREATE TABLE role_events (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  community_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  role VARCHAR(32) NOT NULL,
  action VARCHAR(16) NOT NULL,
  actor_user_id BIGINT NULL,
  created_at DATETIME(6) NOT NULL,
  KEY idx_role_events_user (community_id, user_id, created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
