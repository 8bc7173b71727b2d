// Means and 95 % confidence intervals over seeds: Student's t for small samples (the interval is
// mean ± t(0.975, n−1) · s / √n), the normal 1.96 from 30 degrees of freedom on.
#pragma once

#include <vector>  // std::vector

namespace cascadelab::cli {

struct Estimate {
    double mean = 0.0;
    double half_width = 0.0;  // of the 95 % confidence interval; 0 for one sample
    double sd = 0.0;          // sample standard deviation
    std::size_t n = 0;
    double low() const { return mean - half_width; }
    double high() const { return mean + half_width; }
};

Estimate estimate(const std::vector<double>& samples);
double t_quantile_975(std::size_t degrees_of_freedom);

}  // namespace cascadelab::cli
