-- +goose Up
-- A community's meal subsidy rules. A rule gives subsidy_fen or subsidy_percent (of the price) to
-- persons of an age range (and a status, when set); daily_limit caps the subsidised meals per
-- person per day.
CREATE TABLE subsidy_rules (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  community_id BIGINT NOT NULL,
  sort_order INT NOT NULL,
  min_age INT NOT NULL,
  max_age INT NULL,
  status VARCHAR(16) NOT NULL DEFAULT '',
  subsidy_fen INT NULL,
  subsidy_percent INT NULL,
  daily_limit INT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  KEY idx_subsidy_rules_community (community_id, sort_order)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
