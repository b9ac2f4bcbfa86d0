-- +goose Up
-- Orders by status and day: the sweeps find pending orders a crash left behind and yesterday's
-- uncollected ones through it, reading only those, never the history.
CREATE INDEX idx_meal_orders_status_day ON meal_orders (status, meal_date);
