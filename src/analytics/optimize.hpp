// Internal: the NLopt driver shared by the model fits. Not part of the public engine API.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace ecrm::analytics::detail {

// Objective to minimise: returns f(x) and, when `gradient` is not empty, fills it with df/dx.
using Objective =
    std::function<double(const std::vector<double>& x, std::vector<double>& gradient)>;

struct Minimum {
  std::vector<double> x;
  double value = 0.0;
  int evaluations = 0;
  std::string method;
  bool found = false;  // a finite value was reached
};

// Minimises `objective` inside the box [lower, upper]^n from `start`: L-BFGS on the gradient
// first; if it fails or ends with a gradient norm above `gradient_tolerance`, Sbplx (derivative
// free) continues from the best point so far, and the lower of the two results is kept.
Minimum minimize(const Objective& objective, std::vector<double> start, double lower, double upper,
                 int max_evaluations, double gradient_tolerance = 1e-6);

}  // namespace ecrm::analytics::detail
