#pragma once

#include <cstddef>
#include <cstdint>

// Named limits shared by several layers. Each layer's own limits live in its Options struct.
namespace keel {

// Longest name of a catalog, schema, table, model, principal (Unity Catalog allows 255).
inline constexpr size_t kMaxNameBytes = 255;
// Longest comment on a securable.
inline constexpr size_t kMaxCommentBytes = 64 * 1024;

}  // namespace keel
