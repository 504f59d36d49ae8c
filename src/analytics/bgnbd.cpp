#include "analytics/bgnbd.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <vector>

#include "analytics/buffer.hpp"
#include "analytics/optimize.hpp"
#include "analytics/parallel.hpp"
#include "analytics/special.hpp"

namespace ecrm::analytics {
namespace {

// Distinct values of a column, each with a dense id: a small open-addressing hash map from the
// bit pattern of a double to its id. Gives up (returns false) beyond `limit` distinct values.
class ValueIds {
 public:
  explicit ValueIds(std::size_t limit) : limit_(limit) { rehash(1024); }

  bool add(double value, std::uint32_t* id) {
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    if (bits == (std::uint64_t{1} << 63)) bits = 0;  // -0.0 is 0.0
    std::size_t slot = mix(bits) & mask_;
    while (ids_[slot] != kEmpty) {
      if (keys_[slot] == bits) {
        *id = ids_[slot];
        return true;
      }
      slot = (slot + 1) & mask_;
    }
    if (values.size() >= limit_) return false;
    *id = static_cast<std::uint32_t>(values.size());
    keys_[slot] = bits;
    ids_[slot] = *id;
    values.push_back(value);
    if (2 * values.size() > ids_.size()) rehash(2 * ids_.size());
    return true;
  }

  std::vector<double> values;  // by id

 private:
  static constexpr std::uint32_t kEmpty = 0xffffffffu;
  static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  void rehash(std::size_t size) {
    keys_.assign(size, 0);
    ids_.assign(size, kEmpty);
    mask_ = size - 1;
    for (std::size_t id = 0; id < values.size(); ++id) {
      std::uint64_t bits;
      std::memcpy(&bits, &values[id], sizeof bits);
      if (bits == (std::uint64_t{1} << 63)) bits = 0;
      std::size_t slot = mix(bits) & mask_;
      while (ids_[slot] != kEmpty) slot = (slot + 1) & mask_;
      keys_[slot] = bits;
      ids_[slot] = static_cast<std::uint32_t>(id);
    }
  }
  std::size_t limit_;
  std::vector<std::uint64_t> keys_;
  std::vector<std::uint32_t> ids_;
  std::size_t mask_ = 0;
};

// Sorts 64-bit keys (LSD radix sort, 16-bit digits; digits equal in all keys are skipped).
void radix_sort(LargeVector<std::uint64_t>& keys) {
  LargeVector<std::uint64_t> buffer(keys.size());
  std::vector<std::size_t> count(65536);
  for (int shift = 0; shift < 64; shift += 16) {
    std::fill(count.begin(), count.end(), 0);
    for (std::uint64_t k : keys) ++count[(k >> shift) & 0xffff];
    if (count[(keys[0] >> shift) & 0xffff] == keys.size()) continue;
    std::size_t sum = 0;
    for (auto& c : count) {
      const std::size_t here = c;
      c = sum;
      sum += here;
    }
    for (std::uint64_t k : keys) buffer[count[(k >> shift) & 0xffff]++] = k;
    keys.swap(buffer);
  }
}

// Customers grouped by identical (x, t_x, T), each group evaluated once with its count as
// weight. T and t_x are referenced by id into tables of their distinct values, so each
// evaluation computes ln(alpha + value) once per distinct value rather than once per customer.
// When the data have too many distinct values to pack (continuous times), every customer is
// its own group and the "distinct" values are simply the customers' values.
struct Groups {
  LargeVector<std::int32_t> x;
  LargeVector<std::uint32_t> age_id;
  LargeVector<std::uint32_t> recency_id;
  LargeVector<double> weight;
  std::vector<double> ages;       // by id
  std::vector<double> recencies;  // by id
  std::vector<std::int32_t> distinct_x;
  LargeVector<std::uint32_t> x_index;  // per group, into distinct_x
  double total_weight = 0.0;
};

void index_x(Groups& groups) {
  std::int32_t max_x = 0;
  for (std::int32_t x : groups.x) max_x = std::max(max_x, x);
  std::vector<std::int32_t> slot(static_cast<std::size_t>(max_x) + 1, -1);
  groups.x_index.resize(groups.x.size());
  for (std::size_t i = 0; i < groups.x.size(); ++i) {
    auto& s = slot[static_cast<std::size_t>(groups.x[i])];
    if (s < 0) {
      s = static_cast<std::int32_t>(groups.distinct_x.size());
      groups.distinct_x.push_back(groups.x[i]);
    }
    groups.x_index[i] = static_cast<std::uint32_t>(s);
  }
}

Groups compress(const SummaryView& data) {
  const std::size_t n = data.frequency.size();
  Groups groups;
  groups.total_weight = static_cast<double>(n);
  constexpr std::size_t kMaxIds = 65536;  // ids must fit 16 bits of the packed key
  ValueIds ages(kMaxIds), recencies(kMaxIds);
  LargeVector<std::uint64_t> keys(n);
  bool packed = n > 0;
  for (std::size_t i = 0; i < n && packed; ++i) {
    std::uint32_t age_id = 0, recency_id = 0;
    packed = ages.add(data.age[i], &age_id) && recencies.add(data.recency[i], &recency_id);
    keys[i] = (static_cast<std::uint64_t>(data.frequency[i]) << 32) |
              (static_cast<std::uint64_t>(age_id) << 16) | recency_id;
  }
  if (packed) {
    radix_sort(keys);
    for (std::size_t i = 0; i < n; ++i) {
      if (i > 0 && keys[i] == keys[i - 1]) {
        groups.weight.back() += 1.0;
        continue;
      }
      groups.x.push_back(static_cast<std::int32_t>(keys[i] >> 32));
      groups.age_id.push_back(static_cast<std::uint32_t>((keys[i] >> 16) & 0xffff));
      groups.recency_id.push_back(static_cast<std::uint32_t>(keys[i] & 0xffff));
      groups.weight.push_back(1.0);
    }
    groups.ages = std::move(ages.values);
    groups.recencies = std::move(recencies.values);
  } else {
    groups.x.assign(data.frequency.begin(), data.frequency.end());
    groups.ages.assign(data.age.begin(), data.age.end());
    groups.recencies.assign(data.recency.begin(), data.recency.end());
    groups.age_id.resize(n);
    std::iota(groups.age_id.begin(), groups.age_id.end(), 0u);
    groups.recency_id = groups.age_id;
    groups.weight.assign(n, 1.0);
  }
  index_x(groups);
  return groups;
}

// Terms of the log-likelihood that depend on x only, and their derivatives.
struct XTerms {
  double constant;       // lnG(r+x) - lnG(r) + r ln alpha + lnB(a, b+x) - lnB(a, b)
  double log_ratio;      // ln a - ln(b + x - 1), for x > 0
  double d_r, d_a, d_b;  // derivatives of `constant`
  double d_b_ratio;      // derivative of log_ratio by b
};

std::vector<XTerms> x_terms(const BgNbdParams& p, const std::vector<std::int32_t>& xs,
                            bool with_gradient) {
  std::vector<XTerms> out(xs.size());
  const double base =
      -log_gamma(p.r) + p.r * std::log(p.alpha) + log_gamma(p.a + p.b) - log_gamma(p.b);
  double dr0 = 0, dab0 = 0, db0 = 0;
  if (with_gradient) {
    dr0 = -digamma(p.r) + std::log(p.alpha);
    dab0 = digamma(p.a + p.b);
    db0 = dab0 - digamma(p.b);
  }
  for (std::size_t k = 0; k < xs.size(); ++k) {
    const double x = xs[k];
    XTerms& t = out[k];
    t.constant = base + log_gamma(p.r + x) + log_gamma(p.b + x) - log_gamma(p.a + p.b + x);
    t.log_ratio = x > 0 ? std::log(p.a) - std::log(p.b + x - 1.0) : 0.0;
    if (with_gradient) {
      const double psi_abx = digamma(p.a + p.b + x);
      t.d_r = dr0 + digamma(p.r + x);
      t.d_a = dab0 - psi_abx;
      t.d_b = db0 + digamma(p.b + x) - psi_abx;
      t.d_b_ratio = x > 0 ? -1.0 / (p.b + x - 1.0) : 0.0;
    }
  }
  return out;
}

struct Partial {
  double ll = 0.0;
  double g[4] = {0, 0, 0, 0};  // d/dr, d/dalpha, d/da, d/db
};

// ln(alpha + v) and 1 / (alpha + v) for each distinct value v.
struct ValueTerms {
  std::vector<double> log;
  std::vector<double> inverse;
};

ValueTerms value_terms(double alpha, const std::vector<double>& values) {
  ValueTerms out{std::vector<double>(values.size()), std::vector<double>(values.size())};
  for (std::size_t i = 0; i < values.size(); ++i) {
    out.log[i] = std::log(alpha + values[i]);
    out.inverse[i] = 1.0 / (alpha + values[i]);
  }
  return out;
}

// Sums the weighted log-likelihood (and gradient by the natural parameters) over groups
// [begin, end). With A = -(r+x) ln(alpha+T) and B = ln(a/(b+x-1)) - (r+x) ln(alpha+t_x),
// ll = constant(x) + ln(e^A + [x>0] e^B); the shares of A and B in the log-sum-exp weight
// their derivatives.
Partial sum_groups(const BgNbdParams& p, const Groups& groups, const std::vector<XTerms>& terms,
                   const ValueTerms& age_terms, const ValueTerms& recency_terms, std::size_t begin,
                   std::size_t end, bool with_gradient) {
  Partial out;
  const double r_over_alpha = p.r / p.alpha;
  for (std::size_t i = begin; i < end; ++i) {
    const XTerms& t = terms[groups.x_index[i]];
    const double w = groups.weight[i];
    const double rx = p.r + groups.x[i];
    const double log_aT = age_terms.log[groups.age_id[i]];
    const double A = -rx * log_aT;
    if (groups.x[i] == 0) {
      out.ll += w * (t.constant + A);
      if (with_gradient) {
        out.g[0] += w * (t.d_r - log_aT);
        out.g[1] += w * (r_over_alpha - rx * age_terms.inverse[groups.age_id[i]]);
        out.g[2] += w * t.d_a;
        out.g[3] += w * t.d_b;
      }
      continue;
    }
    const double log_at = recency_terms.log[groups.recency_id[i]];
    const double B = t.log_ratio - rx * log_at;
    const double hi = std::max(A, B);
    const double e = std::exp(-std::fabs(A - B));
    out.ll += w * (t.constant + hi + std::log1p(e));
    if (with_gradient) {
      const double share_hi = 1.0 / (1.0 + e);
      const double share_A = A >= B ? share_hi : 1.0 - share_hi;
      const double share_B = 1.0 - share_A;
      out.g[0] += w * (t.d_r - share_A * log_aT - share_B * log_at);
      out.g[1] += w * (r_over_alpha - rx * (share_A * age_terms.inverse[groups.age_id[i]] +
                                            share_B * recency_terms.inverse[groups.recency_id[i]]));
      out.g[2] += w * (t.d_a + share_B / p.a);
      out.g[3] += w * (t.d_b + share_B * t.d_b_ratio);
    }
  }
  return out;
}

// Total over all groups on `workers` threads; gradient by (ln r, ln alpha, ln a, ln b).
double total(const BgNbdParams& p, const Groups& groups, int workers, double (*gradient)[4]) {
  const bool with_gradient = gradient != nullptr;
  const std::vector<XTerms> terms = x_terms(p, groups.distinct_x, with_gradient);
  const ValueTerms age_terms = value_terms(p.alpha, groups.ages);
  const ValueTerms recency_terms = value_terms(p.alpha, groups.recencies);
  std::vector<Partial> partials(static_cast<std::size_t>(std::max(workers, 1)));
  detail::parallel_slices(
      groups.x.size(), workers, [&](std::size_t begin, std::size_t end, int worker) {
        partials[static_cast<std::size_t>(worker)] =
            sum_groups(p, groups, terms, age_terms, recency_terms, begin, end, with_gradient);
      });
  Partial sum;
  for (const Partial& part : partials) {
    sum.ll += part.ll;
    for (int k = 0; k < 4; ++k) sum.g[k] += part.g[k];
  }
  if (with_gradient) {
    const double theta[4] = {p.r, p.alpha, p.a, p.b};
    for (int k = 0; k < 4; ++k) (*gradient)[k] = sum.g[k] * theta[k];
  }
  return sum.ll;
}

BgNbdParams from_log(const std::vector<double>& v) {
  return BgNbdParams{std::exp(v[0]), std::exp(v[1]), std::exp(v[2]), std::exp(v[3])};
}

}  // namespace

Status validate_summary(const SummaryView& data) {
  const std::size_t n = data.frequency.size();
  if (data.recency.size() != n || data.age.size() != n) {
    return Error::invalid("frequency, recency and T columns differ in length");
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = data.frequency[i];
    const double t_x = data.recency[i];
    const double T = data.age[i];
    const std::string row = "row " + std::to_string(i) + ": ";
    if (x < 0) return Error::invalid(row + "frequency must be >= 0", "frequency");
    if (!std::isfinite(T) || T < 0) return Error::invalid(row + "T must be >= 0", "T");
    if (!std::isfinite(t_x) || t_x < 0 || t_x > T) {
      return Error::invalid(row + "recency must be between 0 and T", "recency");
    }
    if (x == 0 && t_x != 0) {
      return Error::invalid(row + "recency must be 0 when frequency is 0", "recency");
    }
  }
  return {};
}

double bgnbd_log_likelihood(const BgNbdParams& p, std::int32_t x, double t_x, double T) {
  const double xd = x;
  const double constant = log_gamma(p.r + xd) - log_gamma(p.r) + p.r * std::log(p.alpha) +
                          log_gamma(p.a + p.b) + log_gamma(p.b + xd) - log_gamma(p.b) -
                          log_gamma(p.a + p.b + xd);
  const double A = -(p.r + xd) * std::log(p.alpha + T);
  if (x == 0) return constant + A;
  const double B = std::log(p.a) - std::log(p.b + xd - 1.0) - (p.r + xd) * std::log(p.alpha + t_x);
  const double hi = std::max(A, B);
  return constant + hi + std::log1p(std::exp(-std::fabs(A - B)));
}

double bgnbd_log_likelihood(const BgNbdParams& params, const SummaryView& data,
                            double (*gradient)[4]) {
  Groups groups = compress(data);
  return total(params, groups, 1, gradient);
}

Result<BgNbdFit> fit_bgnbd(const SummaryView& data, const FitOptions& options) {
  ECRM_RETURN_IF_ERROR(validate_summary(data));
  if (data.frequency.empty()) return Error::invalid("no customers to fit", "frequency");
  const Groups groups = compress(data);
  const int workers = detail::worker_count(options.threads, groups.x.size(), 20'000);

  // Start from a rate near the observed one: r = 1 and alpha = sum(T) / sum(x).
  double sum_x = 0.0, sum_T = 0.0;
  for (std::size_t i = 0; i < groups.x.size(); ++i) {
    sum_x += groups.weight[i] * groups.x[i];
    sum_T += groups.weight[i] * groups.ages[groups.age_id[i]];
  }
  const double alpha0 = std::max(sum_T / std::max(sum_x, 1.0), 1e-3);
  const double scale = 1.0 / groups.total_weight;

  detail::Objective objective = [&](const std::vector<double>& v, std::vector<double>& grad) {
    const BgNbdParams p = from_log(v);
    if (grad.empty()) return -total(p, groups, workers, nullptr) * scale;
    double g[4];
    const double ll = total(p, groups, workers, &g);
    for (int k = 0; k < 4; ++k) grad[static_cast<std::size_t>(k)] = -g[k] * scale;
    return -ll * scale;
  };
  detail::Minimum best = detail::minimize(objective, {0.0, std::log(alpha0), 0.0, 0.0}, -25.0, 25.0,
                                          options.max_evaluations);
  if (!best.found) return Error::unprocessable("BG/NBD fit did not reach a finite likelihood");
  BgNbdFit fit;
  fit.params = from_log(best.x);
  fit.log_likelihood = -best.value / scale;
  fit.customers = data.frequency.size();
  fit.groups = groups.x.size();
  fit.evaluations = best.evaluations;
  fit.method = best.method;
  return fit;
}

double bgnbd_p_alive(const BgNbdParams& p, std::int32_t x, double t_x, double T) {
  if (x == 0) return 1.0;
  const double xd = x;
  const double log_odds = std::log(p.a) - std::log(p.b + xd - 1.0) +
                          (p.r + xd) * (std::log(p.alpha + T) - std::log(p.alpha + t_x));
  return 1.0 / (1.0 + std::exp(log_odds));
}

namespace {

// (a+b+x-1)/(a-1) * [1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)]: expected purchases in the
// next t of a customer alive now with x repeat purchases, z = t / (alpha + T + t).
double alive_expectation(double r, double a, double b, double x, double z) {
  const double c = a + b + x - 1.0;
  const double f = hyp2f1(a + b - 1.0 - r, a - 1.0, c, z);
  return c / (a - 1.0) * (1.0 - std::pow(1.0 - z, a - 1.0) * f);
}

double alive_expectation_safe(double r, double a, double b, double x, double z) {
  constexpr double kStep = 1e-5;
  if (std::fabs(a - 1.0) < kStep) {
    return 0.5 * (alive_expectation(r, 1.0 - kStep, b, x, z) +
                  alive_expectation(r, 1.0 + kStep, b, x, z));
  }
  return alive_expectation(r, a, b, x, z);
}

}  // namespace

double bgnbd_expected_purchases(const BgNbdParams& p, double t) {
  if (t <= 0) return 0.0;
  return alive_expectation_safe(p.r, p.a, p.b, 0.0, t / (p.alpha + t));
}

double bgnbd_conditional_expected_purchases(const BgNbdParams& p, double t, std::int32_t x,
                                            double t_x, double T) {
  if (t <= 0) return 0.0;
  const double z = t / (p.alpha + T + t);
  return alive_expectation_safe(p.r, p.a, p.b, x, z) * bgnbd_p_alive(p, x, t_x, T);
}

}  // namespace ecrm::analytics
