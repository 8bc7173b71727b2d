#include "experiments/stats.hpp"

#include <cmath>  // std::sqrt

namespace cascadelab::cli {

double t_quantile_975(std::size_t df) {
    // t(0.975, df) for df = 1..30 (standard tables); the normal quantile beyond.
    static constexpr double kTable[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                        2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                        2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    if (df == 0) return 0.0;
    return df <= 30 ? kTable[df - 1] : 1.960;
}

Estimate estimate(const std::vector<double>& samples) {
    Estimate e;
    e.n = samples.size();
    if (e.n == 0) return e;
    double sum = 0.0;
    for (double x : samples) sum += x;
    e.mean = sum / static_cast<double>(e.n);
    if (e.n < 2) return e;
    double squares = 0.0;
    for (double x : samples) squares += (x - e.mean) * (x - e.mean);
    e.sd = std::sqrt(squares / static_cast<double>(e.n - 1));
    e.half_width = t_quantile_975(e.n - 1) * e.sd / std::sqrt(static_cast<double>(e.n));
    return e;
}

}  // namespace cascadelab::cli
