-- 016_door_prompt: the one-round-trip answer of migration 013 brought level with the candidate
-- terminal of migration 009 (issue 14, item 4), so that AnswerRoundTrip stores exactly what
-- CandidateSession stores for the same calls, and `assay screen take` and `assay serve` share it.
--
-- 013 was written before 009 and differed from CandidateSession.answer in four ways, fixed here:
--   - the grace: an answer is accepted by screen_accepts_answers() (up to the deadline, and for
--     grace_seconds after it for a question shown before it), not only before the deadline;
--   - drafts: an answer clears its question's draft; a draft is saved in one statement too
--     (screen_door_draft), and a question comes back with its draft;
--   - the resume point: showing a question stamps last_shown_at, as CandidateSession.question does;
--   - the invitation: a screen whose code cannot be used is declined here (the caller words it).
--
-- Every case these functions decline changes nothing and says why in `outcome`; the caller
-- (AnswerRoundTrip) then takes CandidateSession's path, which closes and scores a screen whose
-- time is over (a draft left then becomes the answer), chooses adaptive items and words every
-- refusal. The answer arrives already checked (AnswerMapping, AnswerLimits) and mapped.
--
-- outcome: 'saved' / 'shown' (done), 'not-found', 'adaptive', 'not-in-progress', 'deadline'
-- (the deadline, or for an answer its grace, has passed: the caller closes and scores),
-- 'no-item' (no question at that position), 'answered' (a draft for an answered question).

DROP FUNCTION screen_door_question(text, integer);
DROP FUNCTION screen_door_answer(text, integer, jsonb, text);

-- The screen of a code, locked, and whether these functions serve it: NULL outcome when they do.
CREATE FUNCTION screen_door_screen(p_code text, OUT screen_id bigint, OUT outcome text, OUT seconds_left integer,
                                   OUT past_deadline boolean, OUT past_grace boolean)
LANGUAGE plpgsql AS $$
DECLARE
    s record;
BEGIN
    SELECT sc.id, sc.status, sc.adaptive,
           greatest(0, ceil(extract(epoch FROM sc.deadline - now())))::int AS seconds_left,
           coalesce(now() > sc.deadline, false) AS past_deadline,
           coalesce(now() > sc.deadline + make_interval(secs => sc.grace_seconds), false) AS past_grace
      INTO s
      FROM screens sc
     WHERE sc.invite_hash = encode(sha256(convert_to(p_code, 'UTF8')), 'hex')
       FOR UPDATE OF sc;
    IF NOT FOUND THEN
        outcome := 'not-found';
    ELSIF s.adaptive THEN
        outcome := 'adaptive';
    ELSIF s.status <> 'in_progress' THEN
        outcome := 'not-in-progress';
    END IF;
    screen_id := s.id;
    seconds_left := s.seconds_left;
    past_deadline := s.past_deadline;
    past_grace := s.past_grace;
END
$$;

-- Shows the question at p_position (first and last shown now) with its draft.
CREATE FUNCTION screen_door_question(p_code text, p_position integer)
RETURNS TABLE (outcome text, seconds_left integer, total integer, item_position integer,
               content jsonb, choice_order integer[], answered boolean, draft text)
LANGUAGE plpgsql AS $$
DECLARE
    s record;
BEGIN
    SELECT * INTO s FROM screen_door_screen(p_code);
    IF s.outcome IS NOT NULL THEN
        outcome := s.outcome; RETURN NEXT; RETURN;
    ELSIF s.past_deadline THEN
        -- CandidateSession.question closes and scores the screen now.
        outcome := 'deadline'; RETURN NEXT; RETURN;
    END IF;
    RETURN QUERY
        WITH shown AS (
            UPDATE screen_items si
               SET first_shown_at = coalesce(si.first_shown_at, now()), last_shown_at = now()
             WHERE si.screen_id = s.screen_id AND si.position = p_position
            RETURNING si.position, si.item_id, si.choice_order, si.answered_at IS NOT NULL AS answered, si.draft_text
        )
        SELECT 'shown'::text, s.seconds_left,
               (SELECT count(*)::int FROM screen_items c WHERE c.screen_id = s.screen_id),
               shown.position, i.content, shown.choice_order, shown.answered, shown.draft_text
          FROM shown JOIN items i ON i.id = shown.item_id;
    IF NOT FOUND THEN
        outcome := 'no-item'; RETURN NEXT;
    END IF;
END
$$;

-- Saves an answer (clearing the question's draft) and, while the deadline has not passed,
-- shows the next question: the first unanswered one after it, else the first unanswered one,
-- as the prompt moves on. After the deadline (an answer within the grace) no next question is
-- shown: the prompt's next call closes the screen, as with CandidateSession.
CREATE FUNCTION screen_door_answer(p_code text, p_position integer, p_answer jsonb, p_typed text)
RETURNS TABLE (outcome text, seconds_left integer, total integer, item_position integer,
               content jsonb, choice_order integer[], answered boolean, draft text)
LANGUAGE plpgsql AS $$
DECLARE
    s record;
    next_position integer;
BEGIN
    SELECT * INTO s FROM screen_door_screen(p_code);
    IF s.outcome IS NOT NULL THEN
        outcome := s.outcome; RETURN NEXT; RETURN;
    ELSIF s.past_grace THEN
        outcome := 'deadline'; RETURN NEXT; RETURN;
    END IF;
    PERFORM 1 FROM screen_items si WHERE si.screen_id = s.screen_id AND si.position = p_position;
    IF NOT FOUND THEN
        outcome := 'no-item'; RETURN NEXT; RETURN;
    END IF;
    UPDATE screen_items si
       SET answer = p_answer, answer_text = p_typed, answered_at = now(),
           seconds_taken = extract(epoch FROM now() - coalesce(si.first_shown_at, now())),
           draft_text = NULL, draft_saved_at = NULL
      FROM screens sc
     WHERE sc.id = si.screen_id AND si.screen_id = s.screen_id AND si.position = p_position
       AND screen_accepts_answers(sc.deadline, sc.grace_seconds, si.first_shown_at);
    IF NOT FOUND THEN
        -- After the deadline, for a question not shown before it: not saved.
        outcome := 'deadline'; RETURN NEXT; RETURN;
    END IF;
    IF NOT s.past_deadline THEN
        SELECT si.position INTO next_position
          FROM screen_items si
         WHERE si.screen_id = s.screen_id AND si.answered_at IS NULL
         ORDER BY si.position <= p_position, si.position
         LIMIT 1;
    END IF;
    IF next_position IS NULL THEN
        outcome := 'saved'; seconds_left := s.seconds_left;
        total := (SELECT count(*)::int FROM screen_items c WHERE c.screen_id = s.screen_id);
        RETURN NEXT; RETURN;
    END IF;
    RETURN QUERY
        WITH shown AS (
            UPDATE screen_items si
               SET first_shown_at = coalesce(si.first_shown_at, now()), last_shown_at = now()
             WHERE si.screen_id = s.screen_id AND si.position = next_position
            RETURNING si.position, si.item_id, si.choice_order, si.answered_at IS NOT NULL AS answered, si.draft_text
        )
        SELECT 'saved'::text, s.seconds_left,
               (SELECT count(*)::int FROM screen_items c WHERE c.screen_id = s.screen_id),
               shown.position, i.content, shown.choice_order, shown.answered, shown.draft_text
          FROM shown JOIN items i ON i.id = shown.item_id;
END
$$;

-- Saves the essay being written at p_position as its draft (NULL or '' removes it), under the
-- same time rule as an answer. The caller has checked that the item is an essay and the text
-- fits its limits.
CREATE FUNCTION screen_door_draft(p_code text, p_position integer, p_text text)
RETURNS TABLE (outcome text, seconds_left integer)
LANGUAGE plpgsql AS $$
DECLARE
    s record;
    is_answered boolean;
BEGIN
    SELECT * INTO s FROM screen_door_screen(p_code);
    IF s.outcome IS NOT NULL THEN
        outcome := s.outcome; RETURN NEXT; RETURN;
    ELSIF s.past_grace THEN
        outcome := 'deadline'; RETURN NEXT; RETURN;
    END IF;
    SELECT si.answered_at IS NOT NULL INTO is_answered
      FROM screen_items si WHERE si.screen_id = s.screen_id AND si.position = p_position;
    IF NOT FOUND THEN
        outcome := 'no-item'; RETURN NEXT; RETURN;
    ELSIF is_answered THEN
        outcome := 'answered'; RETURN NEXT; RETURN;
    END IF;
    UPDATE screen_items si
       SET draft_text = nullif(p_text, ''),
           draft_saved_at = CASE WHEN nullif(p_text, '') IS NULL THEN NULL ELSE now() END
      FROM screens sc
     WHERE sc.id = si.screen_id AND si.screen_id = s.screen_id AND si.position = p_position
       AND screen_accepts_answers(sc.deadline, sc.grace_seconds, si.first_shown_at);
    IF NOT FOUND THEN
        outcome := 'deadline'; RETURN NEXT; RETURN;
    END IF;
    outcome := 'saved'; seconds_left := s.seconds_left; RETURN NEXT;
END
$$;
