// The synthetic events both benchmarks send: page views, product views and cart events of
// `visitors_per_batch` visitors per batch, with time-ordered event ids like the snippet's.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace ecrm::bench {

struct SyntheticEvent {
  std::string event_id;
  const char* type;
  std::string anonymous_id;
  std::int64_t ts;
  std::string properties;  // JSON object
};

inline std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Event `seq` of a stream `stream` (one per client), deterministic apart from the time.
inline SyntheticEvent synthetic_event(int stream, std::int64_t seq, int visitors_per_batch,
                                      int batch_size) {
  static const char* kTypes[] = {"page_view", "page_view", "product_view", "product_view",
                                 "add_to_cart"};
  SyntheticEvent e;
  std::int64_t ts = wall_ms();
  char id[64];
  std::snprintf(id, sizeof id, "%09llx-%03d-%010lld", static_cast<long long>(ts), stream,
                static_cast<long long>(seq));
  e.event_id = id;
  e.type = kTypes[seq % 5];
  std::int64_t batch = seq / batch_size;
  int visitor = static_cast<int>(seq % visitors_per_batch);
  // A visitor keeps its id for 20 batches, then a new one arrives.
  e.anonymous_id = "bench-" + std::to_string(stream) + "-" + std::to_string(batch / 20) + "-" +
                   std::to_string(visitor);
  e.ts = ts;
  int sku = static_cast<int>((seq * 7919) % 500);
  if (seq % 5 < 2) {
    e.properties = "{\"url\":\"https://shop.example/c/" + std::to_string(sku) +
                   "\",\"title\":\"Category\",\"referrer\":\"\"}";
  } else {
    e.properties = "{\"sku\":\"SKU-" + std::to_string(sku) + "\",\"name\":\"Product " +
                   std::to_string(sku) + "\",\"price\":" + std::to_string(1000 + sku) +
                   ",\"quantity\":1,\"currency\":\"EUR\"}";
  }
  return e;
}

}  // namespace ecrm::bench
