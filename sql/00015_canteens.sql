-- +goose Up
-- A neighbour canteen (邻里食堂). cutoff_* are the default booking cut-offs, in minutes from the
-- start (Asia/Shanghai midnight) of the slot's day: -240 is 20:00 the day before.
CREATE TABLE canteens (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  community_id BIGINT NOT NULL,
  name VARCHAR(64) NOT NULL,
  address VARCHAR(128) NOT NULL DEFAULT '',
  delivery_for_all BOOLEAN NOT NULL DEFAULT FALSE,
  cutoff_breakfast INT NOT NULL DEFAULT -240,
  cutoff_lunch INT NOT NULL DEFAULT 570,
  cutoff_dinner INT NOT NULL DEFAULT 930,
  created_at DATETIME(6) NOT NULL,
  UNIQUE KEY uk_canteens_name (community_id, name),
  KEY idx_canteens_community (community_id, created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
