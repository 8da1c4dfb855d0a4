INSERT INTO camp_statistics(id, location_id, year, prisoners_count)
VALUES
  (100, 10, 1950, 1234),
  (101, '10', 1951, 5),
  (102, 10, '1952', 5),
  (103, 10, 1953, 'many'),
  (104, 10, 1954, '1234'),
  ('105', 10, 1955, 5),
  (106, 10, 1956, 12.5);
