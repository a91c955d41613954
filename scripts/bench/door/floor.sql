-- The same write as an answer, bare: one UPDATE of one screen_items row (the pgbench floor).
\set n random(:first, :last)
\set p random(1, 20)
UPDATE screen_items SET answer = '{"text":{"_0":"bench"}}', answer_text = 'bench', answered_at = now(), seconds_taken = 1
 WHERE screen_id = (SELECT screen_id FROM bench_door_codes WHERE n = :n) AND position = :p;
