INSERT INTO camp_locations(id, geom, description, camp_id, order_index)
VALUES
  (10, '{"type": "Point", "coordinates": [73.1, 49.8]}', '{"en": "Testovo"}', 1, 0),
  (11, '{"type": "Point", "coordinates": ["east", "north"]}', NULL, 1, 1),
  (12, '{"type": "Point", "coordinates": [70, 50]}', NULL, '1', 2);
