#pragma once

#include <cstdint>
#include <string_view>

#include "common/result.h"
#include "storage/batch/record_batch.h"

// Realistic sample data shipped with Keel, for the quickstart, demos and benchmarks: the same
// seed always gives the same rows.
namespace keel::ml {

// Customers of a subscription service and whether they churned:
//   customer_id long, tenure_months int, plan string (basic|standard|premium),
//   contract string (monthly|annual|two_year), region string (north|south|east|west),
//   monthly_charges double, support_calls int, last_login_days double (about 4% null),
//   autopay boolean, churned int (0/1, about 25% 1)
// Churn follows a logistic model of tenure, contract, charges, support calls and login recency,
// plus noise, so models have something real (but not trivial) to learn.
batch::RecordBatch GenerateChurnData(int64_t rows, uint64_t seed);

// Apartments and their monthly rent (a regression target):
//   listing_id long, area_m2 double, rooms int, floor int, city string (5 cities),
//   distance_center_km double, year_built int, has_balcony boolean, rent double
batch::RecordBatch GenerateRentData(int64_t rows, uint64_t seed);

// "churn" or "rent". Errors: kInvalidParameterValue for another name or rows outside
// [1, 100,000,000].
Result<batch::RecordBatch> GenerateSampleData(std::string_view name, int64_t rows, uint64_t seed);

}  // namespace keel::ml
