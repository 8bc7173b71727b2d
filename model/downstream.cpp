#include "model/downstream.hpp"

#include <algorithm>  // std::max, std::min
#include <cmath>      // std::llround

#include "model/scenario_tables.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab {

std::string_view name(TimeoutSemantics t) { return t == TimeoutSemantics::Cancel ? "cancel" : "abandon"; }

std::string_view name(PushbackPolicy::When w) {
    switch (w) {
        case PushbackPolicy::When::Never: return "never";
        case PushbackPolicy::When::OnRefusal: return "on_refusal";
        case PushbackPolicy::When::OnAnyFailure: return "on_any_failure";
    }
    return "?";
}

void DownstreamConfig::validate() const {
    check_ranges(downstream_fields(), *this, "downstream");
    require(pushback.advice.kind != Pushback::Kind::None, "downstream", "pushback.advice", "none",
            "must be a delay or stop (use when = never for no pushback)");
    require(pushback.advice.after >= Duration::zero(), "downstream", "pushback.after", pushback.advice.after,
            "must not be negative");
}

Downstream::Downstream(const DownstreamConfig& config, const FaultSchedule& faults, Rng latency_rng, Rng failure_rng,
                       Rng fatal_rng)
    : config_(config), faults_(&faults), latency_rng_(latency_rng), failure_rng_(failure_rng), fatal_rng_(fatal_rng) {}

AttemptPlan Downstream::start(Time now) {
    ++started_;
    const ActiveFaults f = faults_->empty() ? ActiveFaults{} : faults_->at(now);
    const auto capacity = static_cast<std::uint32_t>(
        std::max(1.0, static_cast<double>(config_.capacity) * f.capacity_factor));
    const bool full = config_.capacity != DownstreamConfig::kUnlimited && in_flight_ >= capacity;
    if (f.outage || full) {
        ++refused_;
        AttemptPlan refusal;
        refusal.latency = config_.refusal_latency;
        refusal.fails = refusal.refused = true;
        refusal.failure = f.outage ? AttemptOutcome::Error : AttemptOutcome::Throttled;
        if (config_.pushback.applies(true)) refusal.pushback = config_.pushback.advice;
        return refusal;
    }
    ++in_flight_;
    max_in_flight_ = std::max(max_in_flight_, in_flight_);

    const double knee = config_.knee_in_flight * f.capacity_factor;
    const double load = std::max(config_.min_load_factor, static_cast<double>(in_flight_) / knee);
    const double over = std::max(0.0, load - 1.0);

    // Both draws are taken on every attempt, so that one knob never reshuffles the other stream.
    const Duration jitter = config_.jitter > Duration::zero()
                                ? latency_rng_.uniform_duration(Duration::zero(), config_.jitter)
                                : Duration::zero();
    const double u = failure_rng_.uniform01();

    const double latency_us =
        (static_cast<double>((config_.base_latency + jitter).us()) +
         over * static_cast<double>(config_.latency_per_load.us())) * f.latency_factor;
    const double base_p = f.error_rate >= 0.0 ? f.error_rate : config_.failure_probability;
    // The cap bounds what overload adds; it never lowers a fault's error rate.
    const double p =
        over > 0.0 ? std::max(base_p, std::min(config_.failure_cap, base_p + over * config_.failure_per_load)) : base_p;
    AttemptPlan plan;
    plan.latency = Duration::micros_rounded(latency_us);
    plan.fails = u < p;
    plan.load = load;
    if (plan.fails) {
        if (config_.fatal_fraction > 0.0 && fatal_rng_.uniform01() < config_.fatal_fraction)
            plan.failure = AttemptOutcome::FatalError;
        if (config_.pushback.applies(false)) plan.pushback = config_.pushback.advice;
    }
    return plan;
}

}  // namespace cascadelab
