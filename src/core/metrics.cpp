#include "core/metrics.hpp"

#include <cmath>
#include <cstdio>
#include <mutex>

namespace ecrm {

void Histogram::observe(double seconds) {
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) {
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(std::llround(seconds * 1e6)),
                        std::memory_order_relaxed);
}

MetricsRegistry::Family& MetricsRegistry::family(const std::string& name, const std::string& help,
                                                 bool is_histogram) {
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.help = help;
    it->second.is_histogram = is_histogram;
  }
  return it->second;
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                  const Labels& labels) {
  {
    std::shared_lock lock(mutex_);
    if (auto fam = families_.find(name); fam != families_.end()) {
      if (auto it = fam->second.counters.find(labels); it != fam->second.counters.end()) {
        return *it->second;
      }
    }
  }
  std::unique_lock lock(mutex_);
  auto& slot = family(name, help, false).counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                      const Labels& labels) {
  {
    std::shared_lock lock(mutex_);
    if (auto fam = families_.find(name); fam != families_.end()) {
      if (auto it = fam->second.histograms.find(labels); it != fam->second.histograms.end()) {
        return *it->second;
      }
    }
  }
  std::unique_lock lock(mutex_);
  auto& slot = family(name, help, true).histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>();
  return *slot;
}

std::uint64_t MetricsRegistry::counter_total(const std::string& name) const {
  std::shared_lock lock(mutex_);
  std::uint64_t total = 0;
  if (auto fam = families_.find(name); fam != families_.end()) {
    for (const auto& [labels, counter] : fam->second.counters) total += counter->value();
  }
  return total;
}

std::map<std::string, std::uint64_t> MetricsRegistry::counter_by_label(
    const std::string& name, const std::string& label) const {
  std::shared_lock lock(mutex_);
  std::map<std::string, std::uint64_t> out;
  if (auto fam = families_.find(name); fam != families_.end()) {
    for (const auto& [labels, counter] : fam->second.counters) {
      for (const auto& [key, value] : labels) {
        if (key == label) out[value] += counter->value();
      }
    }
  }
  return out;
}

namespace {

std::string escape_label(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_labels(const Labels& labels, const std::string& extra = {}) {
  if (labels.empty() && extra.empty()) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [key, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += key + "=\"" + escape_label(value) + "\"";
  }
  if (!extra.empty()) {
    if (!first) out += ',';
    out += extra;
  }
  out += '}';
  return out;
}

std::string format_double(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

std::string MetricsRegistry::render() const {
  std::shared_lock lock(mutex_);
  std::string out;
  for (const auto& [name, fam] : families_) {
    out += "# HELP " + name + " " + fam.help + "\n";
    out += "# TYPE " + name + (fam.is_histogram ? " histogram\n" : " counter\n");
    for (const auto& [labels, counter] : fam.counters) {
      out += name + render_labels(labels) + " " + std::to_string(counter->value()) + "\n";
    }
    for (const auto& [labels, hist] : fam.histograms) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < Histogram::kBounds.size(); ++i) {
        cumulative += hist->buckets_[i].load(std::memory_order_relaxed);
        out += name + "_bucket" +
               render_labels(labels, "le=\"" + format_double(Histogram::kBounds[i]) + "\"") + " " +
               std::to_string(cumulative) + "\n";
      }
      std::uint64_t count = hist->count();
      out += name + "_bucket" + render_labels(labels, "le=\"+Inf\"") + " " +
             std::to_string(count) + "\n";
      out += name + "_sum" + render_labels(labels) + " " +
             format_double(double(hist->sum_micros_.load(std::memory_order_relaxed)) / 1e6) + "\n";
      out += name + "_count" + render_labels(labels) + " " + std::to_string(count) + "\n";
    }
  }
  return out;
}

}  // namespace ecrm
