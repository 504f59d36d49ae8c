#include "automation/flow.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "analytics/rfm.hpp"
#include "core/describe.hpp"
#include "customers/model.hpp"

namespace ecrm::automation {

namespace {

template <typename E>
std::set<std::string> names_of() {
  auto names = wire::enum_names<E>();
  return {names.begin(), names.end()};
}

const std::set<std::string> kTiers = names_of<analytics::Tier>();
const std::set<std::string> kSegments = names_of<analytics::Segment>();
const std::set<std::string> kTypes = names_of<customers::CustomerType>();

bool numeric(ConditionField f) {
  switch (f) {
    case ConditionField::kClv:
    case ConditionField::kPAlive:
    case ConditionField::kDaysSinceContact:
    case ConditionField::kDaysSinceOrder:
    case ConditionField::kTotalSpend: return true;
    default: return false;
  }
}

bool set_valued(ConditionField f) {
  return f == ConditionField::kTags || f == ConditionField::kBoughtProduct ||
         f == ConditionField::kBoughtCategory;
}

Status check_conditions(const std::vector<Condition>& conditions, const std::string& path) {
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    const Condition& c = conditions[i];
    const std::string at = path + "[" + std::to_string(i) + "]";
    const std::string field(wire::enum_name(c.field));
    if (numeric(c.field)) {
      if (c.op != ConditionOp::kBetween) {
        return Error::invalid(at + ".op must be between for " + field, at + ".op");
      }
      if (!c.min && !c.max) {
        return Error::invalid(at + " needs min or max", at + ".min");
      }
      if (c.min && c.max && *c.min > *c.max) {
        return Error::invalid(at + ".min is above max", at + ".min");
      }
    } else if (c.field == ConditionField::kEmailConsent) {
      if (c.op != ConditionOp::kIsTrue && c.op != ConditionOp::kIsFalse) {
        return Error::invalid(at + ".op must be is_true or is_false for email_consent", at + ".op");
      }
    } else if (set_valued(c.field)) {
      if (c.op != ConditionOp::kHasAny && c.op != ConditionOp::kHasNone) {
        return Error::invalid(at + ".op must be has_any or has_none for " + field, at + ".op");
      }
      if (c.values.empty()) return Error::invalid(at + ".values must not be empty", at + ".values");
    } else {
      if (c.op != ConditionOp::kIn && c.op != ConditionOp::kNotIn) {
        return Error::invalid(at + ".op must be in or not_in for " + field, at + ".op");
      }
      if (c.values.empty()) return Error::invalid(at + ".values must not be empty", at + ".values");
      const std::set<std::string>* allowed = nullptr;
      if (c.field == ConditionField::kTier) allowed = &kTiers;
      if (c.field == ConditionField::kSegment) allowed = &kSegments;
      if (c.field == ConditionField::kCustomerType) allowed = &kTypes;
      if (allowed) {
        for (std::size_t v = 0; v < c.values.size(); ++v) {
          if (!allowed->count(c.values[v])) {
            return Error::invalid(at + ".values[" + std::to_string(v) + "]: '" + c.values[v] +
                                      "' is no " + field,
                                  at + ".values[" + std::to_string(v) + "]");
          }
        }
      }
    }
  }
  return {};
}

Status check_trigger(const Trigger& t, const std::string& path) {
  const bool dated = t.kind == TriggerKind::kBirthday || t.kind == TriggerKind::kAnniversary;
  if (t.care && !dated) {
    return Error::invalid(path + ".care applies to birthday and anniversary triggers only",
                          path + ".care");
  }
  if (t.kind == TriggerKind::kInactivity && !t.days) {
    return Error::invalid(path + ".days is needed for an inactivity trigger", path + ".days");
  }
  if (t.kind == TriggerKind::kPAliveBelow) {
    if (!t.threshold) {
      return Error::invalid(path + ".threshold is needed for a p_alive_below trigger",
                            path + ".threshold");
    }
    if (*t.threshold <= 0 || *t.threshold >= 1) {
      return Error::invalid(path + ".threshold must be between 0 and 1", path + ".threshold");
    }
  }
  if (t.tier && !kTiers.count(*t.tier)) {
    return Error::invalid(path + ".tier must be very_loyal, loyal or occasional", path + ".tier");
  }
  if (t.segment && !kSegments.count(*t.segment)) {
    return Error::invalid(path + ".segment: '" + *t.segment + "' is no RFM segment",
                          path + ".segment");
  }
  if ((t.kind == TriggerKind::kSegmentEntered || t.kind == TriggerKind::kSegmentLeft) &&
      !t.segment) {
    return Error::invalid(path + ".segment is needed for a segment trigger", path + ".segment");
  }
  return {};
}

bool valid_time_of_day(const std::string& s) {
  if (s.size() != 5 || s[2] != ':') return false;
  for (std::size_t i : {0u, 1u, 3u, 4u}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return std::stoi(s.substr(0, 2)) < 24 && std::stoi(s.substr(3, 2)) < 60;
}

bool valid_url(const std::string& url) {
  return url.rfind("https://", 0) == 0 || url.rfind("http://127.0.0.1", 0) == 0 ||
         url.rfind("http://localhost", 0) == 0;
}

}  // namespace

std::optional<std::size_t> step_index(const FlowDefinition& d, std::string_view id) {
  for (std::size_t i = 0; i < d.steps.size(); ++i) {
    if (d.steps[i].id == id) return i;
  }
  return std::nullopt;
}

std::optional<std::string> next_step(const FlowDefinition& d, std::size_t index,
                                     const std::optional<std::string>& next) {
  if (next) {
    if (*next == kEnd) return std::nullopt;
    return *next;
  }
  if (index + 1 < d.steps.size()) return d.steps[index + 1].id;
  return std::nullopt;
}

std::optional<std::string> first_step(const FlowDefinition& d) {
  if (d.steps.empty()) return std::nullopt;
  return d.steps.front().id;
}

Status validate(const FlowDefinition& d, const std::string& path,
                const std::function<bool(const std::string&)>& template_exists) {
  ECRM_RETURN_IF_ERROR(check_trigger(d.trigger, path + ".trigger"));
  ECRM_RETURN_IF_ERROR(check_conditions(d.conditions, path + ".conditions"));
  if (d.steps.empty()) return Error::invalid(path + ".steps must not be empty", path + ".steps");
  std::map<std::string, std::size_t> ids;
  for (std::size_t i = 0; i < d.steps.size(); ++i) {
    const std::string at = path + ".steps[" + std::to_string(i) + "]";
    const Step& s = d.steps[i];
    if (s.id.empty() || s.id == kEnd) {
      return Error::invalid(at + ".id must be a name other than 'end'", at + ".id");
    }
    if (!ids.emplace(s.id, i).second) {
      return Error::invalid(at + ".id '" + s.id + "' is used twice", at + ".id");
    }
  }
  // Each step's edges, checked to name known steps.
  std::vector<std::vector<std::size_t>> edges(d.steps.size());
  auto edge = [&](std::size_t from, const std::optional<std::string>& next,
                  const std::string& field) -> Status {
    if (next && *next != kEnd && !ids.count(*next)) {
      return Error::invalid(field + " names no step: '" + *next + "'", field);
    }
    if (auto to = next_step(d, from, next)) edges[from].push_back(ids.at(*to));
    return {};
  };
  for (std::size_t i = 0; i < d.steps.size(); ++i) {
    const std::string at = path + ".steps[" + std::to_string(i) + "]";
    const Step& s = d.steps[i];
    switch (s.type) {
      case StepType::kSend:
        if (!s.template_key || s.template_key->empty()) {
          return Error::invalid(at + ".template_key is needed for a send step", at + ".template_key");
        }
        if (!template_exists(*s.template_key)) {
          return Error::invalid(at + ".template_key: no template '" + *s.template_key + "'",
                                at + ".template_key");
        }
        ECRM_RETURN_IF_ERROR(edge(i, s.next, at + ".next"));
        break;
      case StepType::kWait:
        if (!s.minutes && !s.until) {
          return Error::invalid(at + " needs minutes or until", at + ".minutes");
        }
        if (s.minutes && (*s.minutes < 0 || *s.minutes > 525600)) {
          return Error::invalid(at + ".minutes must be between 0 and 525600 (a year)", at + ".minutes");
        }
        if (s.until && !valid_time_of_day(*s.until)) {
          return Error::invalid(at + ".until must be a time of day as HH:MM", at + ".until");
        }
        ECRM_RETURN_IF_ERROR(edge(i, s.next, at + ".next"));
        break;
      case StepType::kBranch:
        if (s.conditions.empty()) {
          return Error::invalid(at + ".conditions must not be empty for a branch", at + ".conditions");
        }
        ECRM_RETURN_IF_ERROR(check_conditions(s.conditions, at + ".conditions"));
        if (!s.then && !s.otherwise) {
          return Error::invalid(at + " needs then or otherwise", at + ".then");
        }
        ECRM_RETURN_IF_ERROR(edge(i, s.then ? s.then : s.next, at + ".then"));
        ECRM_RETURN_IF_ERROR(edge(i, s.otherwise ? s.otherwise : s.next, at + ".otherwise"));
        break;
      case StepType::kSplit: {
        if (s.variants.empty()) {
          return Error::invalid(at + ".variants must not be empty for a split", at + ".variants");
        }
        std::int64_t total = 0;
        std::set<std::string> names;
        for (std::size_t v = 0; v < s.variants.size(); ++v) {
          const std::string vat = at + ".variants[" + std::to_string(v) + "]";
          if (s.variants[v].name.empty() || s.variants[v].name == "holdout" ||
              !names.insert(s.variants[v].name).second) {
            return Error::invalid(vat + ".name must be a unique name other than 'holdout'",
                                  vat + ".name");
          }
          total += s.variants[v].share;
          ECRM_RETURN_IF_ERROR(edge(i, s.variants[v].next ? s.variants[v].next : s.next,
                                    vat + ".next"));
        }
        if (total != 100) {
          return Error::invalid(at + ".variants' shares must add up to 100 (they add up to " +
                                    std::to_string(total) + ")",
                                at + ".variants");
        }
        break;
      }
      case StepType::kTag:
        if (s.add_tags.empty() && s.remove_tags.empty()) {
          return Error::invalid(at + " needs add_tags or remove_tags", at + ".add_tags");
        }
        ECRM_RETURN_IF_ERROR(edge(i, s.next, at + ".next"));
        break;
      case StepType::kTask:
        if (!s.title || s.title->empty()) {
          return Error::invalid(at + ".title is needed for a task step", at + ".title");
        }
        ECRM_RETURN_IF_ERROR(edge(i, s.next, at + ".next"));
        break;
      case StepType::kWebhook:
        if (!s.url || !valid_url(*s.url)) {
          return Error::invalid(at + ".url must be an https:// address (or http:// on this machine)",
                                at + ".url");
        }
        ECRM_RETURN_IF_ERROR(edge(i, s.next, at + ".next"));
        break;
      case StepType::kExit: break;
    }
  }
  // No cycle: a depth-first walk from every step meets no step on its own path.
  enum class Mark { kNew, kOnPath, kDone };
  std::vector<Mark> mark(d.steps.size(), Mark::kNew);
  std::function<std::optional<std::size_t>(std::size_t)> walk =
      [&](std::size_t i) -> std::optional<std::size_t> {
    mark[i] = Mark::kOnPath;
    for (std::size_t to : edges[i]) {
      if (mark[to] == Mark::kOnPath) return to;
      if (mark[to] == Mark::kNew) {
        if (auto found = walk(to)) return found;
      }
    }
    mark[i] = Mark::kDone;
    return std::nullopt;
  };
  for (std::size_t i = 0; i < d.steps.size(); ++i) {
    if (mark[i] != Mark::kNew) continue;
    if (auto at = walk(i)) {
      return Error::invalid(path + ".steps form a cycle through step '" + d.steps[*at].id + "'",
                            path + ".steps[" + std::to_string(*at) + "]");
    }
  }
  return {};
}

bool holds(const Condition& c, const CustomerFacts& f,
           const std::function<bool(ConditionField, const std::vector<std::string>&)>& bought) {
  auto in = [&](const std::string& value) {
    return std::find(c.values.begin(), c.values.end(), value) != c.values.end();
  };
  auto between = [&](std::optional<double> v) {
    if (!v) return false;
    return (!c.min || *v >= *c.min) && (!c.max || *v <= *c.max);
  };
  switch (c.field) {
    case ConditionField::kTier: return (c.op == ConditionOp::kIn) == in(f.tier);
    case ConditionField::kSegment: return (c.op == ConditionOp::kIn) == in(f.segment);
    case ConditionField::kCustomerType: return (c.op == ConditionOp::kIn) == in(f.type);
    case ConditionField::kLanguage: return (c.op == ConditionOp::kIn) == in(f.language);
    case ConditionField::kClv: return between(f.clv);
    case ConditionField::kPAlive: return between(f.p_alive);
    case ConditionField::kDaysSinceContact: return between(f.days_since_contact);
    case ConditionField::kDaysSinceOrder: return between(f.days_since_order);
    case ConditionField::kTotalSpend: return between(f.total_spend);
    case ConditionField::kEmailConsent:
      return (c.op == ConditionOp::kIsTrue) == f.email_consent;
    case ConditionField::kTags: {
      const bool any = std::any_of(f.tags.begin(), f.tags.end(), in);
      return (c.op == ConditionOp::kHasAny) == any;
    }
    case ConditionField::kBoughtProduct:
    case ConditionField::kBoughtCategory:
      return (c.op == ConditionOp::kHasAny) == bought(c.field, c.values);
  }
  return false;
}

bool all_hold(const std::vector<Condition>& conditions, const CustomerFacts& facts,
              const std::function<bool(ConditionField, const std::vector<std::string>&)>& bought) {
  return std::all_of(conditions.begin(), conditions.end(),
                     [&](const Condition& c) { return holds(c, facts, bought); });
}

int draw_percent(std::int64_t seed, std::string_view salt) {
  // FNV-1a over the salt and the seed's bytes.
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&](unsigned char b) {
    h ^= b;
    h *= 1099511628211ull;
  };
  for (char ch : salt) mix(static_cast<unsigned char>(ch));
  for (int i = 0; i < 8; ++i) mix(static_cast<unsigned char>((seed >> (8 * i)) & 0xff));
  return static_cast<int>(h % 100);
}

}  // namespace ecrm::automation
