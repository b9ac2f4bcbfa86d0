-- +goose Up
-- The buildings of each grid; a building is in at most one grid.
CREATE TABLE grid_buildings (
  building_id BIGINT NOT NULL PRIMARY KEY,
  grid_id BIGINT NOT NULL,
  community_id BIGINT NOT NULL,
  KEY idx_grid_buildings_grid (grid_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
