#include "catalog/securable.h"

#include "catalog/names.h"

namespace keel::catalog {

std::string_view SecurableTypeName(SecurableType type) {
  switch (type) {
    case SecurableType::kMetastore: return "METASTORE";
    case SecurableType::kCatalog: return "CATALOG";
    case SecurableType::kSchema: return "SCHEMA";
    case SecurableType::kTable: return "TABLE";
    case SecurableType::kVolume: return "VOLUME";
    case SecurableType::kRegisteredModel: return "REGISTERED_MODEL";
    case SecurableType::kFunction: return "FUNCTION";
  }
  return "UNKNOWN";
}

Result<SecurableType> ParseSecurableType(std::string_view name) {
  std::string key = NameKey(name);
  for (SecurableType t : {SecurableType::kMetastore, SecurableType::kCatalog,
                          SecurableType::kSchema, SecurableType::kTable, SecurableType::kVolume,
                          SecurableType::kRegisteredModel, SecurableType::kFunction}) {
    if (key == NameKey(SecurableTypeName(t))) return t;
  }
  if (key == "model") return SecurableType::kRegisteredModel;
  return Status::InvalidArgument("unknown securable type '" + std::string(name.substr(0, 64)) +
                                 "'; use one of catalog, schema, table, volume, "
                                 "registered_model, function, metastore");
}

size_t FullNameParts(SecurableType type) {
  switch (type) {
    case SecurableType::kMetastore: return 0;
    case SecurableType::kCatalog: return 1;
    case SecurableType::kSchema: return 2;
    case SecurableType::kTable:
    case SecurableType::kVolume:
    case SecurableType::kRegisteredModel:
    case SecurableType::kFunction: return 3;
  }
  return 0;
}

}  // namespace keel::catalog
