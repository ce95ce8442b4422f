#pragma once

#include <atomic>

namespace callqc::core {

/// Progress of a long use case, written by the worker and read by any thread (the UI polls it each
/// frame). `cancel` is set by the reader and honoured by the worker between units of work.
struct Progress {
    std::atomic<int> done{0};
    std::atomic<int> total{0};
    std::atomic<bool> cancel{false};
};

} // namespace callqc::core
