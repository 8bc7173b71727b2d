#include "model/scenario_json.hpp"

#include <cmath>       // std::isfinite
#include <filesystem>  // std::filesystem::exists
#include <stdexcept>   // std::runtime_error

#include <nlohmann/json.hpp>

#include "model/config_json.hpp"
#include "model/json_input.hpp"
#include "model/json_object.hpp"
#include "model/presets.hpp"
#include "model/scenario_tables.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab {

namespace {

using namespace config_json;

// ---- readers ----

WorkloadConfig read_workload(const json& j) {
    JsonObject o(j, "workload");
    WorkloadConfig w;
    if (!o.has("kind")) o.fail("kind", json(nullptr), "is required: burst, poisson, step or arrivals");
    read_fields(o, workload_fields(), w);  // `kind` first: the fields that follow depend on it
    if (w.kind == WorkloadKind::Arrivals) {
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
    }
    o.finish();
    validate_as(w, o, j);
    return w;
}

// The server's advice: a delay (`retry_after_ms`) or "do not retry" (`stop: true`), one of the two.
Pushback read_advice(JsonObject& po) {
    const bool delay = po.has("retry_after_ms");
    if (delay == po.has("stop")) po.fail("retry_after_ms", json(nullptr), "give either retry_after_ms (a delay) or stop: true");
    if (delay) {
        Duration after;
        po.millis("retry_after_ms", after);
        return Pushback::retry_after(after);
    }
    bool yes = false;
    po.boolean("stop", yes);
    if (!yes) po.fail("stop", json(false), "must be true (give retry_after_ms for a delay)");
    return Pushback::stop();
}

DownstreamConfig read_downstream(const json& j) {
    JsonObject o(j, "downstream");
    DownstreamConfig d;
    read_fields(o, downstream_fields(), d);
    if (const json* p = o.child("pushback")) {
        JsonObject po(*p, "downstream.pushback");
        read_fields(po, pushback_fields(), d.pushback);
        d.pushback.advice = read_advice(po);
        po.finish();
    }
    o.finish();
    validate_as(d, o, j);
    return d;
}

// A spike doubles latency and a drop halves capacity unless the window gives its factor.
double default_strength(FaultKind k) {
    return k == FaultKind::LatencySpike ? 2.0 : k == FaultKind::CapacityDrop ? 0.5 : 1.0;
}

FaultSchedule read_faults(const json& j) {
    if (!j.is_array()) throw ConfigError("faults", shown(j), "must be an array of fault windows");
    std::vector<FaultWindow> windows;
    for (std::size_t i = 0; i < j.size(); ++i) {
        JsonObject o(j[i], fmt::format("faults[{}]", i));
        FaultWindow w;
        if (!o.has("kind")) o.fail("kind", json(nullptr), "is required: outage, latency_spike, capacity_drop or error_rate");
        if (!o.has("length_ms")) o.fail("length_ms", json(nullptr), "is required");
        read_fields(o, fault_fields(), w);  // `kind` first: the factor's range depends on it
        if (w.kind == FaultKind::ErrorRate && !o.has("probability"))
            o.fail("probability", json(nullptr), "is required for error_rate");
        if (!o.has("factor")) w.strength = default_strength(w.kind);
        o.finish();
        windows.push_back(w);
    }
    return FaultSchedule{std::move(windows)};
}

EventConfig read_event(const json& j, const std::string& path) {
    JsonObject eo(j, path);
    EventConfig e;
    read_fields(eo, event_fields(), e);
    read_fields(eo, consumer_fields(), e.consumer);
    if (const json* m = eo.child("message")) e.message = read_message(*m, path + ".message");
    if (const json* b = eo.child("bulkhead", true)) e.bulkhead = read_bulkhead(*b, path + ".bulkhead");
    if (const json* b = eo.child("breaker", true)) e.breaker = read_breaker(*b, path + ".breaker");
    eo.finish();
    return e;
}

RpcConfig read_rpc(const json& j, const std::string& path) {
    JsonObject ro(j, path);
    RpcConfig c;
    read_fields(ro, rpc_fields(), c);
    if (const json* b = ro.child("breaker", true)) c.breaker = read_breaker(*b, path + ".breaker");
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
        read_fields(mo, metrics_fields(), s.metrics);
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
    ordered_json j = write_fields(workload_fields(), w);
    if (w.kind == WorkloadKind::Arrivals) {
        ordered_json at = ordered_json::array();
        for (Time t : w.arrivals) at.push_back(ms(t.since_start()));
        j["at_ms"] = std::move(at);
    }
    return j;
}

ordered_json write_downstream(const DownstreamConfig& d) {
    ordered_json pushback = write_fields(pushback_fields(), d.pushback);
    if (d.pushback.advice.kind == Pushback::Kind::RetryAfter) pushback["retry_after_ms"] = ms(d.pushback.advice.after);
    else pushback["stop"] = true;
    ordered_json j = write_fields(downstream_fields(), d);
    j["pushback"] = std::move(pushback);
    return j;
}

ordered_json write_event(const EventConfig& e) {
    ordered_json j = write_fields(event_fields(), e);
    write_fields(j, consumer_fields(), e.consumer);
    j["message"] = write_message(e.message);
    j["bulkhead"] = optional_or_null(e.bulkhead, write_bulkhead);
    j["breaker"] = optional_or_null(e.breaker, write_breaker);
    return j;
}

ordered_json write_rpc(const RpcConfig& r) {
    ordered_json j{{"breaker", optional_or_null(r.breaker, write_breaker)}};
    write_fields(j, rpc_fields(), r);
    j["bulkhead"] = optional_or_null(r.bulkhead, write_bulkhead);
    j["retry"] = write_retry(r.retry);
    j["retry_budget"] = optional_or_null(r.retry_budget, write_budget);
    return j;
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
    j["metrics"] = write_fields(metrics_fields(), s.metrics);
    j["workload"] = write_workload(s.workload);
    j["downstream"] = write_downstream(s.downstream);
    ordered_json faults = ordered_json::array();
    for (const FaultWindow& w : s.faults.windows()) faults.push_back(write_fields(fault_fields(), w));
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
