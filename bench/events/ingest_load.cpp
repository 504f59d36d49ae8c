// HTTP load on event ingestion: `connections` keep-alive clients (one thread each) POST batches
// of `batch` events to /api/v1/events with a write key for `seconds` and report events/s,
// requests/s and latency percentiles. Every batch must be answered 200 with all events accepted.
//
//   events_load URL WRITE_KEY [connections=16] [seconds=20] [batch=100] [visitors_per_batch=10]
#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "rows.hpp"

namespace {

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s URL WRITE_KEY [connections] [seconds] [batch] [visitors_per_batch]\n", argv[0]);
    return 2;
  }
  const std::string url = std::string(argv[1]) + "/api/v1/events?key=" + argv[2];
  const int connections = argc > 3 ? std::atoi(argv[3]) : 16;
  const int seconds = argc > 4 ? std::atoi(argv[4]) : 20;
  const int batch = argc > 5 ? std::atoi(argv[5]) : 100;
  const int visitors = argc > 6 ? std::atoi(argv[6]) : 10;
  curl_global_init(CURL_GLOBAL_DEFAULT);

  std::atomic<bool> stop{false};
  std::atomic<long long> events{0}, requests{0}, failures{0};
  std::mutex mutex;
  std::vector<double> latencies;
  auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      CURL* curl = curl_easy_init();
      curl_slist* headers = curl_slist_append(nullptr, "Content-Type: text/plain");
      headers = curl_slist_append(headers, "Expect:");
      std::string response;
      curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
      curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
      curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
      curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
      curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
      std::vector<double> mine;
      std::int64_t seq = 0;
      std::string body;
      while (!stop.load(std::memory_order_relaxed)) {
        body = "{\"events\":[";
        for (int i = 0; i < batch; ++i, ++seq) {
          auto e = ecrm::bench::synthetic_event(c, seq, visitors, batch);
          if (i) body += ',';
          body += "{\"event_id\":\"" + e.event_id + "\",\"type\":\"" + e.type +
                  "\",\"anonymous_id\":\"" + e.anonymous_id + "\",\"ts\":" + std::to_string(e.ts) +
                  ",\"properties\":" + e.properties + "}";
        }
        body += "]}";
        response.clear();
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
        auto t0 = std::chrono::steady_clock::now();
        CURLcode rc = curl_easy_perform(curl);
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        std::string expected = "{\"accepted\":" + std::to_string(batch) + ",";
        if (rc != CURLE_OK || status != 200 || response.rfind(expected, 0) != 0) {
          if (failures.fetch_add(1) < 5) {
            std::fprintf(stderr, "request failed: %s status %ld: %.200s\n", curl_easy_strerror(rc),
                         status, response.c_str());
          }
          continue;
        }
        events += batch;
        requests += 1;
        mine.push_back(ms);
      }
      curl_slist_free_all(headers);
      curl_easy_cleanup(curl);
      std::lock_guard lock(mutex);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    return latencies.empty() ? 0.0 : latencies[std::min(latencies.size() - 1,
                                                        static_cast<std::size_t>(p * latencies.size()))];
  };
  std::printf("events/s %.0f requests/s %.0f p50_ms %.2f p99_ms %.2f failures %lld\n",
              static_cast<double>(events.load()) / elapsed, static_cast<double>(requests.load()) / elapsed,
              pct(0.5), pct(0.99), failures.load());
  curl_global_cleanup();
  return failures.load() > 0 ? 1 : 0;
}
