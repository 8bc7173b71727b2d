// The synchronous RPC architecture:
//
//   caller -> [circuit breaker] -> [bulkhead] -> attempt with timeout -> downstream
//      ^                                                                     |
//      +------ retry machine (backoff, optional retry budget) <--------------+
//
// Each request owns a Retry machine; the breaker, bulkhead and budget are shared. The breaker is
// consulted once per request (the tutorial) or before every attempt. Every request ends with
// exactly one outcome: ok, error, timeout, breaker-rejected, bulkhead-rejected, budget-denied or
// deadline.
#pragma once

#include "model/metrics.hpp"
#include "model/run_options.hpp"
#include "model/scenario.hpp"

namespace cascadelab {

// Precondition: scenario.validate() passed and scenario.architecture is Rpc.
RunMetrics run_rpc(const Scenario& scenario, const RunOptions& options = {});
// Bytes of live state per request in flight at one tier (its slot and its retry machine), and
// per event waiting in the queue: what the run's memory budget counts.
std::size_t rpc_bytes_per_request();

}  // namespace cascadelab
