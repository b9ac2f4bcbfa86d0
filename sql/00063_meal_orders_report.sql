-- +goose Up
-- Orders by community and person with what the monthly subsidy report sums: a page of the
-- report walks it in person order and stops after a page of persons, reading their orders in
-- the index alone, however many orders the community's month or history holds.
CREATE INDEX idx_meal_orders_report ON meal_orders (community_id, person_id, meal_date, status, subsidy_fen, price_fen);
