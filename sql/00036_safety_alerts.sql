-- +goose Up
-- A safety alert (安危确认): a rider found no answer at an elder's door. It is open until a
-- guardian, the elder, a grid worker or staff confirms the elder safe; still open at escalate_at,
-- it escalates to an urgent report (report_id) for the grid worker on duty. One per order.
CREATE TABLE safety_alerts (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  community_id BIGINT NOT NULL,
  person_id BIGINT NOT NULL,
  order_id BIGINT NULL,
  kind VARCHAR(16) NOT NULL,
  status VARCHAR(16) NOT NULL,
  what VARCHAR(64) NOT NULL DEFAULT '',
  note VARCHAR(800) NOT NULL DEFAULT '',
  raised_by BIGINT NULL,
  escalate_at DATETIME(6) NOT NULL,
  closed_by BIGINT NULL,
  closed_at DATETIME(6) NULL,
  escalated_at DATETIME(6) NULL,
  report_id BIGINT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  UNIQUE KEY uk_safety_alerts_order (order_id),
  KEY idx_safety_alerts_person (person_id, created_at, id),
  KEY idx_safety_alerts_community (community_id, created_at, id),
  KEY idx_safety_alerts_due (status, escalate_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
