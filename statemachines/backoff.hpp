// Backoff between retries as pure functions of (retry number, previous delay, one random draw):
// constant, linear or exponential, with the jitter families of the systems users know. Boost-free.
#pragma once

#include <cstdint>      // std::uint32_t, std::uint64_t
#include <string_view>  // std::string_view

#include "model/kernel/rng.hpp"
#include "model/kernel/time.hpp"

namespace cascadelab {

enum class BackoffKind {
    Constant,     // base
    Linear,       // n * base                       (Polly Linear: (attempt+1) * Delay)
    Exponential,  // base * multiplier^(n-1)
    // AWS SDK legacy standard mode (aws-sdk-go-v2 ExponentialJitterBackoff): U * base *
    // 2^min(n, log2(cap / base)) for retry n (the first retry: n = 1). The jitter setting is not
    // used: the formula has its own.
    AwsLegacy,
};

enum class Jitter {
    None,                 // d
    Full,                 // U[0, d)                 (Brooker; the tutorial; gRPC before 2024; AWS 2026)
    Equal,                // d/2 + U[0, d/2)         (Brooker)
    Decorrelated,         // min(cap, U[base, 3*prev)), prev starts at base (Brooker)
    Proportional,         // d * U[low, high)        (gRPC A6 since 2024: U(0.8, 1.2); Polly +-25%)
    PollyDecorrelatedV2,  // t = n-1 + U; next = 2^t * tanh(sqrt(4t)); d = (next - prev) * base / 1.4
    // Envoy's JitteredExponentialBackOffStrategy: a 64-bit random draw modulo d, in whole
    // milliseconds: [0, d) ms with integer arithmetic (and its modulo bias).
    EnvoyModulo,
};

enum class CapOrder {
    JitterThenCap,  // min(cap, jitter(raw))   Resilience4j, Polly MaxDelay
    CapThenJitter,  // jitter(min(cap, raw))   AWS 2026: U * min(x * 2^i, MAX); Envoy, gRPC, the tutorial
};

struct BackoffConfig {
    BackoffKind kind = BackoffKind::Exponential;
    Duration base = Duration::millis(20);
    double multiplier = 2.0;
    // May be below `base` (Polly allows a MaxDelay under the Delay: every delay is then the cap).
    Duration cap = Duration::millis(400);
    Jitter jitter = Jitter::Full;
    CapOrder cap_order = CapOrder::CapThenJitter;
    double proportional_low = 0.8;   // Jitter::Proportional only
    double proportional_high = 1.2;

    // The tutorial: full jitter, U[0, min(400, 20 * 2^(n-1))) ms.
    static BackoffConfig tutorial() { return BackoffConfig{}; }
    // gRPC A6 (2024): min(initial * mult^(n-1), max) * U(0.8, 1.2).
    static BackoffConfig grpc(Duration initial, double multiplier, Duration max);
    // Envoy router retries: base_interval 25 ms, max_interval 10 x base, full jitter by modulo.
    static BackoffConfig envoy(Duration base_interval = Duration::millis(25), Duration max_interval = Duration::zero());
    // Polly v8 RetryStrategyOptions: BackoffType, Delay (2 s), MaxDelay (none), UseJitter (false).
    static BackoffConfig polly(BackoffKind type = BackoffKind::Constant, Duration delay = Duration::seconds(2),
                               Duration max_delay = Duration::max(), bool use_jitter = false);
    // AWS SDK standard mode: legacy (1 s base, 20 s cap) or the 2026 formula (50 ms base).
    static BackoffConfig aws_legacy(Duration max_backoff = Duration::seconds(20));
    static BackoffConfig aws_2026(Duration base = Duration::millis(50), Duration max_backoff = Duration::seconds(20));

    void validate() const;  // throws ConfigError naming the field and the value
};

std::string_view name(BackoffKind k);
std::string_view name(Jitter j);

// One random draw, used by whichever jitter formula applies: `bits` as Envoy's 64-bit random,
// `unit` = the top 53 bits in [0, 1) (exactly Rng::uniform01 of the same bits).
struct BackoffDraw {
    std::uint64_t bits = 0;
    double unit = 0.0;

    static BackoffDraw of(std::uint64_t random_bits) {
        return BackoffDraw{random_bits, static_cast<double>(random_bits >> 11) * 0x1.0p-53};
    }
    // A peer test's injected randomizer returns a value in [0, 1] (AWS's tests use 1): use it as is.
    static BackoffDraw exactly(double u) {
        return BackoffDraw{u >= 1.0 ? UINT64_MAX : u <= 0.0 ? 0 : static_cast<std::uint64_t>(u * 0x1.0p64), u};
    }
};

// One request's sequence of delays. It counts its own retries, so that gRPC's pushback can start
// the exponential sequence over; Decorrelated and PollyDecorrelatedV2 remember the previous draw.
class BackoffSchedule {
public:
    explicit BackoffSchedule(const BackoffConfig& config) : config_(&config) {}

    // The delay before the next retry (the first call: the first retry, n = 1). Draws one
    // number from `rng`, except for jitter None (and the AWS legacy cap), which draw nothing.
    // `base`: another base for this one delay (AWS 2026 backs off from 1 s after a throttle);
    // zero = the configured base.
    Duration next(Rng& rng, Duration base = Duration::zero());
    // The same with the draw given: what a peer's test does with its mocked randomizer.
    Duration next_with(BackoffDraw draw, Duration base = Duration::zero());
    // Starts the sequence over: the next delay is the first again (gRPC: after a pushback).
    void reset();
    std::uint32_t retries() const { return retries_; }

    // The un-jittered delay before retry n: what `next` would give with Jitter::None.
    static Duration raw(const BackoffConfig& c, std::uint32_t n);
    // Does the next delay consume a random draw?
    bool draws() const;

private:
    const BackoffConfig* config_;
    std::uint32_t retries_ = 0;
    double previous_us_ = -1;        // Decorrelated: the previous delay (base at first)
    double previous_formula_ = 0.0;  // PollyDecorrelatedV2: the previous 2^t * tanh(sqrt(4t))
};

}  // namespace cascadelab
