-- An answer as CandidateSession.answer sends it (its statements, in its transaction): the screen
-- found by its code and locked, the item read, the answer saved; five round trips, one commit.
-- (CandidateSession.question, which the prompt calls next, is four more: not counted here.)
\set n random(:first, :last)
\set p random(1, 20)
BEGIN;
SELECT s.id, s.status, b.title, b.description, b.settings, s.time_limit_minutes + s.extra_minutes AS minutes,
       s.adaptive, s.seed, s.bank_id, s.calibration_id, s.stop_reason,
       (SELECT count(*)::int FROM screen_items si WHERE si.screen_id = s.id) AS n,
       greatest(0, ceil(extract(epoch FROM s.deadline - now())))::int AS seconds_left,
       coalesce(now() > s.deadline, false) AS past_deadline, now() > s.invite_expires_at AS invite_expired
  FROM screens s JOIN banks b ON b.id = s.bank_id
 WHERE s.invite_hash = encode(sha256(convert_to((SELECT code FROM bench_door_codes WHERE n = :n), 'UTF8')), 'hex')
   FOR UPDATE OF s;
SELECT si.choice_order, i.content, si.answered_at IS NOT NULL AS answered FROM screen_items si JOIN items i ON i.id = si.item_id
 WHERE si.screen_id = (SELECT screen_id FROM bench_door_codes WHERE n = :n) AND si.position = :p;
UPDATE screen_items SET answer = '{"text":{"_0":"bench"}}', answer_text = 'bench', answered_at = now(),
       seconds_taken = extract(epoch FROM now() - coalesce(first_shown_at, now()))
 WHERE screen_id = (SELECT screen_id FROM bench_door_codes WHERE n = :n) AND position = :p;
COMMIT;
