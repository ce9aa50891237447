#pragma once

#include "catalog/catalog_service.h"
#include "catalog/table_service.h"
#include "registry/registry_service.h"

namespace keel::jobs {
class JobService;
}  // namespace keel::jobs
#include "tracking/tracking_service.h"

namespace keel::server {

// The services the HTTP handlers call. Owned by the composition root (cli/main); handlers
// only borrow them. Later layers (tracking, registry, ...) add their façades here.
struct Services {
  catalog::CatalogService* catalog = nullptr;
  tracking::TrackingService* tracking = nullptr;
  catalog::TableService* tables = nullptr;
  registry::RegistryService* registry = nullptr;
  jobs::JobService* jobs = nullptr;       // null: the jobs API answers NOT_IMPLEMENTED
};

}  // namespace keel::server
