// CSV import and export over real HTTP (/api/v1/import, /api/v1/export) and on the command line:
// ecrm's and Shopify's columns, bad rows reported by line with nothing half-written, skip_bad,
// dry runs, multipart uploads, and exports that import back unchanged.
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <fstream>
#include <thread>

#include "crm_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

class Exchange : public CrmApi {
 protected:
  // Uploads `csv` and waits for the job to finish; returns the finished job.
  json::object import(const std::string& entity, const std::string& csv,
                      const std::string& query = "") {
    auto r = client_->request("POST", "/api/v1/import/" + entity + query, csv,
                              {"Content-Type: text/csv", "X-CSRF-Token: " + client_->csrf_token});
    EXPECT_EQ(r.status, 202) << r.body;
    if (r.status != 202) return {};
    return wait(r.json().at("id").as_int64());
  }

  json::object wait(std::int64_t id) {
    for (int i = 0; i < 300; ++i) {
      auto job = get("/api/v1/import/jobs/" + std::to_string(id));
      EXPECT_EQ(job.status, 200) << job.body;
      auto body = job.json().as_object();
      auto status = std::string(body.at("status").as_string());
      if (status == "succeeded" || status == "failed") return body;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "import job " << id << " did not finish";
    return {};
  }

  std::int64_t count(const std::string& path) {
    return static_cast<std::int64_t>(all_pages(path).size());
  }

  // Lines of the errors of a finished job.
  static std::vector<std::int64_t> error_lines(const json::object& job) {
    std::vector<std::int64_t> lines;
    for (const auto& e : job.at("errors").as_array()) lines.push_back(e.at("line").as_int64());
    return lines;
  }

  void load_catalog_and_customers() {
    if (loaded_) return;
    loaded_ = true;
    auto products = import("products",
                           "sku,name,category,brand,price,cost,currency,stock_on_hand\n"
                           "BOT-1,Baby bottle,Baby > Feeding,Avent,1299,500,USD,100\n"
                           "FOR-1,Baby formula,Baby > Feeding,Aptamil,2599,1500,USD,50\n"
                           "LAP-1,Laptop Pro,Computers > Laptops,Acme,149900,100000,USD,5\n");
    ASSERT_EQ(products.at("status").as_string(), "succeeded") << json::serialize(products);
    EXPECT_EQ(products.at("inserted").as_int64(), 3);
    auto customers = import(
        "customers",
        "external_id,name,email,phone,birthday,type,company,referred_by,tags,anniversaries,"
        "email_consent\n"
        "X-1,Alice Smith,alice@shop.test,+1 555 0100,1990-04-01,home,,X-2,\"vip,parent\","
        "wedding:2015-06-20,yes\n"
        "X-2,Bob Jones,bob@shop.test,,,business,Acme Ltd,,,,no\n");
    ASSERT_EQ(customers.at("status").as_string(), "succeeded") << json::serialize(customers);
    EXPECT_EQ(customers.at("inserted").as_int64(), 2);
  }

  std::int64_t customer_id(const std::string& q) {
    auto items = all_pages("/api/v1/customers?q=" + q);
    EXPECT_EQ(items.size(), 1u) << q;
    return items.empty() ? 0 : items.front().at("id").as_int64();
  }

  inline static bool loaded_ = false;
};

TEST_F(Exchange, ImportsOurColumnsAndUpsertsByKey) {
  load_catalog_and_customers();
  auto alice = get(id_path("/api/v1/customers", customer_id("alice")));
  ASSERT_EQ(alice.status, 200);
  auto a = alice.json().as_object();
  EXPECT_EQ(a.at("name").as_string(), "Alice Smith");
  EXPECT_EQ(a.at("tags").as_array().size(), 2u);
  EXPECT_EQ(a.at("birthday").as_string(), "1990-04-01");
  EXPECT_EQ(a.at("referred_by").as_int64(), customer_id("bob"));  // referrer later in the file
  EXPECT_TRUE(a.at("consent").at("email").at("granted").as_bool());

  // The same file again changes nothing; a changed row updates in place.
  auto again = import("customers", "external_id,name,email\nX-2,Bob Jones,bob@shop.test\n");
  EXPECT_EQ(again.at("unchanged").as_int64(), 1);
  auto changed = import("customers", "external_id,city\nX-2,Shanghai\n");
  EXPECT_EQ(changed.at("updated").as_int64(), 1);
  auto bob = get(id_path("/api/v1/customers", customer_id("bob"))).json();
  EXPECT_EQ(bob.at("city").as_string(), "Shanghai");
  EXPECT_EQ(bob.at("company").as_string(), "Acme Ltd");  // columns not in the file stay

  auto orders = import(
      "orders",
      "external_id,customer_external_id,placed_at,channel,status,status_at,currency,discount,"
      "shipping,sku,quantity,unit_price\n"
      "IMP-1,X-1,2026-01-05T10:00:00Z,web,delivered,2026-01-08T10:00:00Z,USD,0,500,BOT-1,2,1299\n"
      "IMP-1,X-1,2026-01-05T10:00:00Z,web,delivered,2026-01-08T10:00:00Z,USD,0,500,FOR-1,1,2599\n"
      "IMP-2,X-2,2026-02-01T09:00:00Z,phone,paid,,USD,1000,0,LAP-1,1,149900\n");
  ASSERT_EQ(orders.at("status").as_string(), "succeeded") << json::serialize(orders);
  EXPECT_EQ(orders.at("rows_read").as_int64(), 3);
  EXPECT_EQ(orders.at("records").as_int64(), 2);
  EXPECT_EQ(orders.at("inserted").as_int64(), 2);

  auto list = all_pages("/api/v1/orders?customer=" + std::to_string(customer_id("alice")));
  ASSERT_EQ(list.size(), 1u);
  const auto& o = list.front();
  EXPECT_EQ(o.at("external_id").as_string(), "IMP-1");
  EXPECT_EQ(o.at("status").as_string(), "delivered");
  EXPECT_EQ(o.at("subtotal").as_int64(), 2 * 1299 + 2599);
  EXPECT_EQ(o.at("total").as_int64(), 2 * 1299 + 2599 + 500);
  auto tracking = get("/api/v1/orders/" + std::to_string(o.at("id").as_int64()) + "/tracking");
  ASSERT_EQ(tracking.status, 200) << tracking.body;
  EXPECT_NE(tracking.body.find("delivered"), std::string::npos);

  // A later export moves the order forward; backwards is refused.
  auto forward = import("orders",
                        "external_id,customer_external_id,placed_at,status,status_at,sku,"
                        "quantity,unit_price,carrier,tracking_number\n"
                        "IMP-2,X-2,2026-02-01T09:00:00Z,shipped,2026-02-03T09:00:00Z,LAP-1,1,"
                        "149900,UPS,1Z999\n");
  EXPECT_EQ(forward.at("updated").as_int64(), 1) << json::serialize(forward);
  auto shipped = all_pages("/api/v1/orders?customer=" + std::to_string(customer_id("bob")));
  ASSERT_EQ(shipped.size(), 1u);
  EXPECT_EQ(shipped.front().at("status").as_string(), "shipped");
  EXPECT_EQ(shipped.front().at("tracking_number").as_string(), "1Z999");
  auto backward = import("orders",
                         "external_id,customer_external_id,placed_at,status,sku,quantity,unit_price\n"
                         "IMP-2,X-2,2026-02-01T09:00:00Z,paid,LAP-1,1,149900\n");
  EXPECT_EQ(backward.at("status").as_string(), "failed");
  EXPECT_EQ(error_lines(backward), std::vector<std::int64_t>{2});
}

TEST_F(Exchange, BadRowsAreReportedByLineAndNothingIsWritten) {
  load_catalog_and_customers();
  const std::int64_t orders_before = count("/api/v1/orders");
  const std::string csv =
      "external_id,customer_external_id,placed_at,currency,sku,quantity,unit_price\n"
      "BAD-1,X-1,2026-03-01T10:00:00Z,USD,BOT-1,1,1299\n"
      "BAD-2,X-1,2026-03-02T10:00:00Z,USD,BOT-1,two,1299\n"     // line 3: quantity
      "BAD-3,X-1,not a date,USD,BOT-1,1,1299\n"                 // line 4: placed_at
      "BAD-4,X-1,2026-03-03T10:00:00Z,USD,NO-SUCH-SKU,1,1299\n"  // line 5: unknown SKU
      "BAD-5,NOBODY,2026-03-03T10:00:00Z,USD,BOT-1,1,1299\n"    // line 6: unknown customer
      "BAD-6,X-2,2026-03-04T10:00:00Z,USD,FOR-1,1,2599\n";
  auto job = import("orders", csv);
  EXPECT_EQ(job.at("status").as_string(), "failed");
  EXPECT_EQ(job.at("bad_rows").as_int64(), 4);
  EXPECT_EQ(error_lines(job), (std::vector<std::int64_t>{3, 4, 5, 6}));
  std::map<std::int64_t, std::string> fields;
  for (const auto& e : job.at("errors").as_array()) {
    fields[e.at("line").as_int64()] = std::string(e.at("field").as_string());
  }
  EXPECT_EQ(fields[3], "quantity");
  EXPECT_EQ(fields[4], "placed_at");
  EXPECT_EQ(fields[5], "sku");
  EXPECT_EQ(fields[6], "customer_external_id");
  EXPECT_EQ(count("/api/v1/orders"), orders_before) << "a failed import must write nothing";

  // A dry run reports the same and writes nothing either.
  auto dry = import("orders", csv, "?dry_run=true");
  EXPECT_EQ(dry.at("bad_rows").as_int64(), 4);
  EXPECT_EQ(dry.at("inserted").as_int64(), 2);
  EXPECT_EQ(count("/api/v1/orders"), orders_before);

  // skip_bad imports the two good orders and lists the bad rows.
  auto skipped = import("orders", csv, "?skip_bad=true");
  EXPECT_EQ(skipped.at("status").as_string(), "succeeded") << json::serialize(skipped);
  EXPECT_EQ(skipped.at("inserted").as_int64(), 2);
  EXPECT_EQ(error_lines(skipped), (std::vector<std::int64_t>{3, 4, 5, 6}));
  EXPECT_EQ(count("/api/v1/orders"), orders_before + 2);

  // A file without the required columns fails as a whole, naming the column.
  auto headless = import("orders", "id,amount\n1,2\n");
  EXPECT_EQ(headless.at("status").as_string(), "failed");
  ASSERT_FALSE(headless.at("errors").as_array().empty());
  EXPECT_EQ(headless.at("errors").as_array()[0].at("line").as_int64(), 1);
  EXPECT_NE(headless.at("message").as_string().find("missing column"), std::string::npos);
  // An unterminated quote stops at its line.
  auto malformed = import("customers", "external_id,name\nQ-1,\"never closed\nQ-2,x\n");
  EXPECT_EQ(malformed.at("status").as_string(), "failed");
  EXPECT_EQ(count("/api/v1/customers?q=never"), 0);
}

TEST_F(Exchange, ShopifyExportsAreUnderstood) {
  auto customers = import(
      "customers",
      "First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,"
      "Default Address City,Default Address Country Code,Phone,Accepts SMS Marketing,Total Spent,"
      "Total Orders,Note,Tax Exempt,Tags\n"
      "Wei,Zhang,wei.zhang@shop.test,yes,,Beijing,CN,+86 10 1234 5678,no,120.50,2,likes tea,no,"
      "\"loyal, tea\"\n");
  ASSERT_EQ(customers.at("status").as_string(), "succeeded") << json::serialize(customers);
  EXPECT_EQ(customers.at("format").as_string(), "shopify");
  auto wei = get(id_path("/api/v1/customers", customer_id("wei.zhang"))).json();
  EXPECT_EQ(wei.at("name").as_string(), "Wei Zhang");
  EXPECT_EQ(wei.at("city").as_string(), "Beijing");
  EXPECT_EQ(wei.at("tags").as_array().size(), 2u);
  EXPECT_FALSE(wei.at("consent").at("sms").at("granted").as_bool());

  const std::string header =
      "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,"
      "Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,"
      "Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,"
      "Lineitem sku,Billing Name,Billing Phone,Billing City,Billing Country,Cancelled at,Source\n";
  auto orders = import(
      "orders",
      header +
          "#1001,wei.zhang@shop.test,paid,2026-04-01 10:05:00 +0800,fulfilled,"
          "2026-04-02 09:00:00 +0800,yes,CNY,300.00,10.00,39.00,339.00,,0.00,Standard,"
          "2026-04-01 10:00:00 +0800,2,Green tea,100.00,,TEA-G,Wei Zhang,,Beijing,CN,,web\n"
          "#1001,wei.zhang@shop.test,,,,,,,,,,,,,,,1,Tea pot,100.00,,POT-1,,,,,,\n"
          "#1002,new.buyer@shop.test,pending,,unfulfilled,,no,CNY,50.00,0.00,0.00,50.00,,0.00,,"
          "2026-04-03 08:00:00 +0800,1,Green tea,50.00,,TEA-G,Li Lei,,Shanghai,CN,,pos\n");
  ASSERT_EQ(orders.at("status").as_string(), "succeeded") << json::serialize(orders);
  EXPECT_EQ(orders.at("format").as_string(), "shopify");
  EXPECT_EQ(orders.at("inserted").as_int64(), 2);
  EXPECT_NE(orders.at("message").as_string().find("1 new customers"), std::string::npos)
      << json::serialize(orders);
  auto list = all_pages("/api/v1/orders?customer=" + std::to_string(customer_id("wei.zhang")));
  ASSERT_EQ(list.size(), 1u);
  const auto& o = list.front();
  EXPECT_EQ(o.at("external_id").as_string(), "#1001");
  EXPECT_EQ(o.at("status").as_string(), "shipped");
  EXPECT_EQ(o.at("currency").as_string(), "CNY");
  EXPECT_EQ(o.at("subtotal").as_int64(), 30000);
  EXPECT_EQ(o.at("tax").as_int64(), 3900);
  EXPECT_EQ(o.at("total").as_int64(), 30000 + 1000 + 3900);
  EXPECT_EQ(o.at("placed_at").as_int64(), 1775008800000);  // 2026-04-01T02:00:00Z
  auto li = all_pages("/api/v1/orders?customer=" + std::to_string(customer_id("new.buyer")));
  ASSERT_EQ(li.size(), 1u);
  EXPECT_EQ(li.front().at("channel").as_string(), "store");
  EXPECT_EQ(all_pages("/api/v1/products?q=TEA-G").size(), 1u);
}

TEST_F(Exchange, MultipartUploadsAndExportsThatImportBack) {
  load_catalog_and_customers();
  const std::string boundary = "----ecrmTestBoundary7";
  const std::string body = "--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--" +
                           boundary +
                           "\r\nContent-Disposition: form-data; name=\"file\"; "
                           "filename=\"more.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                           "sku,name,price\r\nMP-1,Multipart thing,700\r\n--" +
                           boundary + "--\r\n";
  auto r = client_->request("POST", "/api/v1/import/products", body,
                            {"Content-Type: multipart/form-data; boundary=" + boundary,
                             "X-CSRF-Token: " + client_->csrf_token});
  ASSERT_EQ(r.status, 202) << r.body;
  auto job = wait(r.json().at("id").as_int64());
  EXPECT_EQ(job.at("status").as_string(), "succeeded") << json::serialize(job);
  EXPECT_EQ(job.at("file_name").as_string(), "more.csv");
  EXPECT_EQ(job.at("inserted").as_int64(), 1);
  auto product = all_pages("/api/v1/products?q=MP-1");
  ASSERT_EQ(product.size(), 1u);
  EXPECT_EQ(product.front().at("price").as_int64(), 700);

  for (const std::string entity : {"customers", "products", "orders"}) {
    auto exported = get("/api/v1/export/" + entity);
    ASSERT_EQ(exported.status, 200) << exported.body;
    EXPECT_NE(exported.header("content-type").find("text/csv"), std::string::npos);
    EXPECT_EQ(exported.header("transfer-encoding"), "chunked");
    auto back = import(entity, exported.body);
    EXPECT_EQ(back.at("status").as_string(), "succeeded") << entity << json::serialize(back);
    EXPECT_EQ(back.at("inserted").as_int64(), 0) << entity << json::serialize(back);
    EXPECT_EQ(back.at("updated").as_int64(), 0) << entity << json::serialize(back);
    EXPECT_GT(back.at("unchanged").as_int64(), 0) << entity;
  }
}

// The records of a CSV text without the columns in `drop` (the ids a database gives), each as
// its cells joined by U+001F.
std::vector<std::string> csv_records(const std::string& text, const std::set<std::string>& drop) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (quoted) {
      if (ch == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      rows.back().push_back(std::move(cell));
      cell.clear();
    } else if (ch == '\n') {
      rows.back().push_back(std::move(cell));
      cell.clear();
      rows.emplace_back();
    } else if (ch != '\r') {
      cell += ch;
    }
  }
  if (!cell.empty() || !rows.back().empty()) rows.back().push_back(std::move(cell));
  if (rows.back().empty()) rows.pop_back();
  std::vector<std::string> out;
  if (rows.empty()) return out;
  const auto& header = rows.front();
  for (const auto& row : rows) {
    std::string joined;
    for (std::size_t col = 0; col < row.size(); ++col) {
      if (col < header.size() && drop.count(header[col])) continue;
      joined += row[col] + "\x1f";
    }
    out.push_back(std::move(joined));
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// Every export imports into an empty database, whose export is the same file but for the ids
// the new database gives (customers' and products' `id`, orders' `id` and `customer_id`) and the
// customers' `created_at` (the time of the import); orders without an external id included.
TEST_F(Exchange, ExportsImportIntoAnEmptyDatabaseAndExportTheSame) {
  load_catalog_and_customers();
  const std::int64_t alice = customer_id("alice@shop.test");
  auto bottle = all_pages("/api/v1/products?q=BOT-1");
  ASSERT_EQ(bottle.size(), 1u);
  auto placed = post("/api/v1/orders",
                     json::object{{"customer_id", alice},
                                  {"placed_at", 1'714'557'600'000LL},
                                  {"lines", json::array{json::object{
                                                {"product_id", bottle.front().at("id").as_int64()},
                                                {"quantity", 2}}}}});
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::int64_t number = placed.json().at("id").as_int64();
  auto keyed = import("orders",
                      "external_id,customer_external_id,placed_at,status,status_at,sku,quantity,"
                      "unit_price\n"
                      "RT-1,X-2,2024-05-02T10:00:00Z,shipped,2024-05-03T10:00:00Z,LAP-1,1,149900\n"
                      "RT-1,X-2,2024-05-02T10:00:00Z,shipped,2024-05-03T10:00:00Z,FOR-1,3,2599\n");
  ASSERT_EQ(keyed.at("status").as_string(), "succeeded") << json::serialize(keyed);

  const std::map<std::string, std::set<std::string>> ids = {
      {"products", {"id"}}, {"customers", {"id", "created_at"}}, {"orders", {"id", "customer_id"}}};
  std::map<std::string, std::string> first;
  for (const std::string entity : {"products", "customers", "orders"}) {
    auto exported = get("/api/v1/export/" + entity);
    ASSERT_EQ(exported.status, 200) << exported.body;
    first[entity] = exported.body;
  }
  // The order without an external id is keyed by its number.
  EXPECT_NE(first["orders"].find("\n#" + std::to_string(number) + ","), std::string::npos)
      << first["orders"];

  // Back into the database it came from: every record is found, nothing changes.
  for (const std::string entity : {"products", "customers", "orders"}) {
    auto back = import(entity, first[entity]);
    EXPECT_EQ(back.at("status").as_string(), "succeeded") << entity << json::serialize(back);
    EXPECT_EQ(back.at("inserted").as_int64(), 0) << entity << json::serialize(back);
    EXPECT_EQ(back.at("updated").as_int64(), 0) << entity << json::serialize(back);
  }

  ScratchDatabase empty;
  const std::string dir = "/tmp/ecrm-it-roundtrip-" + std::to_string(server_->pid());
  std::filesystem::create_directories(dir);
  for (const std::string entity : {"products", "customers", "orders"}) {
    const std::string in = dir + "/" + entity + ".csv", out = dir + "/" + entity + "-again.csv";
    {
      std::ofstream f(in);
      f << first[entity];
    }
    std::string output;
    int code = run_ecrm({"import", entity, in, "--db", empty.url(), "--quiet"}, &output);
    ASSERT_EQ(code, 0) << entity << ": " << output;
    code = run_ecrm({"export", entity, "--db", empty.url(), "-o", out}, &output);
    ASSERT_EQ(code, 0) << entity << ": " << output;
    auto again = read_file(out);
    auto expected = csv_records(first[entity], ids.at(entity));
    auto got = csv_records(again, ids.at(entity));
    EXPECT_GT(expected.size(), 1u) << entity;
    EXPECT_EQ(got, expected) << entity << "\nfirst:\n" << first[entity] << "\nagain:\n" << again;
  }
  std::filesystem::remove_all(dir);
}

TEST_F(Exchange, RequestErrorsNameTheField) {
  auto unknown = client_->request("POST", "/api/v1/import/widgets", "a,b\n1,2\n",
                                  {"Content-Type: text/csv", "X-CSRF-Token: " + client_->csrf_token});
  expect_error(unknown, 404);
  auto empty = client_->request("POST", "/api/v1/import/customers", "",
                                {"Content-Type: text/csv", "X-CSRF-Token: " + client_->csrf_token});
  expect_error(empty, 400, "required", "file");
  auto format = client_->request("POST", "/api/v1/import/customers?format=excel", "a\n1\n",
                                 {"Content-Type: text/csv", "X-CSRF-Token: " + client_->csrf_token});
  expect_error(format, 400, "", "format");
  auto flag = client_->request("POST", "/api/v1/import/customers?dry_run=maybe", "a\n1\n",
                               {"Content-Type: text/csv", "X-CSRF-Token: " + client_->csrf_token});
  expect_error(flag, 400, "", "dry_run");
  auto analyst = staff("analyst.exchange@example.com", "analyst");
  auto denied = analyst->request("POST", "/api/v1/import/customers", "external_id\nZ\n",
                                 {"Content-Type: text/csv", "X-CSRF-Token: " + analyst->csrf_token});
  EXPECT_EQ(denied.status, 403) << denied.body;
  EXPECT_EQ(analyst->get("/api/v1/export/customers").status, 200);
  expect_error(get("/api/v1/import/jobs/999999"), 404);
  auto jobs = get("/api/v1/import/jobs");
  EXPECT_EQ(jobs.status, 200) << jobs.body;
}

TEST_F(Exchange, CommandLineReportsBadLinesWithExitCode2) {
  const std::string path = "/tmp/ecrm-it-import-" + std::to_string(server_->pid()) + ".csv";
  {
    std::ofstream f(path);
    f << "external_id,name,email\nCL-1,Good Row,good@cli.test\nCL-2,Bad Row,not-an-email\n";
  }
  std::string output;
  int code = server_->run_cli({"import", "customers", path, "--quiet"}, &output);
  EXPECT_EQ(code, 2) << output;
  EXPECT_NE(output.find(":3: email"), std::string::npos) << output;
  EXPECT_EQ(count("/api/v1/customers?q=good@cli.test"), 0);
  code = server_->run_cli({"import", "customers", path, "--quiet", "--skip-bad"}, &output);
  EXPECT_EQ(code, 0) << output;
  EXPECT_EQ(count("/api/v1/customers?q=good@cli.test"), 1);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace ecrm::testing
