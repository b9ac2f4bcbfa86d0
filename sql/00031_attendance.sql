-- +goose Up
-- Who came to which session, checked in by staff.
CREATE TABLE attendance (
  enrollment_id BIGINT NOT NULL,
  session_index INT NOT NULL,
  community_id BIGINT NOT NULL,
  checked_by BIGINT NOT NULL,
  checked_at DATETIME(6) NOT NULL,
  PRIMARY KEY (enrollment_id, session_index)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
