-- +goose Up
-- An image a user uploaded: stored under LINLI_UPLOAD_DIR with a random name, location metadata
-- removed. report_id is set when a report (or its resolution) uses it; an upload is used once.
CREATE TABLE uploads (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  name VARCHAR(80) NOT NULL,
  mime VARCHAR(32) NOT NULL,
  size INT NOT NULL,
  width INT NOT NULL,
  height INT NOT NULL,
  report_id BIGINT NULL,
  purpose VARCHAR(16) NOT NULL DEFAULT '',
  created_at DATETIME(6) NOT NULL,
  UNIQUE KEY uk_uploads_name (name),
  KEY idx_uploads_report (report_id, id),
  KEY idx_uploads_user (user_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
