#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/batch/data_type.h"

namespace keel::delta {

// Spark's JSON schema string (metaData.schemaString) <-> batch::Schema.
//
// {"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}, ...]}
// Primitive names: boolean byte short integer long float double string binary date timestamp
// timestamp_ntz decimal(p,s); nested: {"type":"struct",...}, {"type":"array","elementType":T,
// "containsNull":B}, {"type":"map","keyType":K,"valueType":V,"valueContainsNull":B}.
//
// Errors: kCorruption for a schema string that is not this JSON; kNotImplemented naming the
// type for types Keel does not have (void, interval, variant, ...).
Result<batch::Schema> ParseSchemaString(std::string_view json);
std::string SchemaToString(const batch::Schema& schema);

// True when some field's metadata carries column invariants (`delta.invariants`), which a
// writer of protocol version 2 must enforce; Keel refuses to write such tables.
bool SchemaHasInvariants(std::string_view json);

}  // namespace keel::delta
