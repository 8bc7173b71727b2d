// Backoff formulas. Each is written out where it is used; see backoff.hpp for the sources.
#include "statemachines/backoff.hpp"

#include <algorithm>  // std::min, std::max
#include <cmath>      // std::pow, std::ldexp, std::tanh, std::sqrt, std::isinf, std::floor, std::log2

#include "statemachines/config_error.hpp"
#include "statemachines/config_tables.hpp"

namespace cascadelab {

namespace {
// Microseconds as a double to a Duration: negative and NaN are 0, anything past the range is
// Duration::max() (Polly: an overflowing delay is TimeSpan.MaxValue, or MaxDelay).
Duration from_us(double us) {
    if (!(us > 0)) return Duration::zero();
    if (us >= 9.0e18) return Duration::max();
    return Duration::micros(static_cast<std::int64_t>(us));
}

// AWS legacy: the retry number from which the delay is exactly the cap, floor(log2(cap / base)).
// aws-sdk-go-v2 ExponentialJitterBackoff: the exponent stops at log2(max / base), a real number,
// so the last step reaches the maximum itself (2^log2(20) = 20 for 1 s and 20 s).
double aws_legacy_limit(const BackoffConfig& c) {
    return std::log2(static_cast<double>(c.cap.us()) / static_cast<double>(c.base.us()));
}
}  // namespace

Duration BackoffSchedule::raw(const BackoffConfig& c, std::uint32_t n) {
    const double base = static_cast<double>(c.base.us());
    switch (c.kind) {
        case BackoffKind::Constant: return c.base;
        case BackoffKind::Linear: return from_us(base * n);
        case BackoffKind::Exponential:
            // Doubling (the common multiplier) scales the exponent: the same double as pow, bit for
            // bit, below 2^1024 (where pow is finite), at a fraction of pow's cost.
            if (c.multiplier == 2.0 && n >= 1 && n - 1 < 1024) return from_us(std::ldexp(base, static_cast<int>(n - 1)));
            return from_us(base * std::pow(c.multiplier, static_cast<double>(n) - 1.0));
        case BackoffKind::AwsLegacy:
            return from_us(base * std::exp2(std::min(static_cast<double>(n), aws_legacy_limit(c))));
    }
    return c.base;
}

bool BackoffSchedule::draws() const {
    const BackoffConfig& c = *config_;
    return c.kind == BackoffKind::AwsLegacy || c.jitter != Jitter::None;
}

Duration BackoffSchedule::next(Rng& rng, Duration base) {
    return next_with(draws() ? BackoffDraw::of(rng.next_u64()) : BackoffDraw{}, base);
}

void BackoffSchedule::reset() {
    retries_ = 0;
    previous_us_ = -1;
    previous_formula_ = 0.0;
}

Duration BackoffSchedule::next_with(BackoffDraw draw, Duration base_override) {
    if (base_override > Duration::zero()) {
        BackoffConfig with_base = *config_;
        with_base.base = base_override;
        const BackoffConfig* const configured = config_;
        config_ = &with_base;
        const Duration d = next_with(draw);
        config_ = configured;
        return d;
    }
    const BackoffConfig& c = *config_;
    const std::uint32_t n = ++retries_;
    const double u = draw.unit;
    if (c.kind == BackoffKind::AwsLegacy) {
        return from_us(u * static_cast<double>(raw(c, n).us()));  // [0, 1) x base x 2^min(n, limit)
    }
    const double cap = static_cast<double>(c.cap.us());
    const double base = static_cast<double>(c.base.us());
    double d = static_cast<double>(raw(c, n).us());
    if (c.cap_order == CapOrder::CapThenJitter) d = std::min(d, cap);
    switch (c.jitter) {
        case Jitter::None: break;
        // Each U below is lo + (hi - lo) * unit, the same arithmetic as Rng::uniform_real.
        case Jitter::Full: d = d * u; break;
        case Jitter::Equal: d = d / 2 + (d / 2) * u; break;
        case Jitter::Proportional:
            d *= c.proportional_low + (c.proportional_high - c.proportional_low) * u;
            break;
        case Jitter::Decorrelated: {
            // Brooker 2015: sleep = min(cap, random_between(base, sleep * 3)); ignores n.
            const double previous = previous_us_ < 0 ? base : previous_us_;
            const double high = std::max(base, previous * 3);
            d = std::min(cap, base + (high - base) * u);
            previous_us_ = d;
            break;
        }
        case Jitter::PollyDecorrelatedV2: {
            // Polly v8 DecorrelatedJitterBackoffV2 (attempt counted from 0 there). A zero base is
            // zero; past t ~ 1024 the formula is infinite and the delay is the largest there is,
            // then MaxDelay (Polly #2163: it used to turn negative).
            if (c.base == Duration::zero()) return Duration::zero();
            const double t = static_cast<double>(n - 1) + u;
            const double formula = std::pow(2.0, t) * std::tanh(std::sqrt(4.0 * t));
            d = std::isinf(formula) ? formula : (formula - previous_formula_) * base / 1.4;
            previous_formula_ = formula;
            break;
        }
        case Jitter::EnvoyModulo: {
            // random() % interval, in whole milliseconds (Envoy asserts a positive interval). The
            // interval is always capped first: Envoy doubles it up to max_interval.
            const auto interval_ms = static_cast<std::uint64_t>(from_us(std::min(d, cap)).us() / 1000);
            return interval_ms == 0 ? Duration::zero()
                                    : Duration::millis(static_cast<std::int64_t>(draw.bits % interval_ms));
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

BackoffConfig BackoffConfig::envoy(Duration base_interval, Duration max_interval) {
    BackoffConfig c;
    c.kind = BackoffKind::Exponential;
    c.base = base_interval;
    c.multiplier = 2.0;
    c.cap = max_interval > Duration::zero() ? max_interval : base_interval * 10;  // Envoy's default: 10 x base
    c.jitter = Jitter::EnvoyModulo;
    c.cap_order = CapOrder::CapThenJitter;
    return c;
}

BackoffConfig BackoffConfig::polly(BackoffKind type, Duration delay, Duration max_delay, bool use_jitter) {
    BackoffConfig c;
    c.kind = type;
    c.base = delay;
    c.multiplier = 2.0;  // Polly's exponential factor is fixed
    c.cap = max_delay;
    c.cap_order = CapOrder::JitterThenCap;
    if (!use_jitter) {
        c.jitter = Jitter::None;
    } else if (type == BackoffKind::Exponential) {
        c.jitter = Jitter::PollyDecorrelatedV2;
    } else {
        // RetryHelper.ApplyJitter: d + (d * 0.5 * U - d / 4), i.e. d * [0.75, 1.25).
        c.jitter = Jitter::Proportional;
        c.proportional_low = 0.75;
        c.proportional_high = 1.25;
    }
    return c;
}

BackoffConfig BackoffConfig::aws_legacy(Duration max_backoff) {
    BackoffConfig c;
    c.kind = BackoffKind::AwsLegacy;
    c.base = Duration::seconds(1);
    c.multiplier = 2.0;
    c.cap = max_backoff;
    c.jitter = Jitter::Full;
    c.cap_order = CapOrder::CapThenJitter;
    return c;
}

BackoffConfig BackoffConfig::aws_2026(Duration base, Duration max_backoff) {
    BackoffConfig c;
    c.kind = BackoffKind::Exponential;
    c.base = base;
    c.multiplier = 2.0;
    c.cap = max_backoff;
    c.jitter = Jitter::Full;
    c.cap_order = CapOrder::CapThenJitter;
    return c;
}

void BackoffConfig::validate() const {
    constexpr std::string_view s = "backoff";
    check_ranges(backoff_fields(), *this, s);
    require(proportional_low <= proportional_high, s, "proportional_low", proportional_low,
            "must be at most proportional_high");
    if (kind == BackoffKind::AwsLegacy)
        require(base > Duration::zero() && cap >= base, s, "cap", cap, "must be at least base for the AWS legacy formula");
}

std::string_view name(BackoffKind k) {
    switch (k) {
        case BackoffKind::Constant: return "constant";
        case BackoffKind::Linear: return "linear";
        case BackoffKind::Exponential: return "exponential";
        case BackoffKind::AwsLegacy: return "aws-legacy";
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
        case Jitter::EnvoyModulo: return "envoy-modulo";
    }
    return "?";
}

}  // namespace cascadelab
