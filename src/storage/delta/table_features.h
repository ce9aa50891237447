#pragma once

#include "common/status.h"
#include "storage/delta/actions.h"

namespace keel::delta {

// What Keel can read and write of the Delta protocol.
//
// Reading: reader version 1; version 2 only without column mapping; version 3 only when every
// reader feature is one Keel implements (today: vacuumProtocolCheck, which asks nothing of
// readers). Anything else is kNotImplemented naming the version or feature, checked before any
// data file is opened.
//
// Writing: writer versions 1 and 2 (appendOnly and column invariants are honoured by refusing:
// appendOnly tables take only appends; tables with invariants are not written). Higher writer
// versions are kNotImplemented naming the version and features.
Status CheckReadSupported(const Protocol& protocol, const Metadata& metadata);
Status CheckWriteSupported(const Protocol& protocol, const Metadata& metadata);

// The protocol Keel writes for new tables: (1, 2).
Protocol DefaultWriteProtocol();

}  // namespace keel::delta
