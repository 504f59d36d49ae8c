#include "exchange/exporter.hpp"

#include <boost/json.hpp>

#include <map>
#include <sstream>
#include <unordered_map>

#include "catalog/repo.hpp"
#include "core/csv.hpp"
#include "core/time.hpp"
#include "customers/repo.hpp"
#include "exchange/repo.hpp"
#include "http/wire.hpp"

namespace ecrm::exchange {
namespace {

constexpr int kPageSize = 2000;
constexpr std::int64_t kOrderIdWindow = 5000;

// Collects CSV text and hands it to the sink in pieces.
class Output {
 public:
  explicit Output(const CsvSink& sink) : sink_(sink), writer_(buffer_) {}
  CsvWriter& csv() { return writer_; }
  // Passes on what was written so far once it is large enough (or when `force`).
  Status flush(bool force = false) {
    if (!force && buffer_.tellp() < (1 << 16)) return {};
    std::string text = buffer_.str();
    buffer_.str({});
    buffer_.clear();
    if (!text.empty() && !sink_(text)) return Error::unavailable("the reader stopped the export");
    return {};
  }

 private:
  const CsvSink& sink_;
  std::ostringstream buffer_;
  CsvWriter writer_;
};

std::string yes_no(const std::optional<bool>& v) {
  if (!v) return "";
  return *v ? "yes" : "no";
}

std::string opt_int(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : ""; }

const char* kCustomerHeader[] = {
    "external_id", "name", "email", "phone", "birthday", "gender", "city", "country", "language",
    "type", "company", "employee_count", "source", "channel", "referred_by", "tags",
    "anniversaries", "attributes", "email_consent", "sms_consent", "phone_consent", "id",
    "created_at"};

const char* kProductHeader[] = {"sku", "name", "category", "brand", "price", "cost", "currency",
                                "line", "version", "stock_on_hand", "active", "consumable",
                                "repurchase_days", "price_tier", "id"};

const char* kOrderHeader[] = {"external_id", "customer_external_id", "customer_email",
                              "placed_at", "channel", "status", "status_at", "currency",
                              "subtotal", "discount", "shipping", "tax", "total", "carrier",
                              "tracking_number", "sku", "product_name", "quantity", "unit_price",
                              "id", "customer_id"};

template <std::size_t N>
void header(CsvWriter& csv, const char* (&names)[N]) {
  for (const char* name : names) csv.field(name);
  csv.end_row();
}

}  // namespace

Result<std::int64_t> Exporter::run(Entity entity, const CsvSink& sink) {
  Output out(sink);
  CsvWriter& csv = out.csv();
  std::int64_t rows = 0;
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  storage::Connection& c = *lease;
  switch (entity) {
    case Entity::kCustomers: {
      header(csv, kCustomerHeader);
      customers::CustomerRepo repo;
      customers::ListPosition after;
      for (;;) {
        ECRM_ASSIGN_OR_RETURN(auto matches, repo.list(c, {}, after, kPageSize));
        if (matches.empty()) break;
        std::vector<customers::Customer> page;
        page.reserve(matches.size());
        for (auto& m : matches) page.push_back(std::move(m.customer));
        // Referrers by their external ids.
        std::unordered_map<std::int64_t, std::string> referrers;
        for (const auto& x : page) {
          if (x.referred_by && !referrers.count(*x.referred_by)) {
            ECRM_ASSIGN_OR_RETURN(auto referrer, repo.find(c, *x.referred_by));
            referrers[*x.referred_by] =
                referrer && referrer->external_id ? *referrer->external_id : "";
          }
        }
        for (const auto& x : page) {
          csv.field(x.external_id.value_or(""));
          csv.field(x.name);
          csv.field(x.email.value_or(""));
          csv.field(x.phone.value_or(""));
          csv.field(x.birthday.value_or(""));
          csv.field(x.gender ? wire::enum_name(*x.gender) : "");
          csv.field(x.city);
          csv.field(x.country);
          csv.field(x.language);
          csv.field(wire::enum_name(x.type));
          csv.field(x.company);
          csv.field(opt_int(x.employee_count));
          csv.field(x.source);
          csv.field(x.channel);
          csv.field(x.referred_by ? referrers[*x.referred_by] : "");
          std::string tags;
          for (const auto& t : x.tags) tags += (tags.empty() ? "" : ",") + t;
          csv.field(tags);
          std::string anniversaries;
          for (const auto& a : x.anniversaries) {
            anniversaries += (anniversaries.empty() ? "" : ";") + a.kind + ":" + a.date;
          }
          csv.field(anniversaries);
          csv.field(x.attributes == "{}" ? "" : x.attributes);
          for (auto channel : customers::kConsentChannels) {
            csv.field(yes_no(x.consent_for(channel).granted));
          }
          csv.field(std::to_string(x.id));
          csv.field(format_iso8601(x.created_at));
          csv.end_row();
          ++rows;
        }
        after.id = page.back().id;
        ECRM_RETURN_IF_ERROR(out.flush());
        if (static_cast<int>(page.size()) < kPageSize) break;
      }
      break;
    }
    case Entity::kProducts: {
      header(csv, kProductHeader);
      catalog::CatalogRepo repo;
      // Category paths ("Parent > Child"); categories are few.
      std::map<std::int64_t, catalog::Category> categories;
      std::optional<std::int64_t> after_category;
      for (;;) {
        ECRM_ASSIGN_OR_RETURN(auto page,
                              repo.list_categories(c, std::nullopt, after_category, 1000));
        for (auto& category : page) categories[category.id] = category;
        if (page.size() < 1000) break;
        after_category = page.back().id;
      }
      auto path_of = [&](std::optional<std::int64_t> id) {
        std::string path;
        for (int depth = 0; id && depth < 50; ++depth) {
          auto it = categories.find(*id);
          if (it == categories.end()) break;
          path = path.empty() ? it->second.name : it->second.name + " > " + path;
          id = it->second.parent_id;
        }
        return path;
      };
      std::optional<std::int64_t> after;
      for (;;) {
        ECRM_ASSIGN_OR_RETURN(auto page, repo.list_products(c, {}, after, kPageSize));
        if (page.empty()) break;
        for (const auto& p : page) {
          csv.field(p.sku);
          csv.field(p.name);
          csv.field(path_of(p.category_id));
          csv.field(p.brand);
          csv.field(std::to_string(p.price));
          csv.field(opt_int(p.cost));
          csv.field(p.currency);
          csv.field(p.line);
          csv.field(std::to_string(p.version));
          csv.field(std::to_string(p.stock_on_hand));
          csv.field(p.active ? "yes" : "no");
          csv.field(p.consumable ? "yes" : "no");
          csv.field(p.repurchase_days ? std::to_string(*p.repurchase_days) : "");
          csv.field(wire::enum_name(p.price_tier));
          csv.field(std::to_string(p.id));
          csv.end_row();
          ++rows;
        }
        after = page.back().id;
        ECRM_RETURN_IF_ERROR(out.flush());
        if (static_cast<int>(page.size()) < kPageSize) break;
      }
      break;
    }
    case Entity::kOrders: {
      header(csv, kOrderHeader);
      ExchangeRepo repo;
      ECRM_ASSIGN_OR_RETURN(auto max_id, repo.max_order_id(c));
      Status write_status;
      for (std::int64_t after = 0; after < max_id; after += kOrderIdWindow) {
        ECRM_RETURN_IF_ERROR(repo.read_order_lines(
            c, after, after + kOrderIdWindow, [&](const storage::RowView& row) {
              // An order without an external id is keyed by its number, which imports back.
              if (row.is_null(1) || row.get_text(1).empty()) {
                csv.field("#" + std::string(row.get_text(0)));
              } else {
                csv.field(row.get_text(1));
              }
              csv.field(row.get_text(2));
              csv.field(row.get_text(3));
              csv.field(format_iso8601(row.get_int(4)));
              csv.field(row.get_text(5));
              csv.field(row.get_text(6));
              csv.field(row.is_null(7) ? "" : format_iso8601(row.get_int(7)));
              for (int col = 8; col <= 15; ++col) csv.field(row.get_text(col));
              csv.field(row.get_text(17));
              csv.field(row.get_text(18));
              csv.field(row.get_text(19));
              csv.field(row.get_text(20));
              csv.field(row.get_text(0));
              csv.field(row.get_text(16));
              csv.end_row();
              ++rows;
            }));
        ECRM_RETURN_IF_ERROR(out.flush());
      }
      break;
    }
  }
  ECRM_RETURN_IF_ERROR(out.flush(true));
  return rows;
}

}  // namespace ecrm::exchange
