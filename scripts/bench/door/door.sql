-- An answer through migration 013's function: the code and deadline checked, the answer saved,
-- the next question returned; one statement, one round trip, one commit (AnswerRoundTrip).
\set n random(:first, :last)
\set p random(1, 20)
SELECT outcome, item_position FROM screen_door_answer((SELECT code FROM bench_door_codes WHERE n = :n), :p,
       '{"text":{"_0":"bench"}}', 'bench');
