-- +goose Up
-- A community's report categories (小事居民治、大事社区办、急难事共商): level minor (volunteers may
-- claim), major (the grid worker), urgent (all staff at once), with the minutes allowed to accept
-- and to resolve. A community without rows uses the built-in list.
CREATE TABLE report_categories (
  community_id BIGINT NOT NULL,
  cat_key VARCHAR(32) NOT NULL,
  name VARCHAR(32) NOT NULL,
  level VARCHAR(16) NOT NULL,
  accept_minutes INT NOT NULL,
  resolve_minutes INT NOT NULL,
  sort_order INT NOT NULL,
  PRIMARY KEY (community_id, cat_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
