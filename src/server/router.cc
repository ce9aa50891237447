#include "server/router.h"

namespace keel::server {

namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end;
  }
  return out;
}

// Matches one pattern; fills params. Returns false on mismatch, error on bad encoding.
Result<bool> Match(std::string_view pattern, std::string_view path,
                   std::map<std::string, std::string>* params) {
  auto want = Split(pattern);
  auto got = Split(path);
  for (size_t i = 0; i < want.size(); ++i) {
    std::string_view w = want[i];
    bool is_param = w.size() > 2 && w.front() == '{' && w.back() == '}';
    if (is_param && w.size() > 5 && w.substr(w.size() - 4) == "...}") {
      if (i >= got.size()) return false;
      // The rest of the path, from the raw string so that inner slashes are kept.
      size_t offset = got[i].data() - path.data();
      KEEL_ASSIGN_OR_RETURN(std::string rest, http::PercentDecode(path.substr(offset), false));
      (*params)[std::string(w.substr(1, w.size() - 5))] = rest;
      return true;
    }
    if (i >= got.size()) return false;
    if (is_param) {
      KEEL_ASSIGN_OR_RETURN(std::string value, http::PercentDecode(got[i], false));
      (*params)[std::string(w.substr(1, w.size() - 2))] = value;
    } else if (w != got[i]) {
      return false;
    }
  }
  return want.size() == got.size();
}

}  // namespace

Result<RouteMatch> MatchRoute(const std::vector<Route>& routes, std::string_view method,
                              std::string_view path) {
  bool path_matched = false;
  for (const Route& route : routes) {
    std::map<std::string, std::string> params;
    Result<bool> m = Match(route.pattern, path, &params);
    if (!m.ok()) {
      return Status::InvalidArgument("the request path is not validly percent-encoded");
    }
    if (!*m) continue;
    path_matched = true;
    if (route.method != method) continue;
    return RouteMatch{&route, std::move(params)};
  }
  std::string msg = path_matched ? "method " + std::string(method) + " is not allowed on "
                                 : "no API endpoint at ";
  return Status(ErrorCode::kEndpointNotFound, msg + std::string(path.substr(0, 200)));
}

}  // namespace keel::server
