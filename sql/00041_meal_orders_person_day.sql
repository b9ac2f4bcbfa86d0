-- +goose Up
-- A person's orders of one day: each booking checks the person's seat and subsidised meals of
-- the slot's day through it, whatever the person's history.
CREATE INDEX idx_meal_orders_person_day ON meal_orders (person_id, meal_date);
