-- Answers the invited screens of the experts whose email is LIKE :'pattern' (psql variables:
-- bank, pattern), as scripts/bench/screens.sql's simulated candidates answer: each screen is
-- begun half an hour ago with its deadline ten minutes ahead, and every item answered (45 s
-- each), right with a probability between 45% and 95%, else one of three wrong answers with
-- unequal popularity. `assay screen take CODE` then only submits and scores it.
\set ON_ERROR_STOP 1

\ir bench-items.sql

CREATE TEMP TABLE bench_targets AS
SELECT s.id, 0.45 + 0.5 * random() AS skill FROM screens s JOIN experts e ON e.id = s.expert_id
WHERE e.email LIKE :'pattern' AND s.status = 'invited';

UPDATE screens SET status = 'in_progress', started_at = now() - interval '30 minutes', deadline = now() + interval '10 minutes'
WHERE id IN (SELECT id FROM bench_targets);

UPDATE screen_items si SET first_shown_at = now() - interval '30 minutes' + make_interval(secs => 60 * si.position),
       answered_at = now() - interval '30 minutes' + make_interval(secs => 60 * si.position + 45), seconds_taken = 45, answer_text = '(bench)',
       answer = CASE WHEN x.is_right OR x.type = 'essay' THEN x.right_answer
                     ELSE x.wrong_answers[CASE WHEN x.u < 0.60 THEN 1 WHEN x.u < 0.85 THEN 2 ELSE 3 END] END
FROM (SELECT si2.screen_id, si2.position, it.type, it.right_answer, it.wrong_answers, random() < t.skill AS is_right, random() AS u
      FROM screen_items si2 JOIN bench_targets t ON t.id = si2.screen_id JOIN bench_items it ON it.item_id = si2.item_id) x
WHERE si.screen_id = x.screen_id AND si.position = x.position;

DROP TABLE bench_targets;
