#include "server/routes.h"

#include "server/handlers/handlers.h"

namespace keel::server {

namespace h = handlers;

const std::vector<Route>& AllRoutes() {
  static const std::vector<Route> kRoutes = {
      {"GET", "/health", h::Health, /*is_public=*/true},

      // Unity Catalog
      {"POST", "/api/2.1/unity-catalog/catalogs", h::CreateCatalog},
      {"GET", "/api/2.1/unity-catalog/catalogs", h::ListCatalogs},
      {"GET", "/api/2.1/unity-catalog/catalogs/{name}", h::GetCatalog},
      {"PATCH", "/api/2.1/unity-catalog/catalogs/{name}", h::UpdateCatalog},
      {"DELETE", "/api/2.1/unity-catalog/catalogs/{name}", h::DeleteCatalog},
      {"POST", "/api/2.1/unity-catalog/schemas", h::CreateSchema},
      {"GET", "/api/2.1/unity-catalog/schemas", h::ListSchemas},
      {"GET", "/api/2.1/unity-catalog/schemas/{name}", h::GetSchema},
      {"PATCH", "/api/2.1/unity-catalog/schemas/{name}", h::UpdateSchema},
      {"DELETE", "/api/2.1/unity-catalog/schemas/{name}", h::DeleteSchema},
      {"POST", "/api/2.1/unity-catalog/volumes", h::CreateVolume},
      {"GET", "/api/2.1/unity-catalog/volumes", h::ListVolumes},
      {"GET", "/api/2.1/unity-catalog/volumes/{name}", h::GetVolume},
      {"PATCH", "/api/2.1/unity-catalog/volumes/{name}", h::UpdateVolume},
      {"DELETE", "/api/2.1/unity-catalog/volumes/{name}", h::DeleteVolume},
      {"GET", "/api/2.1/unity-catalog/permissions/{securable_type}/{full_name}",
       h::GetPermissions},
      {"PATCH", "/api/2.1/unity-catalog/permissions/{securable_type}/{full_name}",
       h::UpdatePermissions},
      {"GET", "/api/2.1/unity-catalog/effective-permissions/{securable_type}/{full_name}",
       h::GetEffectivePermissions},
      {"GET", "/api/2.1/unity-catalog/tags/{securable_type}/{full_name}", h::GetTags},
      {"PATCH", "/api/2.1/unity-catalog/tags/{securable_type}/{full_name}", h::UpdateTags},

      // SCIM 2.0 (Databricks' subset)
      {"GET", "/api/2.0/preview/scim/v2/Me", h::ScimMe},
      {"GET", "/api/2.0/preview/scim/v2/Users", h::ScimListUsers},
      {"POST", "/api/2.0/preview/scim/v2/Users", h::ScimCreateUser},
      {"GET", "/api/2.0/preview/scim/v2/Users/{id}", h::ScimGetUser},
      {"DELETE", "/api/2.0/preview/scim/v2/Users/{id}", h::ScimDeleteUser},
      {"GET", "/api/2.0/preview/scim/v2/Groups", h::ScimListGroups},
      {"POST", "/api/2.0/preview/scim/v2/Groups", h::ScimCreateGroup},
      {"GET", "/api/2.0/preview/scim/v2/Groups/{id}", h::ScimGetGroup},
      {"PATCH", "/api/2.0/preview/scim/v2/Groups/{id}", h::ScimPatchGroup},
      {"DELETE", "/api/2.0/preview/scim/v2/Groups/{id}", h::ScimDeleteGroup},
      {"GET", "/api/2.0/preview/scim/v2/ServicePrincipals", h::ScimListServicePrincipals},
      {"POST", "/api/2.0/preview/scim/v2/ServicePrincipals", h::ScimCreateServicePrincipal},
      {"GET", "/api/2.0/preview/scim/v2/ServicePrincipals/{id}", h::ScimGetServicePrincipal},
      {"DELETE", "/api/2.0/preview/scim/v2/ServicePrincipals/{id}", h::ScimDeleteServicePrincipal},

      // Tokens
      {"POST", "/api/2.0/token/create", h::CreateToken},
      {"GET", "/api/2.0/token/list", h::ListTokens},
      {"POST", "/api/2.0/token/delete", h::DeleteToken},
      {"POST", "/api/2.0/token-management/on-behalf-of/tokens", h::CreateTokenOnBehalfOf},
  };
  return kRoutes;
}

}  // namespace keel::server
