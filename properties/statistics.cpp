#include "properties/statistics.hpp"

#include <algorithm>  // std::clamp
#include <cmath>      // std::sqrt, std::log, std::lgamma, std::exp, std::ceil, std::pow

#include <fmt/format.h>

#include "statemachines/config_error.hpp"

namespace cascadelab::properties {

namespace {

// The standard normal quantile, by bisection on erfc: only a few alphas are ever asked for.
double normal_quantile(double p) {
    double lo = -40.0, hi = 40.0;
    for (int i = 0; i < 200; ++i) {
        const double mid = (lo + hi) / 2;
        if (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p) lo = mid;
        else hi = mid;
    }
    return (lo + hi) / 2;
}

// P(X ≤ k) for X ~ Binomial(n, p), summed in log space (n may be large, p tiny).
double binomial_cdf(std::uint64_t k, std::uint64_t n, double p) {
    if (p <= 0.0) return 1.0;
    if (p >= 1.0) return k >= n ? 1.0 : 0.0;
    const double nn = static_cast<double>(n);
    double sum = 0.0;
    for (std::uint64_t i = 0; i <= k && i <= n; ++i) {
        const double ii = static_cast<double>(i);
        const double log_term = std::lgamma(nn + 1) - std::lgamma(ii + 1) - std::lgamma(nn - ii + 1) + ii * std::log(p) +
                                (nn - ii) * std::log1p(-p);
        sum += std::exp(log_term);
    }
    return std::min(1.0, sum);
}

}  // namespace

Interval wilson_interval(std::uint64_t k, std::uint64_t n, double alpha) {
    if (n == 0) return {};
    const double z = normal_quantile(1.0 - alpha / 2);
    const double nn = static_cast<double>(n);
    const double p = static_cast<double>(k) / nn;
    const double denominator = 1.0 + z * z / nn;
    const double centre = (p + z * z / (2 * nn)) / denominator;
    const double half = z / denominator * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn));
    // At k = 0 or k = n the bound is exact in theory; clamp the rounding.
    return {k == 0 ? 0.0 : std::clamp(centre - half, 0.0, 1.0), k == n ? 1.0 : std::clamp(centre + half, 0.0, 1.0)};
}

double clopper_pearson_upper(std::uint64_t k, std::uint64_t n, double delta) {
    if (k >= n) return 1.0;
    if (k == 0) return 1.0 - std::pow(delta, 1.0 / static_cast<double>(n));
    double lo = static_cast<double>(k) / static_cast<double>(n), hi = 1.0;  // the CDF falls as p grows
    for (int i = 0; i < 200; ++i) {
        const double mid = (lo + hi) / 2;
        if (binomial_cdf(k, n, mid) > delta) lo = mid;
        else hi = mid;
    }
    return hi;
}

std::uint64_t zero_failure_runs(double epsilon, double delta) {
    return static_cast<std::uint64_t>(std::ceil(std::log(delta) / std::log1p(-epsilon)));
}

std::uint64_t okamoto_runs(double epsilon, double delta) {
    return static_cast<std::uint64_t>(std::ceil(std::log(2.0 / delta) / (2.0 * epsilon * epsilon)));
}

void SprtOptions::validate() const {
    const auto open_unit = [](const char* option, double v) {
        if (!(v > 0.0 && v < 1.0)) throw ConfigError(option, fmt::format("{}", v), "must be in (0, 1)");
    };
    open_unit("--confidence", threshold);
    open_unit("--alpha", alpha);
    open_unit("--beta", beta);
    if (!(indifference > 0.0 && threshold - indifference > 0.0 && threshold + indifference < 1.0))
        throw ConfigError("--indifference", fmt::format("{}", indifference),
                          fmt::format("must be positive and keep --confidence ± it inside (0, 1) (--confidence {})", threshold));
    if (max_runs < 1) throw ConfigError("--max-seeds", fmt::format("{}", max_runs), "must be at least 1");
}

Sprt::Sprt(const SprtOptions& options) : options_(options) {
    const double p0 = options.threshold - options.indifference;
    const double p1 = options.threshold + options.indifference;
    fail_step_ = std::log(p1 / p0);
    hold_step_ = std::log((1 - p1) / (1 - p0));
    accept_fails_ = std::log((1 - options.beta) / options.alpha);
    accept_holds_ = std::log(options.beta / (1 - options.alpha));
}

Sprt::Decision Sprt::add(bool violated) {
    if (decision_ != Decision::Undecided) return decision_;
    ++runs_;
    if (violated) ++violations_;
    llr_ += violated ? fail_step_ : hold_step_;
    if (llr_ >= accept_fails_) decision_ = Decision::Fails;
    else if (llr_ <= accept_holds_) decision_ = Decision::Holds;
    else if (runs_ >= options_.max_runs)
        decision_ = static_cast<double>(violations_) >= options_.threshold * static_cast<double>(runs_) ? Decision::Fails
                                                                                                      : Decision::Holds;
    return decision_;
}

std::string describe_estimate(std::uint64_t violations, std::uint64_t runs) {
    const Interval ci = wilson_interval(violations, runs);
    return fmt::format("{} of {} seeds ({:.2f}, 95 % interval {:.2f}–{:.2f})", violations, runs,
                       runs ? static_cast<double>(violations) / static_cast<double>(runs) : 0.0, ci.low, ci.high);
}

}  // namespace cascadelab::properties
