#include "analytics/optimize.hpp"

#include <cmath>
#include <limits>
#include <nlopt.hpp>

namespace ecrm::analytics::detail {
namespace {

struct Counted {
  const Objective* objective;
  int evaluations = 0;
  std::vector<double> best_x;
  double best_value = std::numeric_limits<double>::infinity();
};

double call(const std::vector<double>& x, std::vector<double>& gradient, void* data) {
  auto* counted = static_cast<Counted*>(data);
  ++counted->evaluations;
  double value = (*counted->objective)(x, gradient);
  if (!std::isfinite(value)) return std::numeric_limits<double>::max();
  if (value < counted->best_value) {
    counted->best_value = value;
    counted->best_x = x;
  }
  return value;
}

void run(nlopt::algorithm algorithm, Counted& counted, std::vector<double> start, double lower,
         double upper, int max_evaluations) {
  nlopt::opt opt(algorithm, static_cast<unsigned>(start.size()));
  opt.set_lower_bounds(lower);
  opt.set_upper_bounds(upper);
  opt.set_min_objective(call, &counted);
  opt.set_ftol_rel(1e-14);
  opt.set_xtol_rel(1e-11);
  opt.set_maxeval(max_evaluations);
  if (algorithm == nlopt::LN_SBPLX) opt.set_initial_step(0.05);
  double value = 0.0;
  try {
    opt.optimize(start, value);
  } catch (const std::exception&) {
    // Round-off limits and failures are expected near an optimum; the best point is tracked in
    // `counted` either way.
  }
}

double gradient_norm(const Objective& objective, const std::vector<double>& x) {
  std::vector<double> gradient(x.size());
  objective(x, gradient);
  double sum = 0.0;
  for (double g : gradient) sum += g * g;
  return std::sqrt(sum);
}

}  // namespace

Minimum minimize(const Objective& objective, std::vector<double> start, double lower, double upper,
                 int max_evaluations, double gradient_tolerance) {
  Counted counted{&objective};
  run(nlopt::LD_LBFGS, counted, start, lower, upper, max_evaluations);
  Minimum result;
  result.method = "LD_LBFGS";
  bool converged = !counted.best_x.empty() && std::isfinite(counted.best_value) &&
                   gradient_norm(objective, counted.best_x) <= gradient_tolerance;
  if (!converged) {
    std::vector<double> from = counted.best_x.empty() ? start : counted.best_x;
    const double before = counted.best_value;
    run(nlopt::LN_SBPLX, counted, from, lower, upper, max_evaluations);
    if (counted.best_value < before) result.method = "LD_LBFGS+LN_SBPLX";
  }
  result.found = !counted.best_x.empty() && std::isfinite(counted.best_value);
  result.x = counted.best_x;
  result.value = counted.best_value;
  result.evaluations = counted.evaluations;
  return result;
}

}  // namespace ecrm::analytics::detail
