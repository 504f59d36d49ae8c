-- Words the segmenter learned from the shop's own texts (src/search/segment.hpp, learn_words):
-- CJK n-grams that ICU splits but that occur often, hold together (pointwise mutual information
-- at every split point) and stand free (varied neighbours on both sides). The server adds them
-- to the shipped seed list of domain words when it starts; `ecrm search learn-words` replaces
-- them. Documents indexed before a change keep their segmentation: the full-text search's
-- character bigrams (src/search/fulltext.hpp) still find a word inside them.
CREATE TABLE search_words (
  word TEXT PRIMARY KEY,
  occurrences BIGINT NOT NULL,
  cohesion DOUBLE PRECISION NOT NULL,
  entropy DOUBLE PRECISION NOT NULL,
  learned_at BIGINT NOT NULL
);
