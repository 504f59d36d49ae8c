// The API's JSON forms of events, write keys, visitors, sessions, carts and traffic figures,
// shared by the handlers and the customer record's privacy export.
#pragma once

#include <boost/json/object.hpp>

#include "events/model.hpp"

namespace ecrm::events {

boost::json::object event_json(const StoredEvent& event);
boost::json::object write_key_json(const WriteKey& key);
boost::json::object visitor_json(const Visitor& visitor);
boost::json::object session_json(const Session& session);
boost::json::object cart_json(const Cart& cart);
boost::json::object outcome_json(const BatchOutcome& outcome);

}  // namespace ecrm::events
