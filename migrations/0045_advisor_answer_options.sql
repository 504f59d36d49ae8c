-- The options each advisor submission chose, one row each, so that a customer-list filter (and
-- a campaign's audience) can select customers by their advisor answers with an index. Written
-- with the submission; existing submissions are copied from their JSON answers.
CREATE TABLE advisor_answer_options (
  submission_id BIGINT NOT NULL REFERENCES advisor_submissions (id),
  question TEXT NOT NULL,
  option_key TEXT NOT NULL,
  PRIMARY KEY (submission_id, question, option_key)
);

-- backend: sqlite
INSERT INTO advisor_answer_options (submission_id, question, option_key)
SELECT DISTINCT s.id, json_extract(a.value, '$.question'), o.value
FROM advisor_submissions s, json_each(s.answers, '$.answers') a, json_each(a.value, '$.options') o
WHERE json_valid(s.answers);

-- backend: postgresql
INSERT INTO advisor_answer_options (submission_id, question, option_key)
SELECT DISTINCT s.id, a ->> 'question', o
FROM advisor_submissions s,
     jsonb_array_elements(s.answers::jsonb -> 'answers') a,
     jsonb_array_elements_text(a -> 'options') o;
