-- 009_candidate_terminal: what the candidate's terminal needs from the server (issue 13): a
-- stated grace after the deadline for an answer that was being typed, essay drafts saved line by
-- line, where the candidate stopped, and the answer limits.
--
-- The grace is the server's rule, not the client's: an answer (or a draft) is accepted up to the
-- deadline, and up to grace_seconds after it for a question that was shown before the deadline.
-- screen_accepts_answers() is that rule, used by every statement that saves an answer or a draft;
-- a screen is overdue (and closed by the sweeper) only once its grace has passed too.

ALTER TABLE screens
    ADD COLUMN grace_seconds integer NOT NULL DEFAULT 30 CHECK (grace_seconds BETWEEN 0 AND 300);

ALTER TABLE screen_items
    ADD COLUMN last_shown_at  timestamptz,   -- when the question was last put on the screen (resume point)
    ADD COLUMN draft_text     text,          -- an essay being written, saved line by line
    ADD COLUMN draft_saved_at timestamptz,
    ADD CONSTRAINT screen_items_draft_pair CHECK ((draft_text IS NULL) = (draft_saved_at IS NULL)),
    ADD CONSTRAINT screen_items_draft_length CHECK (char_length(draft_text) <= 20000);

-- Answers are bounded (a short answer 1,000 characters, an essay 20,000); rows written before this
-- migration are not re-checked.
ALTER TABLE screen_items
    ADD CONSTRAINT screen_items_answer_text_length CHECK (char_length(answer_text) <= 20000) NOT VALID;

-- Whether a screen whose deadline is `deadline` accepts, now, an answer to a question first shown
-- at `shown_at`: before the deadline always; after it, for grace_seconds, only an answer to a
-- question shown before the deadline. NULL (no deadline: not begun) counts as no.
CREATE FUNCTION screen_accepts_answers(deadline timestamptz, grace_seconds integer, shown_at timestamptz)
RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT now() <= deadline
        OR (shown_at <= deadline AND now() <= deadline + make_interval(secs => grace_seconds))
$$;
