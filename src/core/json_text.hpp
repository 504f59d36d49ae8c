#pragma once

// JSON text for people and clients to read: the same as boost::json::serialize except numbers
// with a fraction, which are written in plain decimal notation with the fewest digits that read
// back to the same double ("0.0714", "12.5", "3.0") instead of Boost's "7.14E-2". A whole double
// keeps its ".0" so that it parses back as a double.

#include <boost/json/fwd.hpp>
#include <string>

namespace ecrm {

std::string json_text(const boost::json::value& value);

// Appends the text of `value` to `out`.
void append_json_text(std::string& out, const boost::json::value& value);

// One double as json_text writes it: NaN and infinities (which JSON cannot hold) are "null".
void append_json_number(std::string& out, double value);

}  // namespace ecrm
