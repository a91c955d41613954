-- 021_door_show: one "show a question" for the door's functions (issue 14, item 4).
--
-- Migration 016 wrote the same statement twice: screen_door_question shows the question asked
-- for, screen_door_answer the next one after saving an answer; each stamps the question as
-- shown (first and last) and returns it with its draft. Both now call screen_door_show, so the
-- two cannot drift apart. What they return is unchanged.

-- Shows the question at p_position of screen p_screen_id (first shown once, last shown now) and
-- returns it with its draft under p_outcome and p_seconds_left; no row when there is no
-- question there. The caller has found and locked the screen (screen_door_screen).
CREATE FUNCTION screen_door_show(p_screen_id bigint, p_position integer, p_outcome text, p_seconds_left integer)
RETURNS TABLE (outcome text, seconds_left integer, total integer, item_position integer,
               content jsonb, choice_order integer[], answered boolean, draft text)
LANGUAGE sql AS $$
    WITH shown AS (
        UPDATE screen_items si
           SET first_shown_at = coalesce(si.first_shown_at, now()), last_shown_at = now()
         WHERE si.screen_id = p_screen_id AND si.position = p_position
        RETURNING si.position, si.item_id, si.choice_order, si.answered_at IS NOT NULL AS answered, si.draft_text
    )
    SELECT p_outcome, p_seconds_left,
           (SELECT count(*)::int FROM screen_items c WHERE c.screen_id = p_screen_id),
           shown.position, i.content, shown.choice_order, shown.answered, shown.draft_text
      FROM shown JOIN items i ON i.id = shown.item_id
$$;

CREATE OR REPLACE FUNCTION screen_door_question(p_code text, p_position integer)
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
    RETURN QUERY SELECT * FROM screen_door_show(s.screen_id, p_position, 'shown', s.seconds_left);
    IF NOT FOUND THEN
        outcome := 'no-item'; RETURN NEXT;
    END IF;
END
$$;

-- As in 016: saves an answer (clearing the question's draft) and, while the deadline has not
-- passed, shows the next question (the first unanswered one after it, else the first
-- unanswered one).
CREATE OR REPLACE FUNCTION screen_door_answer(p_code text, p_position integer, p_answer jsonb, p_typed text)
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
    RETURN QUERY SELECT * FROM screen_door_show(s.screen_id, next_position, 'saved', s.seconds_left);
END
$$;
