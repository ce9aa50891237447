#pragma once

#include <vector>

#include "server/router.h"

namespace keel::server {

// The endpoint table: every route of the API in one place (docs/rest-api.md lists the same).
const std::vector<Route>& AllRoutes();

}  // namespace keel::server
