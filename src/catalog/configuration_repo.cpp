#include "catalog/configuration_repo.hpp"

#include <map>
#include <set>
#include <string>

#include "http/wire.hpp"

namespace ecrm::catalog {

using storage::Connection;
using storage::done;
using storage::kNull;
using storage::RowView;
using storage::Value;

namespace {

constexpr std::string_view kGroupsOf =
    "SELECT id, group_key, name, name_zh, required, multiple, min_choices, max_choices, position "
    "FROM product_option_groups WHERE product_id = $1 ORDER BY position, id";
constexpr std::string_view kOptionsOf =
    "SELECT id, group_id, sku, name, name_zh, price_delta, stock_on_hand, supplier_id, position "
    "FROM product_options WHERE product_id = $1 ORDER BY position, id";
constexpr std::string_view kRulesOf =
    "SELECT r.id, r.kind, r.option_id, t.option_id FROM product_option_rules r "
    "JOIN product_option_rule_targets t ON t.rule_id = r.id WHERE r.product_id = $1 "
    "ORDER BY r.id, t.position";
constexpr std::string_view kInsertGroup =
    "INSERT INTO product_option_groups (product_id, group_key, name, name_zh, required, multiple, "
    "min_choices, max_choices, position, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id";
constexpr std::string_view kUpdateGroup =
    "UPDATE product_option_groups SET name = $2, name_zh = $3, required = $4, multiple = $5, "
    "min_choices = $6, max_choices = $7, position = $8, updated_at = $9 WHERE id = $1";
constexpr std::string_view kDeleteGroup = "DELETE FROM product_option_groups WHERE id = $1";
constexpr std::string_view kInsertOption =
    "INSERT INTO product_options (product_id, group_id, sku, name, name_zh, price_delta, "
    "stock_on_hand, supplier_id, position, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id";
constexpr std::string_view kUpdateOption =
    "UPDATE product_options SET group_id = $2, name = $3, name_zh = $4, price_delta = $5, "
    "stock_on_hand = $6, supplier_id = $7, position = $8, updated_at = $9 WHERE id = $1";
constexpr std::string_view kDeleteOption = "DELETE FROM product_options WHERE id = $1";
constexpr std::string_view kDeleteRuleTargets =
    "DELETE FROM product_option_rule_targets WHERE rule_id IN "
    "(SELECT id FROM product_option_rules WHERE product_id = $1)";
constexpr std::string_view kDeleteRules = "DELETE FROM product_option_rules WHERE product_id = $1";
constexpr std::string_view kInsertRule =
    "INSERT INTO product_option_rules (product_id, kind, option_id, created_at) "
    "VALUES ($1, $2, $3, $4) RETURNING id";
constexpr std::string_view kInsertRuleTarget =
    "INSERT INTO product_option_rule_targets (rule_id, option_id, position) VALUES ($1, $2, $3)";
constexpr std::string_view kPartnerExists = "SELECT 1 FROM partners WHERE id = $1";
constexpr std::string_view kTakeStock =
    "UPDATE product_options SET stock_on_hand = stock_on_hand - $2 "
    "WHERE id = $1 AND stock_on_hand >= $2";

Value text_or_null(const std::optional<std::string>& s) { return s ? Value{*s} : kNull; }
Value int_or_null(const std::optional<std::int64_t>& v) { return v ? Value{*v} : kNull; }
std::optional<std::string> optional_text(const RowView& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return row.get_string(column);
}

Result<std::int64_t> returning_id(Connection& c, std::string_view sql,
                                  std::span<const Value> params) {
  std::int64_t id = 0;
  ECRM_RETURN_IF_ERROR(c.query(sql, params, [&](const RowView& row) { id = row.get_int(0); }));
  return id;
}

}  // namespace

Result<ProductConfiguration> ConfigurationRepo::load(Connection& c, const Product& product) {
  ProductConfiguration out;
  out.product_id = product.id;
  out.currency = product.currency;
  out.base_price = product.price;
  ECRM_RETURN_IF_ERROR(c.query(kGroupsOf, {product.id}, [&](const RowView& row) {
    OptionGroup g;
    g.id = row.get_int(0);
    g.key = row.get_string(1);
    g.name = row.get_string(2);
    g.name_zh = optional_text(row, 3);
    g.required = row.get_int(4) != 0;
    g.multiple = row.get_int(5) != 0;
    g.min_choices = static_cast<int>(row.get_int(6));
    g.max_choices = static_cast<int>(row.get_int(7));
    g.position = static_cast<int>(row.get_int(8));
    out.groups.push_back(std::move(g));
  }));
  std::map<std::int64_t, std::size_t> group_index;
  for (std::size_t i = 0; i < out.groups.size(); ++i) group_index[out.groups[i].id] = i;
  std::map<std::int64_t, std::string> sku_of;
  ECRM_RETURN_IF_ERROR(c.query(kOptionsOf, {product.id}, [&](const RowView& row) {
    ProductOption o;
    o.id = row.get_int(0);
    o.group_id = row.get_int(1);
    o.sku = row.get_string(2);
    o.name = row.get_string(3);
    o.name_zh = optional_text(row, 4);
    o.price_delta = row.get_int(5);
    o.stock_on_hand = row.get_int(6);
    o.supplier_id = row.get_optional_int(7);
    o.position = static_cast<int>(row.get_int(8));
    sku_of[o.id] = o.sku;
    auto it = group_index.find(o.group_id);
    if (it != group_index.end()) out.groups[it->second].options.push_back(std::move(o));
  }));
  ECRM_RETURN_IF_ERROR(c.query(kRulesOf, {product.id}, [&](const RowView& row) {
    const std::int64_t id = row.get_int(0);
    if (out.rules.empty() || out.rules.back().id != id) {
      OptionRule r;
      r.id = id;
      r.kind =
          wire::parse_enum<OptionRuleKind>(row.get_text(1)).value_or(OptionRuleKind::kRequires);
      r.option_id = row.get_int(2);
      r.option_sku = sku_of[r.option_id];
      out.rules.push_back(std::move(r));
    }
    const std::int64_t target = row.get_int(3);
    out.rules.back().targets.push_back(target);
    out.rules.back().target_skus.push_back(sku_of[target]);
  }));
  return out;
}

Status ConfigurationRepo::replace(Connection& c, std::int64_t product_id,
                                  const PreparedConfiguration& prepared, UnixMs now) {
  std::map<std::string, std::int64_t> group_ids;
  ECRM_RETURN_IF_ERROR(c.query(kGroupsOf, {product_id}, [&](const RowView& row) {
    group_ids[row.get_string(1)] = row.get_int(0);
  }));
  std::map<std::string, std::int64_t> option_ids;
  ECRM_RETURN_IF_ERROR(c.query(kOptionsOf, {product_id}, [&](const RowView& row) {
    option_ids[row.get_string(2)] = row.get_int(0);
  }));
  // Rules go first: they refer to options that may be removed below.
  ECRM_RETURN_IF_ERROR(done(c.execute(kDeleteRuleTargets, {product_id})));
  ECRM_RETURN_IF_ERROR(done(c.execute(kDeleteRules, {product_id})));

  std::set<std::int64_t> kept_groups;
  std::set<std::int64_t> kept_options;
  std::map<std::string, std::int64_t> id_of_sku;
  for (const auto& g : prepared.groups) {
    std::int64_t group_id = 0;
    const std::int64_t required = g.required ? 1 : 0;
    const std::int64_t multiple = g.multiple ? 1 : 0;
    if (auto it = group_ids.find(g.key); it != group_ids.end()) {
      group_id = it->second;
      ECRM_RETURN_IF_ERROR(done(c.execute(
          kUpdateGroup, {group_id, g.name, text_or_null(g.name_zh), required, multiple,
                         std::int64_t{g.min_choices}, std::int64_t{g.max_choices},
                         std::int64_t{g.position}, now})));
    } else {
      const Value params[] = {product_id, g.key,
                              g.name,     text_or_null(g.name_zh),
                              required,   multiple,
                              std::int64_t{g.min_choices}, std::int64_t{g.max_choices},
                              std::int64_t{g.position},    now};
      ECRM_ASSIGN_OR_RETURN(group_id, returning_id(c, kInsertGroup, params));
    }
    kept_groups.insert(group_id);
    for (const auto& o : g.options) {
      std::int64_t option_id = 0;
      if (auto it = option_ids.find(o.sku); it != option_ids.end()) {
        option_id = it->second;
        ECRM_RETURN_IF_ERROR(done(c.execute(
            kUpdateOption, {option_id, group_id, o.name, text_or_null(o.name_zh), o.price_delta,
                            o.stock_on_hand, int_or_null(o.supplier_id),
                            std::int64_t{o.position}, now})));
      } else {
        const Value params[] = {product_id,       group_id,
                                o.sku,            o.name,
                                text_or_null(o.name_zh), o.price_delta,
                                o.stock_on_hand,  int_or_null(o.supplier_id),
                                std::int64_t{o.position}, now};
        ECRM_ASSIGN_OR_RETURN(option_id, returning_id(c, kInsertOption, params));
      }
      kept_options.insert(option_id);
      id_of_sku[o.sku] = option_id;
    }
  }
  for (const auto& [sku, id] : option_ids) {
    if (!kept_options.contains(id)) ECRM_RETURN_IF_ERROR(done(c.execute(kDeleteOption, {id})));
  }
  for (const auto& [key, id] : group_ids) {
    if (!kept_groups.contains(id)) ECRM_RETURN_IF_ERROR(done(c.execute(kDeleteGroup, {id})));
  }
  for (const auto& r : prepared.rules) {
    const Value params[] = {product_id, std::string(wire::enum_name(r.kind)),
                            id_of_sku.at(r.option), now};
    ECRM_ASSIGN_OR_RETURN(auto rule_id, returning_id(c, kInsertRule, params));
    for (std::size_t t = 0; t < r.targets.size(); ++t) {
      ECRM_RETURN_IF_ERROR(done(c.execute(
          kInsertRuleTarget,
          {rule_id, id_of_sku.at(r.targets[t]), static_cast<std::int64_t>(t)})));
    }
  }
  return {};
}

Result<bool> ConfigurationRepo::partner_exists(Connection& c, std::int64_t partner_id) {
  bool found = false;
  ECRM_RETURN_IF_ERROR(
      c.query(kPartnerExists, {partner_id}, [&](const RowView&) { found = true; }));
  return found;
}

Result<bool> ConfigurationRepo::take_stock(Connection& c, std::int64_t option_id,
                                           std::int64_t quantity) {
  ECRM_ASSIGN_OR_RETURN(auto changed, c.execute(kTakeStock, {option_id, quantity}));
  return changed == 1;
}

}  // namespace ecrm::catalog
