INSERT INTO camps(id, title, sub_titles, description, published, type_id, activity_id, region_id, notes, created_at, updated_at) VALUES (1, '{"de": "", "en": "Test ITL, (with a comma)", "ru": "Тестовый ИТЛ"}', '{"de": "", "en": "Testlag, Second name (with, comma)", "ru": "Тестлаг"}', '{"de": "", "en": "", "ru": "Описание; с ''кавычками'', (скобками) и \"JSON\"\nстроками."}', '{"de": false, "en": true, "ru": true}', 1, 2, 1, NULL, '2017-09-28 16:45:23.049353', '2017-11-17 11:27:10.970000');

INSERT INTO camps(id, title, sub_titles, description, published, type_id, activity_id, region_id, notes, created_at, updated_at) VALUES (2, '{"de": "", "en": "Second ITL", "ru": "Второй ИТЛ"}', '{"de": "", "en": "", "ru": ""}', '{"de": "", "en": "", "ru": ""}', '{"de": false, "en": true, "ru": true}', 2, NULL, 2, 'a note that spans
two lines; with a semicolon, and a (parenthesis', '2017-09-28 16:45:23.049353', '2017-11-17 11:27:10.970000');

INSERT INTO camps(id, title, sub_titles, description, published, type_id, activity_id, region_id, notes, created_at, updated_at) VALUES (2, '{"de": "", "en": "Second ITL", "ru": "Второй ИТЛ"}', '{"de": "", "en": "", "ru": ""}', '{"de": "", "en": "", "ru": ""}', '{"de": false, "en": true, "ru": true}', 2, NULL, 2, 'a note that spans
two lines; with a semicolon, and a (parenthesis', '2017-09-28 16:45:23.049353', '2017-11-17 11:27:10.970000');

INSERT INTO camps(id, title, sub_titles, description, published, type_id, activity_id, region_id, notes, created_at, updated_at) VALUES (3, '{"de": "Neue Gefängnis", "en": "New prison", "ru": "Тестовый ПФЛ № 3"}', '{"de": "", "en": "", "ru": ""}', '{"de": "", "en": "", "ru": ""}', '{"de": false, "en": false, "ru": false}', 1, 1, 1, NULL, '2017-09-28 16:45:23.049353', '2017-11-17 11:27:10.970000');

INSERT INTO camps(id, title, sub_titles, description, published, type_id, activity_id, region_id, notes, created_at, updated_at) VALUES (4, '{"de": "", "en": "Camp without location", "ru": "Лагерь без места"}', '{"de": "", "en": "", "ru": ""}', '{"de": "", "en": "", "ru": ""}', '{"de": false, "en": true, "ru": true}', 1, 1, 1, NULL, '2017-09-28 16:45:23.049353', '2017-11-17 11:27:10.970000');

INSERT INTO camps(id, title, sub_titles, description, published, type_id, activity_id, region_id, notes, created_at, updated_at) VALUES (5, '{"de": "", "en": "Unplaced ITL", "ru": "Неразмещённый ИТЛ"}', '{"de": "", "en": "", "ru": ""}', '{"de": "", "en": "", "ru": ""}', '{"de": false, "en": true, "ru": true}', 1, 1, 1, NULL, '2017-09-28 16:45:23.049353', '2017-11-17 11:27:10.970000');

INSERT INTO camps(id, title, sub_titles, description, published, type_id, activity_id, region_id, notes, created_at, updated_at) VALUES (6, '{"de": "", "en": "Whitespace  ITL \r\n", "ru": "Пробельный ИТЛ\n"}', '{"de": "", "en": "", "ru": ""}', '{"de": "", "en": "", "ru": ""}', '{"de": false, "en": true, "ru": true}', 9, 1, 1, NULL, '2017-09-28 16:45:23.049353', '2017-11-17 11:27:10.970000');

SELECT setval(pg_get_serial_sequence('public.camps', 'id'), COALESCE(max(id), 0) + 1, FALSE) FROM public.camps;
