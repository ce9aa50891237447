#pragma once

#include <optional>
#include <string>

#include "common/result.h"

namespace keel {

// Where a workspace lives and how the CLI reaches it. Read from `$KEEL_HOME/config.json`, then
// overridden by environment variables (KEEL_HOST, KEEL_PORT, KEEL_TOKEN), then by flags.
//
// The file holds the CLI's own token, so it is written with mode 0600, like ~/.databrickscfg.
struct Config {
  std::string home;                // absolute path of the workspace directory
  std::string host = "127.0.0.1";  // where `keel server` listens by default
  int port = 5000;
  std::string token;               // the token the CLI acts with (set by `keel init`)

  std::string config_path() const { return home + "/config.json"; }
  std::string metastore_path() const { return home + "/metastore.db"; }
  std::string storage_root() const { return home + "/storage"; }
};

// The workspace directory: `flag` when given, else $KEEL_HOME, else ~/.keel. Made absolute.
Result<std::string> ResolveHome(const std::optional<std::string>& flag);

// Loads the config of `home` (defaults when the file is absent) and applies env overrides.
// A malformed file is kInvalidParameterValue naming the file.
Result<Config> LoadConfig(const std::string& home);

// Writes the config file atomically with mode 0600.
Status SaveConfig(const Config& config);

}  // namespace keel
