-- +goose Up
-- A person is a resident record, separate from any WeChat account (一人一档).
-- owner_user_id is set on the person that is the account holder's own record.
CREATE TABLE persons (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  community_id BIGINT NOT NULL,
  owner_user_id BIGINT NULL,
  name VARCHAR(64) NOT NULL,
  gender VARCHAR(8) NOT NULL DEFAULT '',
  birth_date DATE NULL,
  building_id BIGINT NOT NULL,
  unit VARCHAR(16) NOT NULL DEFAULT '',
  room VARCHAR(16) NOT NULL DEFAULT '',
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  UNIQUE KEY uk_persons_owner (owner_user_id),
  KEY idx_persons_community (community_id, created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
