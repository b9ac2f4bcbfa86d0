-- +goose Up
-- A meal booked for a person. The price breakdown is frozen at booking. is_active is 1 unless
-- the order is cancelled (NULL), so the unique key allows one live order per person and slot.
-- pickup_code is unique per canteen and day.
CREATE TABLE meal_orders (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  community_id BIGINT NOT NULL,
  canteen_id BIGINT NOT NULL,
  slot_id BIGINT NOT NULL,
  meal_date DATE NOT NULL,
  person_id BIGINT NOT NULL,
  booked_by BIGINT NOT NULL,
  capacity VARCHAR(24) NOT NULL,
  mode VARCHAR(16) NOT NULL,
  note VARCHAR(800) NOT NULL DEFAULT '',
  status VARCHAR(16) NOT NULL,
  is_active TINYINT NULL,
  price_fen INT NOT NULL,
  subsidy_fen INT NOT NULL,
  pay_fen INT NOT NULL,
  subsidy_note VARCHAR(128) NOT NULL DEFAULT '',
  pickup_code CHAR(6) NOT NULL,
  outcome_note VARCHAR(800) NOT NULL DEFAULT '',
  outcome_by BIGINT NULL,
  outcome_at DATETIME(6) NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  UNIQUE KEY uk_meal_orders_person (slot_id, person_id, is_active),
  UNIQUE KEY uk_meal_orders_pickup (canteen_id, meal_date, pickup_code),
  KEY idx_meal_orders_person (person_id, created_at, id),
  KEY idx_meal_orders_day (community_id, meal_date, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
