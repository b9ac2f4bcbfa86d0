-- +goose Up
-- Requests staff decide: register (a relative registered the person), join (a further
-- guardian), claim (the person signed in and claims the record). is_open is 1 while pending and
-- NULL after, so the unique key allows one pending request per person and user and any number
-- of decided ones.
CREATE TABLE guardian_requests (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  community_id BIGINT NOT NULL,
  person_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  relation VARCHAR(16) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  status VARCHAR(16) NOT NULL,
  is_open TINYINT NULL,
  reason VARCHAR(800) NOT NULL DEFAULT '',
  decided_by BIGINT NULL,
  decided_at DATETIME(6) NULL,
  created_at DATETIME(6) NOT NULL,
  UNIQUE KEY uk_guardian_requests_open (person_id, user_id, is_open),
  KEY idx_guardian_requests_community (community_id, status, created_at, id),
  KEY idx_guardian_requests_user (user_id, created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
