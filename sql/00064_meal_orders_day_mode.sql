-- +goose Up
-- A day's orders of a community by status, then mode: the delivery lists (mode 'delivery',
-- status live) judge each entry in the index and read only the rows they answer, rather than
-- every order of the day; what read the index before (the day's board, counts per day, the
-- monthly report) reads the same prefix. The index keeps its name (the monthly report names
-- it); a copy stands in while it is rebuilt, so the day's lists keep an index meanwhile.
CREATE INDEX idx_meal_orders_day_next ON meal_orders (community_id, meal_date, status, mode);
DROP INDEX idx_meal_orders_day ON meal_orders;
CREATE INDEX idx_meal_orders_day ON meal_orders (community_id, meal_date, status, mode);
DROP INDEX idx_meal_orders_day_next ON meal_orders;
