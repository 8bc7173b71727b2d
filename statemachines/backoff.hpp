// Backoff between retries as pure functions of (retry number, previous delay, RNG): constant,
// linear or exponential, with the jitter families of the systems users know. Boost-free.
#pragma once

#include <cstdint>      // std::uint32_t
#include <string_view>  // std::string_view

#include "model/rng.hpp"
#include "model/time.hpp"

namespace cascadelab {

enum class BackoffKind {
    Constant,     // base
    Linear,       // n * base                       (Polly Linear: (attempt+1) * Delay)
    Exponential,  // base * multiplier^(n-1)
};

enum class Jitter {
    None,                 // d
    Full,                 // U[0, d)                 (Brooker; Envoy; the tutorial; gRPC before 2024)
    Equal,                // d/2 + U[0, d/2)         (Brooker)
    Decorrelated,         // min(cap, U[base, 3*prev)), prev starts at base (Brooker)
    Proportional,         // d * U[low, high)        (gRPC A6 since 2024: U(0.8, 1.2); R4j: 1 +- f)
    PollyDecorrelatedV2,  // t = n-1 + U; next = 2^t * tanh(sqrt(4t)); d = (next - prev) * base / 1.4
};

enum class CapOrder {
    JitterThenCap,  // min(cap, jitter(raw))   Resilience4j, Polly MaxDelay
    CapThenJitter,  // jitter(min(cap, raw))   AWS 2026: U * min(x * 2^i, MAX); Envoy, the tutorial
};

struct BackoffConfig {
    BackoffKind kind = BackoffKind::Exponential;
    Duration base = Duration::millis(20);
    double multiplier = 2.0;
    Duration cap = Duration::millis(400);
    Jitter jitter = Jitter::Full;
    CapOrder cap_order = CapOrder::CapThenJitter;
    double proportional_low = 0.8;   // Jitter::Proportional only
    double proportional_high = 1.2;

    // The tutorial: full jitter, U[0, min(400, 20 * 2^(n-1))) ms.
    static BackoffConfig tutorial() { return BackoffConfig{}; }
    // gRPC A6 (2024): min(initial * mult^(n-1), max) * U(0.8, 1.2).
    static BackoffConfig grpc(Duration initial, double multiplier, Duration max);

    void validate() const;  // throws ConfigError naming the field and the value
};

std::string_view name(BackoffKind k);
std::string_view name(Jitter j);

// One request's sequence of delays: Decorrelated and PollyDecorrelatedV2 remember the previous
// draw, so each request owns one schedule.
class BackoffSchedule {
public:
    explicit BackoffSchedule(const BackoffConfig& config) : config_(&config) {}

    // The delay before retry number n (n = 1 for the first retry, i.e. before attempt 2).
    Duration next(std::uint32_t n, Rng& rng);
    // The un-jittered delay: what `next` would give with Jitter::None.
    static Duration raw(const BackoffConfig& c, std::uint32_t n);

private:
    const BackoffConfig* config_;
    double previous_us_ = -1;        // Decorrelated: the previous delay (base at first)
    double previous_formula_ = 0.0;  // PollyDecorrelatedV2: the previous 2^t * tanh(sqrt(4t))
};

}  // namespace cascadelab
