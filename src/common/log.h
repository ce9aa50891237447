#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace keel {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kOff = 4 };

// Process-wide minimum level; default kInfo, or $KEEL_LOG_LEVEL (debug|info|warning|error|off).
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();

// Writes one line "2024-01-02T03:04:05.123Z INFO  message" to stderr. Thread-safe: lines from
// different threads never interleave.
void LogLine(LogLevel level, std::string_view message);

}  // namespace keel

// KEEL_LOG(kInfo) << "listening on " << port;
#define KEEL_LOG(level)                                        \
  if (::keel::LogLevel::level < ::keel::GetLogLevel()) {       \
  } else                                                       \
    ::keel::internal::LogMessage(::keel::LogLevel::level).stream()

namespace keel::internal {
class LogMessage {
 public:
  explicit LogMessage(LogLevel level) : level_(level) {}
  ~LogMessage() { LogLine(level_, stream_.str()); }
  std::ostringstream& stream() { return stream_; }

 private:
  LogLevel level_;
  std::ostringstream stream_;
};
}  // namespace keel::internal
