-- +goose Up
-- A grid (网格): buildings looked after by grid workers, one of them on duty.
CREATE TABLE grids (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  community_id BIGINT NOT NULL,
  name VARCHAR(64) NOT NULL,
  on_duty_user_id BIGINT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  UNIQUE KEY uk_grids_name (community_id, name),
  KEY idx_grids_community (community_id, created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
