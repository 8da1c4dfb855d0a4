INSERT INTO camp_regions (id, title)
VALUES
  (1, '{"ru": "Средняя Азия","en": "Central Asia","de": ""}'),
  (2, '{"ru": "Коми","en": "@@BIG@@","de": ""}');
