-- Generated screens for scripts/bench-submit.sh, set-based in SQL (psql variables: bank, from, to).
--
-- Screens :from..:to (numbered in their experts' emails) are scored screens on the current
-- version of :bank, taken by simulated candidates: each draws 20 of the bank's items (a random
-- start and a stride prime to the bank's size, so the 20 are distinct), knows each with a
-- probability between 45% and 95%, and when wrong picks one of three wrong answers with unequal
-- popularity (60%, 25%, 15%), as distractors attract candidates in real banks. Answers are
-- stored in the shape scoring reads (StoredAnswer); answer-screens.sql answers invited screens
-- the same way, for assay to submit and score.
\set ON_ERROR_STOP 1

\ir bench-items.sql

INSERT INTO experts (email, full_name, country, languages, highest_degree, years_experience)
SELECT 'bench-' || g || '@screens.invalid', 'Bench Candidate ' || g, 'FR', '{en}', 'md', 10
FROM generate_series(:from, :to) g;

INSERT INTO screens (expert_id, bank_id, bank_slug, invite_hash, status, seed, time_limit_minutes, invited_by, invite_expires_at,
                     started_at, deadline, submitted_at, submitted_by, scored_at, points_awarded, points_possible, score_percent, passed)
SELECT e.id, b.id, b.slug, encode(sha256(convert_to('bench-screen-' || e.id, 'UTF8')), 'hex'), 'scored', e.id, 40, 'bench',
       now() - interval '2 hours', now() - interval '2 hours', now() - interval '80 minutes', now() - interval '90 minutes', 'candidate',
       now() - interval '90 minutes', 0, 20, 0, false
FROM experts e, banks b
WHERE b.slug = :'bank' AND b.is_current
  AND e.email IN (SELECT 'bench-' || g || '@screens.invalid' FROM generate_series(:from, :to) g);

INSERT INTO screen_items (screen_id, position, item_id, max_points, first_shown_at, answer, answer_text, answered_at, seconds_taken, points, correct)
SELECT x.screen_id, x.pos + 1, x.item_id, x.points, x.started + make_interval(secs => 60 * x.pos),
       CASE WHEN x.is_right OR x.type = 'essay' THEN x.right_answer
            ELSE x.wrong_answers[CASE WHEN x.u < 0.60 THEN 1 WHEN x.u < 0.85 THEN 2 ELSE 3 END] END, '(bench)',
       x.started + make_interval(secs => 60 * x.pos + 45), 45,
       CASE WHEN x.type = 'essay' THEN NULL WHEN x.is_right THEN x.points ELSE 0 END,
       CASE WHEN x.type = 'essay' THEN NULL ELSE x.is_right END
FROM (
    SELECT s.id AS screen_id, s.started, pos, it.item_id, it.type, it.points, it.right_answer, it.wrong_answers,
           random() < s.skill AS is_right, random() AS u
    FROM (SELECT sc.id, sc.started_at AS started, 0.45 + 0.5 * random() AS skill,
                 floor(random() * bs.size)::int AS start, bs.strides[1 + floor(random() * cardinality(bs.strides))::int] AS stride, bs.size
          FROM screens sc JOIN experts e ON e.id = sc.expert_id CROSS JOIN bench_strides bs
          WHERE e.email IN (SELECT 'bench-' || g || '@screens.invalid' FROM generate_series(:from, :to) g)) s
    CROSS JOIN generate_series(0, 19) pos
    JOIN bench_items it ON it.k = (s.start + pos * s.stride) % s.size
) x;

UPDATE screens s SET points_awarded = t.awarded, score_percent = 100 * t.awarded / 20, passed = t.awarded >= 14
FROM (SELECT screen_id, coalesce(sum(points), 0) AS awarded FROM screen_items
      WHERE screen_id IN (SELECT sc.id FROM screens sc JOIN experts e ON e.id = sc.expert_id
                          WHERE e.email IN (SELECT 'bench-' || g || '@screens.invalid' FROM generate_series(:from, :to) g))
      GROUP BY screen_id) t
WHERE s.id = t.screen_id;
