// The mixed workload of a shop's day on one base URL (a node, or nginx in front of several):
// staff reading customer and order lists and 360° pages (the customer, its summary and
// timeline), recommendation reads, orders written through the API and event batches from the
// tracking snippet. Each request is drawn at random with these weights:
//
//   25 GET  /api/v1/customers?limit=50            10 GET  /api/v1/orders?limit=50
//   10 GET  /api/v1/customers/{id}                10 GET  /api/v1/customers/{id}/timeline?limit=50
//    5 GET  /api/v1/customers/{id}/summary        15 GET  /api/v1/customers/{id}/recommendations
//   10 POST /api/v1/orders (one line)             15 POST /api/v1/events (a batch of 20 events)
//
//   soak_load URL API_KEY WRITE_KEY peak SECONDS CONNECTIONS
//       closed loop: CONNECTIONS keep-alive clients send back to back; prints
//       "requests/s R errors E p50 X p99 Y" (milliseconds).
//   soak_load URL API_KEY WRITE_KEY rate SECONDS CONNECTIONS RATE [PID...]
//       open loop: RATE requests/s in total on a fixed schedule, whatever the answers' speed;
//       a request's latency runs from its scheduled time (so a stall counts for every request
//       it delays). Prints one line per minute (requests, errors, p50, p99, and the resident
//       memory of each PID at the minute's end) and a total line.
//
// The API key needs customers:read, orders:read, orders:write and recommendations:read. Any
// answer other than 2xx, or a transport error, is an error; the first few are printed.
#include <curl/curl.h>

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../events/rows.hpp"

namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

struct Sample {
  int minute = 0;
  int kind = 0;  // index in kKinds
  float ms = 0;
  bool ok = false;
};

constexpr const char* kKinds[] = {"customer list", "order list", "customer",    "timeline",
                                  "summary",       "recommendations", "order", "event batch"};
constexpr int kKindCount = 8;

// One keep-alive connection.
class Client {
 public:
  Client(std::string base, const std::string& api_key) : base_(std::move(base)) {
    curl_ = curl_easy_init();
    json_headers_ = curl_slist_append(nullptr, ("Authorization: Bearer " + api_key).c_str());
    json_headers_ = curl_slist_append(json_headers_, "Content-Type: application/json");
    json_headers_ = curl_slist_append(json_headers_, "Expect:");
    text_headers_ = curl_slist_append(nullptr, "Content-Type: text/plain");
    text_headers_ = curl_slist_append(text_headers_, "Expect:");
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &body_);
    curl_easy_setopt(curl_, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 60L);
  }
  ~Client() {
    curl_slist_free_all(json_headers_);
    curl_slist_free_all(text_headers_);
    curl_easy_cleanup(curl_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // The status (0 on a transport error); the answer is in body().
  long send(const char* method, const std::string& path, const std::string& payload = {},
            bool snippet = false) {
    body_.clear();
    const std::string url = base_ + path;
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, snippet ? text_headers_ : json_headers_);
    if (std::string_view(method) == "POST") {
      curl_easy_setopt(curl_, CURLOPT_POST, 1L);
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, payload.data());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
    } else {
      curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
    }
    if (curl_easy_perform(curl_) != CURLE_OK) return 0;
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    return status;
  }
  const std::string& body() const { return body_; }

 private:
  std::string base_;
  CURL* curl_ = nullptr;
  curl_slist* json_headers_ = nullptr;
  curl_slist* text_headers_ = nullptr;
  std::string body_;
};

struct Shop {
  std::vector<std::int64_t> customers;
  std::vector<std::int64_t> products;
  std::string write_key;
};

// The ids of a list's rows, page after page, at most `most`.
std::vector<std::int64_t> ids_of(Client& client, const std::string& path, std::size_t most) {
  std::vector<std::int64_t> out;
  std::string cursor;
  while (out.size() < most) {
    const std::string url = path + (cursor.empty() ? "" : "&cursor=" + cursor);
    if (client.send("GET", url) != 200) {
      std::fprintf(stderr, "soak_load: GET %s failed: %s\n", url.c_str(), client.body().c_str());
      std::exit(1);
    }
    const json::value page = json::parse(client.body());
    for (const auto& item : page.at("items").as_array()) out.push_back(item.at("id").as_int64());
    const json::value& next = page.at("next_cursor");
    if (!next.is_string()) break;
    cursor = std::string(next.as_string());
  }
  return out;
}

// Sends one request of the mix; true when it was answered 2xx. `kind` is set to its kind.
bool one_request(Client& client, const Shop& shop, std::mt19937_64& rng, int stream,
                 std::int64_t& seq, std::atomic<int>& printed, int& kind) {
  const auto pick = [&](const std::vector<std::int64_t>& v) { return v[rng() % v.size()]; };
  const std::string customer = "/api/v1/customers/" + std::to_string(pick(shop.customers));
  const int draw = static_cast<int>(rng() % 100);
  long status = 0;
  if (draw < 25) {
    kind = 0;
    status = client.send("GET", "/api/v1/customers?limit=50");
  } else if (draw < 35) {
    kind = 1;
    status = client.send("GET", "/api/v1/orders?limit=50");
  } else if (draw < 45) {
    kind = 2;
    status = client.send("GET", customer);
  } else if (draw < 55) {
    kind = 3;
    status = client.send("GET", customer + "/timeline?limit=50");
  } else if (draw < 60) {
    kind = 4;
    status = client.send("GET", customer + "/summary");
  } else if (draw < 75) {
    kind = 5;
    status = client.send("GET", customer + "/recommendations");
  } else if (draw < 85) {
    kind = 6;
    json::object order{{"customer_id", pick(shop.customers)},
                       {"lines", json::array{json::object{{"product_id", pick(shop.products)},
                                                          {"quantity", 1 + rng() % 3}}}}};
    status = client.send("POST", "/api/v1/orders", json::serialize(order));
  } else {
    kind = 7;
    std::string batch = "{\"events\":[";
    for (int i = 0; i < 20; ++i, ++seq) {
      auto e = ecrm::bench::synthetic_event(1000 + stream, seq, 5, 20);
      if (i) batch += ',';
      batch += "{\"event_id\":\"" + e.event_id + "\",\"type\":\"" + e.type + "\",\"anonymous_id\":\"" +
               e.anonymous_id + "\",\"ts\":" + std::to_string(e.ts) + ",\"properties\":" + e.properties + "}";
    }
    batch += "]}";
    status = client.send("POST", "/api/v1/events?key=" + shop.write_key, batch, true);
  }
  const bool ok = status >= 200 && status < 300;
  if (!ok && printed.fetch_add(1) < 5) {
    std::fprintf(stderr, "soak_load: %s answered %ld: %.200s\n", kKinds[kind], status,
                 client.body().c_str());
  }
  return ok;
}

double percentile(std::vector<float>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

// A server's resident memory: all of it (VmRSS, which counts the database file's pages that
// SQLite reads through its memory map) and the anonymous part (RssAnon: the heap and stacks,
// where a leak shows).
struct Memory {
  long rss_kib = -1;
  long anon_kib = -1;
};
Memory memory_of(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  Memory out;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) out.rss_kib = std::atol(line.c_str() + 6);
    if (line.rfind("RssAnon:", 0) == 0) out.anon_kib = std::atol(line.c_str() + 8);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7 || (std::string(argv[4]) == "rate" && argc < 8)) {
    std::fprintf(stderr,
                 "usage: %s URL API_KEY WRITE_KEY peak SECONDS CONNECTIONS\n"
                 "       %s URL API_KEY WRITE_KEY rate SECONDS CONNECTIONS RATE [PID...]\n",
                 argv[0], argv[0]);
    return 2;
  }
  const std::string base = argv[1];
  const std::string api_key = argv[2];
  const bool open_loop = std::string(argv[4]) == "rate";
  const int seconds = std::atoi(argv[5]);
  const int connections = std::max(1, std::atoi(argv[6]));
  const double rate = open_loop ? std::atof(argv[7]) : 0;
  std::vector<int> pids;
  for (int i = 8; open_loop && i < argc; ++i) pids.push_back(std::atoi(argv[i]));
  curl_global_init(CURL_GLOBAL_DEFAULT);

  Shop shop;
  shop.write_key = argv[3];
  {
    Client setup(base, api_key);
    shop.customers = ids_of(setup, "/api/v1/customers?limit=500", 100'000);
    shop.products = ids_of(setup, "/api/v1/products?limit=500&active=true", 10'000);
  }
  if (shop.customers.empty() || shop.products.empty()) {
    std::fprintf(stderr, "soak_load: the shop needs customers and active products\n");
    return 1;
  }

  const int minutes = std::max(1, (seconds + 59) / 60);
  std::atomic<int> printed{0};
  std::mutex mutex;
  std::vector<Sample> samples;
  const auto start = Clock::now() + std::chrono::milliseconds(200);
  const auto end = start + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      Client client(base, api_key);
      std::mt19937_64 rng(0x50a4 + static_cast<unsigned>(c));
      std::vector<Sample> mine;
      std::int64_t seq = 0;
      // Open loop: this client's share of the schedule, offset from the others'.
      const double interval_s = open_loop ? connections / rate : 0;
      auto due = start + std::chrono::duration_cast<Clock::duration>(
                             std::chrono::duration<double>(interval_s * c / connections));
      std::this_thread::sleep_until(start);
      for (std::int64_t k = 0;; ++k) {
        if (open_loop) {
          due = start + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(interval_s * (k + static_cast<double>(c) / connections)));
          if (due >= end) break;
          std::this_thread::sleep_until(due);
        } else {
          due = Clock::now();
          if (due >= end) break;
        }
        int kind = 0;
        const bool ok = one_request(client, shop, rng, c, seq, printed, kind);
        const auto done = Clock::now();
        const int minute = static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(due - start).count() / 60);
        mine.push_back(Sample{std::min(minute, minutes - 1), kind,
                              std::chrono::duration<float, std::milli>(done - due).count(), ok});
      }
      std::lock_guard lock(mutex);
      samples.insert(samples.end(), mine.begin(), mine.end());
    });
  }
  // Resident memory of the servers at the start and at the end of each minute.
  std::vector<std::vector<Memory>> rss(static_cast<std::size_t>(minutes) + 1);
  for (int pid : pids) rss[0].push_back(memory_of(pid));
  for (int m = 1; m <= minutes && !pids.empty(); ++m) {
    std::this_thread::sleep_until(std::min(end, start + std::chrono::seconds(60 * m)));
    for (int pid : pids) rss[static_cast<std::size_t>(m)].push_back(memory_of(pid));
  }
  for (auto& t : threads) t.join();

  std::vector<float> all;
  long errors = 0;
  for (const auto& s : samples) {
    all.push_back(s.ms);
    if (!s.ok) ++errors;
  }
  {
    for (int m = 0; m < minutes; ++m) {
      std::vector<float> lat;
      long errs = 0;
      for (const auto& s : samples) {
        if (s.minute != m) continue;
        lat.push_back(s.ms);
        if (!s.ok) ++errs;
      }
      std::printf("minute %d: requests %zu errors %ld p50 %.1f p99 %.1f rss_kib", m + 1, lat.size(), errs,
                  percentile(lat, 0.50), percentile(lat, 0.99));
      for (const Memory& r : rss[static_cast<std::size_t>(m) + 1]) std::printf(" %ld", r.rss_kib);
      std::printf(" anon_kib");
      for (const Memory& r : rss[static_cast<std::size_t>(m) + 1]) std::printf(" %ld", r.anon_kib);
      std::printf("\n");
    }
    std::printf("start rss_kib");
    for (const Memory& r : rss[0]) std::printf(" %ld", r.rss_kib);
    std::printf(" anon_kib");
    for (const Memory& r : rss[0]) std::printf(" %ld", r.anon_kib);
    std::printf("\n");
  }
  // Per kind of request (in the open loop these include the wait for the schedule).
  for (int k = 0; k < kKindCount; ++k) {
    std::vector<float> lat;
    for (const auto& s : samples) {
      if (s.kind == k) lat.push_back(s.ms);
    }
    std::fprintf(stderr, "  %-16s %8zu requests  p50 %7.1f  p99 %7.1f ms\n", kKinds[k], lat.size(),
                 percentile(lat, 0.50), percentile(lat, 0.99));
  }
  std::printf("requests/s %.1f errors %ld p50 %.1f p99 %.1f\n",
              static_cast<double>(all.size()) / static_cast<double>(seconds), errors,
              percentile(all, 0.50), percentile(all, 0.99));
  curl_global_cleanup();
  return 0;
}
