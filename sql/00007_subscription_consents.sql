-- +goose Up
-- One-time subscribe consents the mini-program reported, counted per user and template.
CREATE TABLE subscription_consents (
  user_id BIGINT NOT NULL,
  template_id VARCHAR(64) NOT NULL,
  remaining INT NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (user_id, template_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
