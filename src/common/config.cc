#include "common/config.h"

#include <sys/stat.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>

#include "common/fs/file_system.h"
#include "common/json.h"

namespace keel {

Result<std::string> ResolveHome(const std::optional<std::string>& flag) {
  std::string home;
  if (flag && !flag->empty()) {
    home = *flag;
  } else if (const char* env = std::getenv("KEEL_HOME"); env != nullptr && *env != '\0') {
    home = env;
  } else if (const char* user_home = std::getenv("HOME"); user_home != nullptr && *user_home) {
    home = std::string(user_home) + "/.keel";
  } else {
    return Status::InvalidArgument("cannot find the Keel home: set KEEL_HOME or pass --home DIR");
  }
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(home, ec);
  if (ec) return Status::InvalidArgument("bad home directory '" + home + "': " + ec.message());
  return abs.lexically_normal().string();
}

Result<Config> LoadConfig(const std::string& home) {
  Config config;
  config.home = home;
  FileSystem* fs = FileSystem::Default();
  KEEL_ASSIGN_OR_RETURN(bool exists, fs->Exists(config.config_path()));
  if (exists) {
    KEEL_ASSIGN_OR_RETURN(std::string text, fs->ReadFile(config.config_path()));
    Result<json::Value> doc = json::Parse(text);
    if (!doc.ok()) {
      return Status::InvalidArgument("config file " + config.config_path() +
                                     " is not valid JSON (" + doc.status().message() +
                                     "); fix or delete it");
    }
    KEEL_ASSIGN_OR_RETURN(auto fields, json::FieldReader::Make(*doc, config.config_path()));
    KEEL_ASSIGN_OR_RETURN(auto host, fields.OptionalString("host"));
    KEEL_ASSIGN_OR_RETURN(auto port, fields.OptionalInt("port"));
    KEEL_ASSIGN_OR_RETURN(auto token, fields.OptionalString("token"));
    if (host) config.host = *host;
    if (port) config.port = static_cast<int>(*port);
    if (token) config.token = *token;
  }
  if (const char* v = std::getenv("KEEL_HOST"); v && *v) config.host = v;
  if (const char* v = std::getenv("KEEL_PORT"); v && *v) {
    int port = 0;
    auto res = std::from_chars(v, v + std::char_traits<char>::length(v), port);
    if (res.ec != std::errc() || port <= 0 || port > 65535) {
      return Status::InvalidArgument(std::string("KEEL_PORT='") + v + "' is not a port number");
    }
    config.port = port;
  }
  if (const char* v = std::getenv("KEEL_TOKEN"); v && *v) config.token = v;
  if (config.port <= 0 || config.port > 65535) {
    return Status::InvalidArgument("port " + std::to_string(config.port) + " in " +
                                   config.config_path() + " is not a port number");
  }
  return config;
}

Status SaveConfig(const Config& config) {
  json::Value doc;
  doc.Set("host", config.host);
  doc.Set("port", config.port);
  doc.Set("token", config.token);
  FileSystem* fs = FileSystem::Default();
  KEEL_RETURN_IF_ERROR(fs->CreateDirs(config.home));
  KEEL_RETURN_IF_ERROR(fs->WriteFileAtomic(config.config_path(), doc.Dump(true) + "\n"));
  if (::chmod(config.config_path().c_str(), 0600) != 0) {
    return Status::IOError("cannot restrict permissions of " + config.config_path());
  }
  return Status::OK();
}

}  // namespace keel
