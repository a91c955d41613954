-- 010_intake_recruiter: what a recruiter's spreadsheet says, and people found twice.
--
-- Only email, full name, country and domains are required of an applicant: a file may not say
-- a person's degree, years of experience or languages. Those are then unknown, stored as NULL
-- (degree, years) or an empty list (languages), never as an invented value. Promotion policies
-- that ask for a degree or a number of years are not met by an unknown one.
--
-- phone: an optional phone number, normalized by the import (digits, after a '+' when given
-- internationally), used to find likely duplicate people (assay experts duplicates).
--
-- merged_into: set by assay experts merge on the person merged away (experts are never
-- deleted). Their applications, screens and pool memberships move to the person kept; their
-- email stays reserved, and an import that meets it again adds to the person kept.
ALTER TABLE experts
    ALTER COLUMN highest_degree DROP NOT NULL,
    ALTER COLUMN years_experience DROP NOT NULL,
    ADD COLUMN phone text,
    ADD COLUMN merged_into bigint REFERENCES experts (id),
    DROP CONSTRAINT experts_valid,
    ADD CONSTRAINT experts_valid CHECK (
        email LIKE '%_@_%' AND email NOT LIKE ' %' AND email NOT LIKE '% ' AND lower(email) = email
        AND full_name <> '' AND full_name NOT LIKE ' %' AND full_name NOT LIKE '% '
        AND country ~ '^[A-Z]{2}$'
        AND highest_degree IN ('none', 'bachelor', 'master', 'phd', 'md', 'jd', 'other')
        AND years_experience BETWEEN 0 AND 70
        AND phone ~ '^\+?[0-9]{6,15}$'
        AND merged_into <> id);
-- (A NULL makes its test NULL, which a CHECK accepts: unknown values pass, known ones must be valid.)

CREATE INDEX experts_merged_into_idx ON experts (merged_into) WHERE merged_into IS NOT NULL;
