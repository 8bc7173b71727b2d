#include "model/scenario_json.hpp"

#include <cmath>       // std::isfinite
#include <filesystem>  // std::filesystem::exists
#include <stdexcept>   // std::runtime_error

#include <nlohmann/json.hpp>

#include "model/config_json.hpp"
#include "model/json_input.hpp"
#include "model/json_object.hpp"
#include "model/presets.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab {

namespace {

using namespace config_json;

// ---- readers ----

WorkloadConfig read_workload(const json& j) {
    JsonObject o(j, "workload");
    WorkloadConfig w;
    if (!o.has("kind")) o.fail("kind", json(nullptr), "is required: burst, poisson, step or arrivals");
    o.choice("kind", w.kind, kWorkloads);
    o.time("start_ms", w.start);
    switch (w.kind) {
        case WorkloadKind::Burst:
            o.integer("burst_size", w.burst_size, 1, kMaxCount);
            o.integer("bursts", w.bursts, 1, kMaxCount);
            o.millis("gap_ms", w.gap);
            o.millis("spread_ms", w.spread);
            break;
        case WorkloadKind::Poisson:
            o.number("rate_per_s", w.rate_per_second, 1e-6, 1e7);
            o.integer("requests", w.requests, 1, kMaxCount);
            break;
        case WorkloadKind::Step:
            o.number("base_rate_per_s", w.base_rate_per_second, 1e-6, 1e7);
            o.number("spike_rate_per_s", w.spike_rate_per_second, 1e-6, 1e7);
            o.time("spike_start_ms", w.spike_start);
            o.millis("spike_length_ms", w.spike_length);
            o.millis("duration_ms", w.duration);
            break;
        case WorkloadKind::Arrivals: {
            const json* a = o.get("at_ms");
            if (!a) o.fail("at_ms", json(nullptr), "is required for kind arrivals");
            if (!a->is_array() || a->empty()) o.fail("at_ms", *a, "must be a non-empty array of milliseconds");
            for (std::size_t i = 0; i < a->size(); ++i) {
                const json& v = (*a)[i];
                if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0.0 ||
                    v.get<double>() > kMaxFileMillis)
                    o.fail(fmt::format("at_ms[{}]", i), v, fmt::format("must be milliseconds in [0, {:g}]", kMaxFileMillis));
                w.arrivals.push_back(Time::at(from_file_millis(v.get<double>())));
            }
            break;
        }
    }
    o.finish();
    validate_as(w, o, j);
    return w;
}

DownstreamConfig read_downstream(const json& j) {
    JsonObject o(j, "downstream");
    DownstreamConfig d;
    o.millis("base_latency_ms", d.base_latency);
    o.millis("jitter_ms", d.jitter);
    o.number("failure_probability", d.failure_probability, 0.0, 1.0);
    o.number("knee_in_flight", d.knee_in_flight, 1.0, 1e9);
    o.number("min_load_factor", d.min_load_factor, 0.0, 1.0);
    o.millis("latency_per_load_ms", d.latency_per_load);
    o.number("failure_per_load", d.failure_per_load, 0.0, 1e6);
    o.number("failure_cap", d.failure_cap, 0.0, 1.0);
    o.integer("capacity", d.capacity, 0, 1'000'000'000);
    o.millis("refusal_latency_ms", d.refusal_latency);
    o.choice("on_timeout", d.on_timeout, kTimeouts);
    o.number("fatal_fraction", d.fatal_fraction, 0.0, 1.0);
    if (const json* p = o.child("pushback")) {
        JsonObject po(*p, "downstream.pushback");
        po.choice("when", d.pushback.when, kPushbackWhen);
        const bool delay = po.has("retry_after_ms");
        const bool stop = po.has("stop");
        if (delay == stop) po.fail("retry_after_ms", json(nullptr), "give either retry_after_ms (a delay) or stop: true");
        if (delay) {
            Duration after;
            po.millis("retry_after_ms", after);
            d.pushback.advice = Pushback::retry_after(after);
        } else {
            bool yes = false;
            po.boolean("stop", yes);
            if (!yes) po.fail("stop", json(false), "must be true (give retry_after_ms for a delay)");
            d.pushback.advice = Pushback::stop();
        }
        po.finish();
    }
    o.finish();
    validate_as(d, o, j);
    return d;
}

FaultSchedule read_faults(const json& j) {
    if (!j.is_array()) throw ConfigError("faults", shown(j), "must be an array of fault windows");
    std::vector<FaultWindow> windows;
    for (std::size_t i = 0; i < j.size(); ++i) {
        JsonObject o(j[i], fmt::format("faults[{}]", i));
        FaultWindow w;
        if (!o.has("kind")) o.fail("kind", json(nullptr), "is required: outage, latency_spike, capacity_drop or error_rate");
        o.choice("kind", w.kind, kFaults);
        if (!o.has("length_ms")) o.fail("length_ms", json(nullptr), "is required");
        o.time("start_ms", w.start);
        o.millis("length_ms", w.length);
        switch (w.kind) {
            case FaultKind::Outage: break;
            case FaultKind::LatencySpike:
                w.strength = 2.0;
                o.number("factor", w.strength, 1.0, 1000.0);
                break;
            case FaultKind::CapacityDrop:
                w.strength = 0.5;
                o.number("factor", w.strength, 1e-9, 1.0);
                break;
            case FaultKind::ErrorRate:
                if (!o.has("probability")) o.fail("probability", json(nullptr), "is required for error_rate");
                o.number("probability", w.strength, 0.0, 1.0);
                break;
        }
        if (w.length == Duration::zero()) o.fail("length_ms", json(0), "must be positive");
        o.finish();
        windows.push_back(w);
    }
    return FaultSchedule{std::move(windows)};
}

EventConfig read_event(const json& j, const std::string& path) {
    JsonObject eo(j, path);
    EventConfig e;
    eo.integer("queue_capacity", e.queue_capacity, 1, kMaxCount);
    eo.choice("overflow", e.overflow, kOverflows);
    eo.integer("consumers", e.consumers, 1, 100'000);
    eo.millis("attempt_timeout_ms", e.attempt_timeout);
    eo.millis("publish_latency_ms", e.publish_latency);
    eo.millis("delivery_latency_ms", e.delivery_latency);
    eo.millis("processing_timeout_ms", e.consumer.processing_timeout);
    if (const json* m = eo.child("message")) e.message = read_message(*m, path + ".message");
    if (const json* b = eo.child("bulkhead", true)) e.bulkhead = read_bulkhead(*b, path + ".bulkhead");
    if (const json* b = eo.child("breaker", true)) e.breaker = read_breaker(*b, path + ".breaker");
    eo.finish();
    return e;
}

RpcConfig read_rpc(const json& j, const std::string& path) {
    JsonObject ro(j, path);
    RpcConfig c;
    if (const json* b = ro.child("breaker", true)) c.breaker = read_breaker(*b, path + ".breaker");
    ro.choice("breaker_scope", c.breaker_scope, kScopes);
    if (const json* b = ro.child("bulkhead", true)) c.bulkhead = read_bulkhead(*b, path + ".bulkhead");
    if (const json* rt = ro.child("retry")) c.retry = read_retry(*rt, path + ".retry");
    if (const json* b = ro.child("retry_budget", true)) c.retry_budget = read_budget(*b, path + ".retry_budget");
    ro.finish();
    return c;
}

Scenario read_scenario(const json& j) {
    JsonObject o(j, "");
    Scenario s;
    o.label("name", s.name);
    o.text("description", s.description);
    o.integer("seed", s.seed, 0, UINT64_MAX);
    if (!o.has("architecture")) o.fail("architecture", json(nullptr), "is required: rpc or event");
    o.choice("architecture", s.architecture, kArchitectures);
    o.millis("horizon_ms", s.horizon);
    if (const json* m = o.child("metrics")) {
        JsonObject mo(*m, "metrics");
        mo.millis("window_ms", s.metrics.window);
        if (s.metrics.window == Duration::zero()) mo.fail("window_ms", json(0), "must be positive");
        mo.finish();
    }
    if (!o.has("workload")) o.fail("workload", json(nullptr), "is required");
    s.workload = read_workload(*o.child("workload"));
    if (const json* d = o.child("downstream")) s.downstream = read_downstream(*d);
    if (const json* f = o.child("faults")) s.faults = read_faults(*f);

    // Only the section of the chosen architecture is allowed.
    const bool rpc = s.architecture == Architecture::Rpc;
    if (!rpc && o.has("inner_tiers")) o.fail("inner_tiers", j.at("inner_tiers"), "does not apply to architecture event");
    if (rpc && o.has("inner_stages")) o.fail("inner_stages", j.at("inner_stages"), "does not apply to architecture rpc");
    if (o.has(rpc ? "event" : "rpc"))
        o.fail(rpc ? "event" : "rpc", j.at(rpc ? "event" : "rpc"),
               fmt::format("does not apply to architecture {}", name(s.architecture)));
    if (rpc) {
        if (const json* r = o.child("rpc")) s.rpc = read_rpc(*r, "rpc");
        if (const json* tiers = o.child("inner_tiers")) {
            if (!tiers->is_array()) o.fail("inner_tiers", *tiers, "must be an array of tier objects (like rpc)");
            if (tiers->size() >= kMaxTiers)
                o.fail("inner_tiers", json(tiers->size()), fmt::format("at most {} tiers behind the client", kMaxTiers - 1));
            for (std::size_t i = 0; i < tiers->size(); ++i)
                s.inner_tiers.push_back(read_rpc((*tiers)[i], fmt::format("inner_tiers[{}]", i)));
        }
    } else {
        if (const json* e = o.child("event")) s.event = read_event(*e, "event");
        if (const json* stages = o.child("inner_stages")) {
            if (!stages->is_array()) o.fail("inner_stages", *stages, "must be an array of stage objects (like event)");
            if (stages->size() >= kMaxTiers)
                o.fail("inner_stages", json(stages->size()), fmt::format("at most {} stages behind the first", kMaxTiers - 1));
            for (std::size_t i = 0; i < stages->size(); ++i)
                s.inner_stages.push_back(read_event((*stages)[i], fmt::format("inner_stages[{}]", i)));
        }
    }
    o.finish();
    s.validate();  // cross-section checks; field names are already unique
    return s;
}

// ---- writer ----

ordered_json write_workload(const WorkloadConfig& w) {
    ordered_json j{{"kind", name_of(w.kind, kWorkloads)}, {"start_ms", ms(w.start.since_start())}};
    switch (w.kind) {
        case WorkloadKind::Burst:
            j["burst_size"] = w.burst_size;
            j["bursts"] = w.bursts;
            j["gap_ms"] = ms(w.gap);
            j["spread_ms"] = ms(w.spread);
            break;
        case WorkloadKind::Poisson:
            j["rate_per_s"] = w.rate_per_second;
            j["requests"] = w.requests;
            break;
        case WorkloadKind::Step:
            j["base_rate_per_s"] = w.base_rate_per_second;
            j["spike_rate_per_s"] = w.spike_rate_per_second;
            j["spike_start_ms"] = ms(w.spike_start.since_start());
            j["spike_length_ms"] = ms(w.spike_length);
            j["duration_ms"] = ms(w.duration);
            break;
        case WorkloadKind::Arrivals: {
            ordered_json at = ordered_json::array();
            for (Time t : w.arrivals) at.push_back(ms(t.since_start()));
            j["at_ms"] = std::move(at);
            break;
        }
    }
    return j;
}

ordered_json write_event(const EventConfig& e) {
    return ordered_json{
        {"queue_capacity", e.queue_capacity},
        {"overflow", name_of(e.overflow, kOverflows)},
        {"consumers", e.consumers},
        {"attempt_timeout_ms", ms(e.attempt_timeout)},
        {"publish_latency_ms", ms(e.publish_latency)},
        {"delivery_latency_ms", ms(e.delivery_latency)},
        {"processing_timeout_ms", ms(e.consumer.processing_timeout)},
        {"message", write_message(e.message)},
        {"bulkhead", optional_or_null(e.bulkhead, write_bulkhead)},
        {"breaker", optional_or_null(e.breaker, write_breaker)}};
}

ordered_json write_rpc(const RpcConfig& r) {
    return ordered_json{
        {"breaker", optional_or_null(r.breaker, write_breaker)},
        {"breaker_scope", name_of(r.breaker_scope, kScopes)},
        {"bulkhead", optional_or_null(r.bulkhead, write_bulkhead)},
        {"retry", write_retry(r.retry)},
        {"retry_budget", optional_or_null(r.retry_budget, write_budget)}};
}

}  // namespace

std::vector<Scenario> scenarios_from_json(std::string_view text) {
    const json j = parse_json_strictly(text);
    std::vector<Scenario> out;
    if (j.is_array()) {
        if (j.empty()) throw ConfigError("(top level)", "[]", "must hold at least one scenario");
        for (std::size_t i = 0; i < j.size(); ++i) {
            try {
                out.push_back(read_scenario(j[i]));
            } catch (const ConfigError& e) {
                throw ConfigError(fmt::format("[{}].{}", i, e.field()), e.value(),
                                  e.why());
            }
        }
    } else {
        out.push_back(read_scenario(j));
    }
    return out;
}

std::string scenario_to_json(const Scenario& s) {
    ordered_json j;
    j["name"] = s.name;
    j["description"] = s.description;
    j["seed"] = s.seed;
    j["architecture"] = name_of(s.architecture, kArchitectures);
    j["horizon_ms"] = ms(s.horizon);
    j["metrics"] = ordered_json{{"window_ms", ms(s.metrics.window)}};
    j["workload"] = write_workload(s.workload);
    const DownstreamConfig& d = s.downstream;
    ordered_json pushback{{"when", name_of(d.pushback.when, kPushbackWhen)}};
    if (d.pushback.advice.kind == Pushback::Kind::RetryAfter) pushback["retry_after_ms"] = ms(d.pushback.advice.after);
    else pushback["stop"] = true;
    j["downstream"] = ordered_json{{"base_latency_ms", ms(d.base_latency)},
                                   {"jitter_ms", ms(d.jitter)},
                                   {"failure_probability", d.failure_probability},
                                   {"knee_in_flight", d.knee_in_flight},
                                   {"min_load_factor", d.min_load_factor},
                                   {"latency_per_load_ms", ms(d.latency_per_load)},
                                   {"failure_per_load", d.failure_per_load},
                                   {"failure_cap", d.failure_cap},
                                   {"capacity", d.capacity},
                                   {"refusal_latency_ms", ms(d.refusal_latency)},
                                   {"on_timeout", name_of(d.on_timeout, kTimeouts)},
                                   {"fatal_fraction", d.fatal_fraction},
                                   {"pushback", pushback}};
    ordered_json faults = ordered_json::array();
    for (const FaultWindow& w : s.faults.windows()) {
        ordered_json f{{"kind", name_of(w.kind, kFaults)}, {"start_ms", ms(w.start.since_start())}, {"length_ms", ms(w.length)}};
        if (w.kind == FaultKind::LatencySpike || w.kind == FaultKind::CapacityDrop) f["factor"] = w.strength;
        if (w.kind == FaultKind::ErrorRate) f["probability"] = w.strength;
        faults.push_back(std::move(f));
    }
    j["faults"] = std::move(faults);
    if (s.architecture == Architecture::Rpc) {
        j["rpc"] = write_rpc(s.rpc);
        ordered_json tiers = ordered_json::array();
        for (const RpcConfig& t : s.inner_tiers) tiers.push_back(write_rpc(t));
        j["inner_tiers"] = std::move(tiers);
    } else {
        j["event"] = write_event(s.event);
        ordered_json stages = ordered_json::array();
        for (const EventConfig& e : s.inner_stages) stages.push_back(write_event(e));
        j["inner_stages"] = std::move(stages);
    }
    return j.dump(2) + "\n";
}

std::vector<Scenario> load_scenarios(std::string_view preset_or_file) {
    if (auto p = preset(preset_or_file)) return *p;
    const std::string path{preset_or_file};
    std::string text;
    try {
        text = read_input_file(path);
    } catch (const InputFileError& e) {
        std::error_code ec;
        if (std::filesystem::exists(path, ec)) throw std::runtime_error(fmt::format("--scenario {}", e.what()));
        std::string names;
        for (const PresetInfo& info : preset_catalog()) names += (names.empty() ? "" : ", ") + std::string{info.name};
        throw std::runtime_error(fmt::format("--scenario {}: no such preset ({}) and no such file", path, names));
    }
    try {
        return scenarios_from_json(std::string_view{text});
    } catch (const ConfigError& e) {
        throw ConfigError(fmt::format("{}: {}", path, e.field()), e.value(), e.why());
    }
}

}  // namespace cascadelab
