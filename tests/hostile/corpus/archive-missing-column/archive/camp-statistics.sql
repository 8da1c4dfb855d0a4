INSERT INTO camp_statistics(id, location_id, prisoners_count)
VALUES
  (100, 10, 1234);
