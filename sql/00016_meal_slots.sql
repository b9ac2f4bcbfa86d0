-- +goose Up
-- A meal a canteen offers on a day. booked never exceeds capacity: bookings raise it with a
-- conditional UPDATE in the booking's transaction. dishes is a JSON array of {name}.
CREATE TABLE meal_slots (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  community_id BIGINT NOT NULL,
  canteen_id BIGINT NOT NULL,
  meal_date DATE NOT NULL,
  meal VARCHAR(16) NOT NULL,
  dishes VARCHAR(2000) NOT NULL,
  capacity INT NOT NULL,
  booked INT NOT NULL DEFAULT 0,
  price_fen INT NOT NULL,
  book_by DATETIME(6) NOT NULL,
  modes VARCHAR(64) NOT NULL,
  closed_at DATETIME(6) NULL,
  close_reason VARCHAR(800) NOT NULL DEFAULT '',
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  UNIQUE KEY uk_meal_slots_day (canteen_id, meal_date, meal),
  KEY idx_meal_slots_community (community_id, meal_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
