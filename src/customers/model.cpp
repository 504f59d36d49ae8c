#include "customers/model.hpp"

#include <limits>
#include <tuple>

namespace ecrm::customers {

std::string_view to_string(CustomerType type) {
  switch (type) {
    case CustomerType::kHome:
      return "home";
    case CustomerType::kBusiness:
      return "business";
    case CustomerType::kEducation:
      return "education";
    case CustomerType::kGovernment:
      return "government";
    case CustomerType::kOther:
      return "other";
  }
  return "home";
}

std::optional<CustomerType> parse_customer_type(std::string_view text) {
  for (auto type : {CustomerType::kHome, CustomerType::kBusiness, CustomerType::kEducation,
                    CustomerType::kGovernment, CustomerType::kOther}) {
    if (to_string(type) == text) return type;
  }
  return std::nullopt;
}

std::string_view to_string(Gender gender) {
  switch (gender) {
    case Gender::kFemale:
      return "female";
    case Gender::kMale:
      return "male";
    case Gender::kOther:
      return "other";
  }
  return "other";
}

std::optional<Gender> parse_gender(std::string_view text) {
  for (auto gender : {Gender::kFemale, Gender::kMale, Gender::kOther}) {
    if (to_string(gender) == text) return gender;
  }
  return std::nullopt;
}

std::string_view to_string(ConsentChannel channel) {
  switch (channel) {
    case ConsentChannel::kEmail:
      return "email";
    case ConsentChannel::kSms:
      return "sms";
    case ConsentChannel::kPhone:
      return "phone";
  }
  return "email";
}

std::int64_t TimelinePosition::id_bound_for(std::string_view of_source) const {
  if (of_source < source) return std::numeric_limits<std::int64_t>::max();
  if (of_source == source) return id;
  return 0;
}

bool timeline_before(const TimelinePosition& a, const TimelinePosition& b) {
  return std::tie(a.at, a.source, a.id) > std::tie(b.at, b.source, b.id);
}

}  // namespace ecrm::customers
