-- +goose Up
-- Each step of a safety alert: raised, someone going to look, confirmed safe, escalated.
CREATE TABLE safety_alert_steps (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  alert_id BIGINT NOT NULL,
  community_id BIGINT NOT NULL,
  actor_user_id BIGINT NULL,
  role VARCHAR(16) NOT NULL,
  action VARCHAR(16) NOT NULL,
  note VARCHAR(800) NOT NULL DEFAULT '',
  created_at DATETIME(6) NOT NULL,
  KEY idx_safety_alert_steps_alert (alert_id, created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
