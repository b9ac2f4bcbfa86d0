-- +goose Up
-- A report (有事找小哥). reporter_user_id made it, for person_id (their own record, or a person
-- they act for). The category's name and level are frozen at submission; accept_by and
-- resolve_by are the deadlines after which it escalates to staff.
CREATE TABLE reports (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  community_id BIGINT NOT NULL,
  reporter_user_id BIGINT NOT NULL,
  person_id BIGINT NULL,
  category_key VARCHAR(32) NOT NULL,
  category_name VARCHAR(32) NOT NULL,
  level VARCHAR(16) NOT NULL,
  urgency VARCHAR(16) NOT NULL,
  description VARCHAR(2000) NOT NULL,
  building_id BIGINT NULL,
  unit VARCHAR(16) NOT NULL DEFAULT '',
  location_text VARCHAR(128) NOT NULL DEFAULT '',
  lat DECIMAL(9,6) NULL,
  lng DECIMAL(9,6) NULL,
  anonymous BOOLEAN NOT NULL DEFAULT FALSE,
  flagged BOOLEAN NOT NULL DEFAULT FALSE,
  status VARCHAR(16) NOT NULL,
  grid_id BIGINT NULL,
  assignee_user_id BIGINT NULL,
  accept_by DATETIME(6) NOT NULL,
  resolve_by DATETIME(6) NOT NULL,
  accepted_at DATETIME(6) NULL,
  resolved_at DATETIME(6) NULL,
  closed_at DATETIME(6) NULL,
  escalated_at DATETIME(6) NULL,
  rating INT NULL,
  comment VARCHAR(800) NOT NULL DEFAULT '',
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  KEY idx_reports_reporter (reporter_user_id, created_at, id),
  KEY idx_reports_person (person_id, created_at, id),
  KEY idx_reports_assignee (assignee_user_id, status, created_at, id),
  KEY idx_reports_community (community_id, status, created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
