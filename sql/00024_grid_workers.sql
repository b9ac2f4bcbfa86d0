-- +goose Up
-- The grid workers of each grid.
CREATE TABLE grid_workers (
  grid_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  community_id BIGINT NOT NULL,
  PRIMARY KEY (grid_id, user_id),
  KEY idx_grid_workers_user (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
