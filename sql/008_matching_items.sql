-- Matching items (issue 18): the item types a bank may hold gain 'matching'. Credits, further
-- numeric answers and graded short answers live in the item's content and need no change here.
ALTER TABLE items DROP CONSTRAINT items_type_check;
ALTER TABLE items ADD CONSTRAINT items_type_check CHECK (type IN ('single_choice', 'multiple_response', 'true_false',
                                                                 'numeric', 'short_text', 'ordering', 'essay', 'matching'));
