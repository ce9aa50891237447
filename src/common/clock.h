#pragma once

#include <cstdint>
#include <atomic>
#include <string>

namespace keel {

// Time source, injected wherever behaviour depends on "now" (token expiry, schedules) so that
// tests can use a simulated clock.
class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t NowMillis() const = 0;
  // The process-wide real clock.
  static const Clock* System();
};

// A clock that tests move by hand. Thread-safe.
class ManualClock : public Clock {
 public:
  explicit ManualClock(int64_t now_millis) : now_(now_millis) {}
  int64_t NowMillis() const override { return now_; }
  void Set(int64_t now_millis) { now_ = now_millis; }
  void Advance(int64_t millis) { now_ += millis; }

 private:
  std::atomic<int64_t> now_;
};

// "2024-01-02T03:04:05.123Z" for a millisecond timestamp.
std::string FormatIso8601Millis(int64_t millis);

}  // namespace keel
