INSERT INTO camp_regions (id, title)
VALUES
  (1, '{"ru": "Средняя Азия","en": "Central Asia","de": ""}'), /* a block comment, with a ; */
  (2, '{"ru": "Коми","en": "","de": ""}');
