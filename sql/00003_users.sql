-- +goose Up
-- openid is NULL once an account is deleted, so the same WeChat user can start afresh.
-- community_id is the community the user last joined as a resident (NULL before onboarding).
CREATE TABLE users (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  community_id BIGINT NULL,
  openid VARCHAR(64) NULL,
  name VARCHAR(64) NOT NULL DEFAULT '',
  phone_enc VARBINARY(128) NULL,
  phone_hash BINARY(32) NULL,
  person_id BIGINT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  deleted_at DATETIME(6) NULL,
  UNIQUE KEY uk_users_openid (openid),
  KEY idx_users_phone (phone_hash),
  KEY idx_users_community (community_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
