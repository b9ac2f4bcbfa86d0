-- +goose Up
CREATE TABLE user_roles (
  community_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  role VARCHAR(32) NOT NULL,
  granted_by BIGINT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (user_id, community_id, role),
  KEY idx_user_roles_community (community_id, role)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
