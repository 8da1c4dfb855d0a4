INSERT INTO camp_regions (id, title)
VALUES
  (1, '{"en": "Central Asia", "de": "Mittelasien (für Test)"}');
