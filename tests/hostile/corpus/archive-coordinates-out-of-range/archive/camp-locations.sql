INSERT INTO camp_locations(id, geom, description, camp_id, order_index)
VALUES
  (10, '{"type": "Point", "coordinates": [73.1, 49.8]}', '{"en": "Testovo"}', 1, 0),
  (11, '{"type": "Point", "coordinates": [73.1, -91]}', NULL, 1, 1),
  (12, '{"type": "Point", "coordinates": [180.5, 50]}', NULL, 1, 2),
  (13, '{"type": "Point", "coordinates": [1e400, 50]}', NULL, 1, 3),
  (14, '{"type": "Point", "coordinates": [Infinity, 50]}', NULL, 1, 4);
