-- +goose Up
-- A person's place on a course: enrolled, waitlisted (in the order of queue_no, taken from
-- courses.joined under the course row's lock) or
-- cancelled. is_active is 1 unless cancelled (NULL), so the unique key allows one live
-- enrolment per person and course.
CREATE TABLE enrollments (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  community_id BIGINT NOT NULL,
  course_id BIGINT NOT NULL,
  person_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  status VARCHAR(16) NOT NULL,
  is_active TINYINT NULL,
  queue_no BIGINT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  UNIQUE KEY uk_enrollments_person (course_id, person_id, is_active),
  KEY idx_enrollments_queue (course_id, status, queue_no),
  KEY idx_enrollments_person (person_id, created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
