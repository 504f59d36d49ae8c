// Templates: checking what staff wrote, and rendering it for a customer.
//
// Templates are mustache (kainjow's implementation, header-only from Debian). Values are
// HTML-escaped in the HTML part, and inserted as they are in the subject and the text part.
// A template may use only the fields messaging supplies (kFields below): a typo such as
// {{custmer.name}} would otherwise render as nothing in every message sent, so check() refuses it.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "messaging/model.hpp"

namespace ecrm::messaging {

// Checks one part of a template (`field`: "subject", "html" or "text"): it parses, and every tag
// names a field the render data can have. kInvalidArgument naming `field`, with the tag's
// line and what is wrong.
Status check(std::string_view field, const std::string& source);

// Checks the three parts of `input`.
Status check(const TemplateInput& input);

// Renders `tmpl` with `data` (an object: customer, shop, unsubscribe_url, recommendations,
// product, order, cart, version; see render.cpp). The customer's fields: name, first_name,
// email, city, company, language, and referral_code and referral_url (the recipient's own
// referral code and link, ?ref=CODE on the shop's public address, filled in by the referrals
// capability when the template names them). The template must have passed check().
Result<Rendered> render(const TemplateInput& tmpl, const boost::json::value& data);

}  // namespace ecrm::messaging
