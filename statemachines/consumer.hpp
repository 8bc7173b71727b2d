// One consumer (worker) of the event-driven architecture: Idle / Busy / Stopped, with an
// optional processing timeout. The Boost.MSM table is in consumer.cpp; this header is Boost-free.
#pragma once

#include <cstdint>      // std::uint64_t
#include <memory>       // std::unique_ptr
#include <string_view>  // std::string_view

#include "model/kernel/time.hpp"
#include "statemachines/description.hpp"
#include "statemachines/effects.hpp"

namespace cascadelab {

enum class ConsumerState { Idle, Busy, Stopped };
std::string_view name(ConsumerState s);

struct ConsumerConfig {
    // 0 = none. Otherwise a message held longer is given up (SQS: its visibility timeout ends and
    // it becomes visible again; here the owner reports the message's processing as failed).
    Duration processing_timeout = Duration::zero();
    void validate() const;  // throws ConfigError naming the field and the value
};

class Consumer {
public:
    Consumer(const ConsumerConfig& config, std::uint64_t id, ConsumerEffects& effects,
             ComponentId component = {ComponentKind::Consumer});
    ~Consumer();
    Consumer(const Consumer&) = delete;
    Consumer& operator=(const Consumer&) = delete;

    // Events. A blocking retry keeps the consumer Busy through the backoff: the owner reports
    // processing_finished only when the message has been requeued or settled.
    void message_delivered(Time now, std::uint64_t message);
    void processing_finished(Time now);
    void processing_timed_out(Time now);  // the ConsumerProcessingTimeout timer fired
    void stopped(Time now);
    void started(Time now);

    ConsumerState state() const;
    std::uint64_t current_message() const;  // 0 when Idle or Stopped
    std::uint64_t processed() const;
    std::uint64_t timeouts() const;
    std::uint64_t unhandled_events() const;
    std::string_view last_row_guard() const;

    static MachineDescription describe();
    // Bytes one machine holds, itself and its state (a run's memory budget counts them).
    static std::size_t footprint();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cascadelab
