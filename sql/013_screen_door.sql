-- 013_screen_door: a candidate's answer as one round trip and one commit (issue 14, item 4).
--
-- screen_door_answer checks the code and the deadline, saves the answer and returns the next
-- question, in one statement: called outside an explicit transaction it is one round trip and
-- one commit. screen_door_question shows one question the same way. Both cover the common case
-- of a fixed (not adaptive) screen that is in progress and within its deadline; for anything
-- else they change nothing and say why in `outcome`, and the caller (AnswerRoundTrip in
-- AssayCore) takes the slower path of CandidateSession, which closes overdue screens, chooses
-- adaptive items and words every refusal. The answer arrives already checked and mapped to the
-- item's original indices by the caller (AnswerMapping), exactly as CandidateSession stores it.
--
-- outcome: 'saved' / 'shown' (done), 'not-found' (no screen has this code), 'adaptive',
-- 'not-in-progress' (invited, submitted, expired or voided), 'deadline' (past it: the caller
-- closes and scores the screen), 'no-item' (no question at that position).
--
-- The next question after an answer is the first unanswered one after it, else the first
-- unanswered one, as the candidate's prompt moves on; it is marked shown (first_shown_at) as
-- CandidateSession.question marks it when the prompt asks for it an instant later.

CREATE FUNCTION screen_door_question(p_code text, p_position integer)
RETURNS TABLE (outcome text, seconds_left integer, total integer, item_position integer,
               content jsonb, choice_order integer[], answered boolean)
LANGUAGE plpgsql AS $$
DECLARE
    s record;
BEGIN
    SELECT sc.id, sc.status, sc.adaptive,
           greatest(0, ceil(extract(epoch FROM sc.deadline - now())))::int AS seconds_left,
           coalesce(now() > sc.deadline, false) AS past_deadline
      INTO s
      FROM screens sc
     WHERE sc.invite_hash = encode(sha256(convert_to(p_code, 'UTF8')), 'hex')
       FOR UPDATE OF sc;
    IF NOT FOUND THEN
        outcome := 'not-found'; RETURN NEXT; RETURN;
    ELSIF s.adaptive THEN
        outcome := 'adaptive'; RETURN NEXT; RETURN;
    ELSIF s.status <> 'in_progress' THEN
        outcome := 'not-in-progress'; RETURN NEXT; RETURN;
    ELSIF s.past_deadline THEN
        outcome := 'deadline'; RETURN NEXT; RETURN;
    END IF;
    RETURN QUERY
        WITH shown AS (
            UPDATE screen_items si SET first_shown_at = coalesce(si.first_shown_at, now())
             WHERE si.screen_id = s.id AND si.position = p_position
            RETURNING si.position, si.item_id, si.choice_order, si.answered_at IS NOT NULL AS answered
        )
        SELECT 'shown'::text, s.seconds_left,
               (SELECT count(*)::int FROM screen_items c WHERE c.screen_id = s.id),
               shown.position, i.content, shown.choice_order, shown.answered
          FROM shown JOIN items i ON i.id = shown.item_id;
    IF NOT FOUND THEN
        outcome := 'no-item'; RETURN NEXT;
    END IF;
END
$$;

CREATE FUNCTION screen_door_answer(p_code text, p_position integer, p_answer jsonb, p_typed text)
RETURNS TABLE (outcome text, seconds_left integer, total integer, item_position integer,
               content jsonb, choice_order integer[], answered boolean)
LANGUAGE plpgsql AS $$
DECLARE
    s record;
    next_position integer;
BEGIN
    SELECT sc.id, sc.status, sc.adaptive,
           greatest(0, ceil(extract(epoch FROM sc.deadline - now())))::int AS seconds_left,
           coalesce(now() > sc.deadline, false) AS past_deadline
      INTO s
      FROM screens sc
     WHERE sc.invite_hash = encode(sha256(convert_to(p_code, 'UTF8')), 'hex')
       FOR UPDATE OF sc;
    IF NOT FOUND THEN
        outcome := 'not-found'; RETURN NEXT; RETURN;
    ELSIF s.adaptive THEN
        outcome := 'adaptive'; RETURN NEXT; RETURN;
    ELSIF s.status <> 'in_progress' THEN
        outcome := 'not-in-progress'; RETURN NEXT; RETURN;
    ELSIF s.past_deadline THEN
        outcome := 'deadline'; RETURN NEXT; RETURN;
    END IF;
    UPDATE screen_items si
       SET answer = p_answer, answer_text = p_typed, answered_at = now(),
           seconds_taken = extract(epoch FROM now() - coalesce(si.first_shown_at, now()))
     WHERE si.screen_id = s.id AND si.position = p_position;
    IF NOT FOUND THEN
        outcome := 'no-item'; RETURN NEXT; RETURN;
    END IF;
    SELECT si.position INTO next_position
      FROM screen_items si
     WHERE si.screen_id = s.id AND si.answered_at IS NULL
     ORDER BY si.position <= p_position, si.position
     LIMIT 1;
    IF next_position IS NULL THEN
        outcome := 'saved'; seconds_left := s.seconds_left;
        total := (SELECT count(*)::int FROM screen_items c WHERE c.screen_id = s.id);
        RETURN NEXT; RETURN;
    END IF;
    RETURN QUERY
        WITH shown AS (
            UPDATE screen_items si SET first_shown_at = coalesce(si.first_shown_at, now())
             WHERE si.screen_id = s.id AND si.position = next_position
            RETURNING si.position, si.item_id, si.choice_order, si.answered_at IS NOT NULL AS answered
        )
        SELECT 'saved'::text, s.seconds_left,
               (SELECT count(*)::int FROM screen_items c WHERE c.screen_id = s.id),
               shown.position, i.content, shown.choice_order, shown.answered
          FROM shown JOIN items i ON i.id = shown.item_id;
END
$$;
