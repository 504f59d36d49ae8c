// The API's JSON forms of customers and merges, shared by the handlers and the privacy export.
#pragma once

#include <boost/json/object.hpp>

#include "customers/model.hpp"

namespace ecrm::customers {

// Every field of the record (derived keys excluded); consent as
// {"email":{"granted":…,"at":…,"how":…},"sms":…,"phone":…}.
boost::json::object customer_json(const Customer& customer);

// A merge; with its snapshot (parsed) when `with_snapshot`.
boost::json::object merge_json(const Merge& merge, bool with_snapshot);

}  // namespace ecrm::customers
