-- +goose Up
-- Every step of a report, with who took it (NULL: the system) and when.
CREATE TABLE report_timeline (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  report_id BIGINT NOT NULL,
  community_id BIGINT NOT NULL,
  actor_user_id BIGINT NULL,
  actor_role VARCHAR(24) NOT NULL,
  action VARCHAR(32) NOT NULL,
  note VARCHAR(800) NOT NULL DEFAULT '',
  created_at DATETIME(6) NOT NULL,
  KEY idx_report_timeline_report (report_id, created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
