INSERT INTO camp_statistics(id, location_id, year, prisoners_count)
VALUES
  (100, 10, 1950, 1234),
  (101, NULL, NULL, NULL),
  (NULL, 10, 1951, 5),
  (102, 10, 1952, NULL);
