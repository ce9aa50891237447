#pragma once

// The value parsers moved to storage/batch/value_parse.h (storage/csv needs them too and may not
// include storage/delta). These names keep the delta tests that still include this header
// compiling; new code includes storage/batch/value_parse.h.
#include "storage/batch/value_parse.h"

namespace keel::delta {

using batch::DaysFromCivil;
using batch::ParseDate;
using batch::ParsedDecimal;
using batch::ParseDecimal;
using batch::ParsedTimestamp;
using batch::ParseTimestamp;
using batch::PowerOfTen;
using batch::RescaleDecimal;

}  // namespace keel::delta
