-- +goose Up
-- A slot's orders by status and mode, read from the index alone: the overview's board of the day
-- counts them without reading the orders themselves.
CREATE INDEX idx_meal_orders_slot_status ON meal_orders (slot_id, status, mode);
