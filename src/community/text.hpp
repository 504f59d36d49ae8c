// The community's text rules, pure functions over UTF-8: how a post's body is made plain text,
// how long it is, whether it carries a web link, whom it @mentions, and what a display name
// may be.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ecrm::community {

// `text` as plain text that no HTML consumer takes for markup: line ends as "\n", control
// characters other than tab and newline removed, invalid UTF-8 replaced with U+FFFD, <script>,
// <style> and <iframe> elements removed with their content, every other tag (`<` followed by a
// letter, '/', '!' or '?' up to the next '>') removed, and a '<' that would still open a tag
// written as U+2039 ('‹'). Markdown-ish text ("a < b", "**bold**", "&", "->") is kept as it is.
std::string plain_text(std::string_view text);

// `plain_text` on one line (a title): line ends and tabs become spaces, trimmed.
std::string plain_line(std::string_view text);

// Code points in valid UTF-8 text.
std::size_t char_count(std::string_view text);

// Whether the text carries a web link (http://, https://, www.) — what new accounts may not
// post without a moderator.
bool has_web_link(std::string_view text);

// The display names a text @mentions, folded (name_key), each once, at most `limit`.
std::vector<std::string> mentions(std::string_view text, std::size_t limit = 10);

// A display name folded for comparison: ASCII letters lower-cased.
std::string name_key(std::string_view display_name);

// Whether a display name is 2 to 30 characters of letters (any script), digits, '_', '-', '.'.
bool valid_display_name(std::string_view name);

}  // namespace ecrm::community
