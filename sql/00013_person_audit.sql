-- +goose Up
-- Every change to a person, and every read of its full phone: who (actor_user_id, NULL for the
-- system), in what capacity (self, guardian, pending_guardian, staff, system), what (action and
-- the names of the fields, never their values), when.
CREATE TABLE person_audit (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  community_id BIGINT NOT NULL,
  person_id BIGINT NOT NULL,
  actor_user_id BIGINT NULL,
  capacity VARCHAR(24) NOT NULL,
  action VARCHAR(32) NOT NULL,
  fields VARCHAR(512) NOT NULL DEFAULT '',
  note VARCHAR(800) NOT NULL DEFAULT '',
  created_at DATETIME(6) NOT NULL,
  KEY idx_person_audit_person (person_id, created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
