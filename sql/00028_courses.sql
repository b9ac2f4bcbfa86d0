-- +goose Up
-- A parent-university (家长大学) course. enrolled counts the seats taken and never exceeds
-- capacity: enrolments, cancellations and promotions change it under the course row's lock.
-- audience is parents, or children (with an age range); certificate_sessions is the attendance
-- that earns a certificate. joined numbers every enrolment made (under the same lock), giving the
-- waiting list a strict order that no clock can tie.
CREATE TABLE courses (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  community_id BIGINT NOT NULL,
  theme VARCHAR(32) NOT NULL,
  title VARCHAR(64) NOT NULL,
  teacher VARCHAR(32) NOT NULL,
  description VARCHAR(800) NOT NULL DEFAULT '',
  audience VARCHAR(16) NOT NULL,
  min_age INT NULL,
  max_age INT NULL,
  capacity INT NOT NULL,
  enrolled INT NOT NULL DEFAULT 0,
  joined BIGINT NOT NULL DEFAULT 0,
  enroll_by DATETIME(6) NOT NULL,
  certificate_sessions INT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  KEY idx_courses_community (community_id, theme, created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
