// Process-wide metrics in the Prometheus text exposition format. Counters and histograms are
// created on first use and live as long as the registry; increments are lock-free atomics, the
// lookup of a labelled series takes a shared lock.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

namespace ecrm {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(std::uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// Fixed buckets, in seconds, suitable for request and job durations.
class Histogram {
 public:
  static constexpr std::array<double, 12> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1.0,  5.0};
  void observe(double seconds);
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  friend class MetricsRegistry;
  std::array<std::atomic<std::uint64_t>, kBounds.size()> buckets_{};  // non-cumulative
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micros_{0};
};

class MetricsRegistry {
 public:
  // Returns the series `name{labels}`, creating it on first use. `help` is recorded the first
  // time a metric name is seen. References stay valid for the registry's lifetime.
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels = {});

  // Sum of all series of counter `name` whose labels include `label`=`value` (or all when
  // `label` is empty), and per-value totals of one label.
  std::uint64_t counter_total(const std::string& name) const;
  std::map<std::string, std::uint64_t> counter_by_label(const std::string& name,
                                                        const std::string& label) const;

  // The whole registry in Prometheus text format 0.0.4.
  std::string render() const;

 private:
  struct Family {
    std::string help;
    bool is_histogram = false;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
  };
  Family& family(const std::string& name, const std::string& help, bool is_histogram);

  mutable std::shared_mutex mutex_;
  std::map<std::string, Family> families_;
};

}  // namespace ecrm
