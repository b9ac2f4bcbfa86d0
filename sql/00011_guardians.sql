-- +goose Up
-- Who acts for a person: a row while a guardian is pending (the relative who registered the
-- person) or approved. Changes lock the person's row first, so at most one guardian is primary.
CREATE TABLE guardians (
  person_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  community_id BIGINT NOT NULL,
  relation VARCHAR(16) NOT NULL,
  status VARCHAR(16) NOT NULL,
  is_primary BOOLEAN NOT NULL DEFAULT FALSE,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (person_id, user_id),
  KEY idx_guardians_user (user_id, created_at, person_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
