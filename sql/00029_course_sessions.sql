-- +goose Up
-- The sessions of a course, numbered from 1. reminded_at is set once the day-before reminders
-- are all written (each is also deduplicated, so a run cut short is simply run again).
CREATE TABLE course_sessions (
  course_id BIGINT NOT NULL,
  session_index INT NOT NULL,
  community_id BIGINT NOT NULL,
  starts_at DATETIME(6) NOT NULL,
  ends_at DATETIME(6) NOT NULL,
  place VARCHAR(64) NOT NULL,
  reminded_at DATETIME(6) NULL,
  PRIMARY KEY (course_id, session_index),
  KEY idx_course_sessions_start (starts_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
