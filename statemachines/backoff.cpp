// Backoff formulas. Each is written out where it is used; see backoff.hpp for the sources.
#include "statemachines/backoff.hpp"

#include <algorithm>  // std::min, std::max
#include <cmath>      // std::pow, std::tanh, std::sqrt

#include "statemachines/config_error.hpp"

namespace cascadelab {

namespace {
Duration from_us(double us) {
    if (us <= 0) return Duration::zero();
    if (us >= 9.0e18) return Duration::max();
    return Duration::micros(static_cast<std::int64_t>(us));
}
}  // namespace

Duration BackoffSchedule::raw(const BackoffConfig& c, std::uint32_t n) {
    const double base = static_cast<double>(c.base.us());
    switch (c.kind) {
        case BackoffKind::Constant: return c.base;
        case BackoffKind::Linear: return from_us(base * n);
        case BackoffKind::Exponential: return from_us(base * std::pow(c.multiplier, static_cast<double>(n) - 1.0));
    }
    return c.base;
}

Duration BackoffSchedule::next(std::uint32_t n, Rng& rng) {
    const BackoffConfig& c = *config_;
    const double cap = static_cast<double>(c.cap.us());
    const double base = static_cast<double>(c.base.us());
    double d = static_cast<double>(raw(c, n).us());
    if (c.cap_order == CapOrder::CapThenJitter) d = std::min(d, cap);
    switch (c.jitter) {
        case Jitter::None: break;
        case Jitter::Full: d = rng.uniform_real(0.0, d); break;
        case Jitter::Equal: d = d / 2 + rng.uniform_real(0.0, d / 2); break;
        case Jitter::Proportional: d *= rng.uniform_real(c.proportional_low, c.proportional_high); break;
        case Jitter::Decorrelated: {
            // Brooker 2015: sleep = min(cap, random_between(base, sleep * 3)); ignores n.
            const double previous = previous_us_ < 0 ? base : previous_us_;
            d = std::min(cap, rng.uniform_real(base, std::max(base, previous * 3)));
            previous_us_ = d;
            break;
        }
        case Jitter::PollyDecorrelatedV2: {
            // Polly v8 DecorrelatedJitterBackoffV2 (attempt counted from 0 there).
            const double t = static_cast<double>(n - 1) + rng.uniform01();
            const double formula = std::pow(2.0, t) * std::tanh(std::sqrt(4.0 * t));
            d = (formula - previous_formula_) * base / 1.4;
            previous_formula_ = formula;
            break;
        }
    }
    if (c.cap_order == CapOrder::JitterThenCap || c.jitter == Jitter::PollyDecorrelatedV2) d = std::min(d, cap);
    return from_us(d);
}

BackoffConfig BackoffConfig::grpc(Duration initial, double mult, Duration max) {
    BackoffConfig c;
    c.kind = BackoffKind::Exponential;
    c.base = initial;
    c.multiplier = mult;
    c.cap = max;
    c.jitter = Jitter::Proportional;
    c.cap_order = CapOrder::CapThenJitter;
    return c;
}

void BackoffConfig::validate() const {
    constexpr std::string_view s = "backoff";
    require(base >= Duration::zero(), s, "base", base, "must not be negative");
    require(cap >= base, s, "cap", cap, "must be at least base");
    require(multiplier >= 1.0 && multiplier <= 100.0, s, "multiplier", multiplier, "must be in [1, 100]");
    require(proportional_low >= 0.0 && proportional_low <= proportional_high, s, "proportional_low", proportional_low,
            "must be in [0, proportional_high]");
    require(proportional_high <= 10.0, s, "proportional_high", proportional_high, "must be at most 10");
}

std::string_view name(BackoffKind k) {
    switch (k) {
        case BackoffKind::Constant: return "constant";
        case BackoffKind::Linear: return "linear";
        case BackoffKind::Exponential: return "exponential";
    }
    return "?";
}

std::string_view name(Jitter j) {
    switch (j) {
        case Jitter::None: return "none";
        case Jitter::Full: return "full";
        case Jitter::Equal: return "equal";
        case Jitter::Decorrelated: return "decorrelated";
        case Jitter::Proportional: return "proportional";
        case Jitter::PollyDecorrelatedV2: return "polly-decorrelated-v2";
    }
    return "?";
}

}  // namespace cascadelab
