-- The bank's items for the generated screens of scripts/bench-submit.sh (psql variable: bank):
-- each item with its right answer and three wrong ones, in the shape scoring reads
-- (StoredAnswer), and the strides that draw 20 distinct items. Included by screens.sql and
-- answer-screens.sql.
CREATE TEMP TABLE IF NOT EXISTS bench_items AS
SELECT (row_number() OVER (ORDER BY bi.position) - 1)::int AS k, i.id AS item_id, i.type, i.points,
       CASE i.type
           WHEN 'single_choice' THEN jsonb_build_object('choice', jsonb_build_object('_0', sc.right_index))
           WHEN 'multiple_response' THEN jsonb_build_object('choices', jsonb_build_object('_0', mr.right_indices))
           WHEN 'true_false' THEN jsonb_build_object('boolean', jsonb_build_object('_0', (i.content #> '{body,trueFalse,answer}')))
           WHEN 'numeric' THEN jsonb_build_object('number', jsonb_build_object('_0', coalesce((i.content #>> '{body,numeric,_0,answer}')::float8, 0)))
           WHEN 'short_text' THEN jsonb_build_object('text', jsonb_build_object('_0', i.content #>> '{body,shortText,accept,0}'))
           WHEN 'ordering' THEN jsonb_build_object('order', jsonb_build_object('_0', st.identity))
           ELSE jsonb_build_object('text', jsonb_build_object('_0', 'An answer written for the benchmark.'))
       END AS right_answer,
       ARRAY(SELECT CASE i.type
           WHEN 'single_choice' THEN jsonb_build_object('choice', jsonb_build_object('_0', (sc.right_index + 1 + j) % sc.n))
           WHEN 'multiple_response' THEN jsonb_build_object('choices', jsonb_build_object('_0', jsonb_build_array(j)))
           WHEN 'true_false' THEN jsonb_build_object('boolean', jsonb_build_object('_0', NOT (i.content #>> '{body,trueFalse,answer}')::boolean))
           WHEN 'numeric' THEN jsonb_build_object('number', jsonb_build_object('_0', coalesce((i.content #>> '{body,numeric,_0,answer}')::float8, 0) * (2 + j) + 1))
           WHEN 'short_text' THEN jsonb_build_object('text', jsonb_build_object('_0', (ARRAY['not sure', 'no idea', 'unknown'])[j + 1]))
           WHEN 'ordering' THEN jsonb_build_object('order', jsonb_build_object('_0', CASE j WHEN 0 THEN st.reversed WHEN 1 THEN st.swapped ELSE st.rotated END))
           ELSE jsonb_build_object('text', jsonb_build_object('_0', 'An answer written for the benchmark.'))
       END FROM generate_series(0, 2) j) AS wrong_answers
FROM banks b
JOIN bank_items bi ON bi.bank_id = b.id
JOIN items i ON i.id = bi.item_id
LEFT JOIN LATERAL (
    SELECT jsonb_array_length(i.content #> '{body,singleChoice,options}') AS n,
           (SELECT (min(o.ordinality) - 1)::int FROM jsonb_array_elements(i.content #> '{body,singleChoice,options}') WITH ORDINALITY o
            WHERE (o.value ->> 'correct')::boolean) AS right_index
    WHERE i.type = 'single_choice') sc ON true
LEFT JOIN LATERAL (
    SELECT coalesce(jsonb_agg(o.ordinality - 1 ORDER BY o.ordinality) FILTER (WHERE (o.value ->> 'correct')::boolean), '[]') AS right_indices
    FROM jsonb_array_elements(i.content #> '{body,multipleResponse,options}') WITH ORDINALITY o
    WHERE i.type = 'multiple_response') mr ON true
LEFT JOIN LATERAL (
    SELECT (SELECT jsonb_agg(g) FROM generate_series(0, n - 1) g) AS identity,
           (SELECT jsonb_agg(g ORDER BY g DESC) FROM generate_series(0, n - 1) g) AS reversed,
           (SELECT jsonb_agg(CASE g WHEN 0 THEN 1 WHEN 1 THEN 0 ELSE g END ORDER BY g) FROM generate_series(0, n - 1) g) AS swapped,
           (SELECT jsonb_agg((g + 1) % n ORDER BY g) FROM generate_series(0, n - 1) g) AS rotated
    FROM (SELECT jsonb_array_length(i.content #> '{body,ordering,steps}') AS n) c
    WHERE i.type = 'ordering') st ON true
WHERE b.slug = :'bank' AND b.is_current;

-- Strides prime to the bank's size: start + position × stride (mod size) visits distinct items.
CREATE TEMP TABLE IF NOT EXISTS bench_strides AS
SELECT array_agg(s) AS strides, (SELECT count(*)::int FROM bench_items) AS size
FROM generate_series(1, (SELECT count(*)::int - 1 FROM bench_items)) s WHERE gcd(s, (SELECT count(*)::int FROM bench_items)) = 1;

