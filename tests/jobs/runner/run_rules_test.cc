#include "jobs/runner/run_rules.h"

#include <gtest/gtest.h>

namespace keel::jobs {
namespace {

DependencyOutcome Dep(ResultState r, std::string outcome = "", std::string required = "") {
  return {r, std::move(outcome), std::move(required)};
}

constexpr ResultState S = ResultState::kSuccess;
constexpr ResultState F = ResultState::kFailed;
constexpr ResultState X = ResultState::kExcluded;

TEST(RunIfTest, EveryRuleOverEveryMixOfOutcomes) {
  struct Case {
    RunIf rule;
    std::vector<ResultState> deps;
    bool runs;
    ResultState skipped_as;
  };
  const std::vector<Case> cases = {
      {RunIf::kAllSuccess, {S, S}, true, ResultState::kNone},
      {RunIf::kAllSuccess, {S, F}, false, ResultState::kUpstreamFailed},
      {RunIf::kAllSuccess, {S, X}, false, ResultState::kExcluded},
      {RunIf::kAllSuccess, {S, ResultState::kCanceled}, false, ResultState::kUpstreamCanceled},
      {RunIf::kAllSuccess, {ResultState::kUpstreamFailed}, false, ResultState::kUpstreamFailed},
      {RunIf::kAtLeastOneSuccess, {S, F}, true, ResultState::kNone},
      {RunIf::kAtLeastOneSuccess, {F, F}, false, ResultState::kUpstreamFailed},
      {RunIf::kAtLeastOneSuccess, {X, X}, false, ResultState::kExcluded},
      {RunIf::kNoneFailed, {S, X}, true, ResultState::kNone},
      {RunIf::kNoneFailed, {S, F}, false, ResultState::kUpstreamFailed},
      {RunIf::kNoneFailed, {X, X}, false, ResultState::kExcluded},
      {RunIf::kAllDone, {F, X, ResultState::kTimedOut}, true, ResultState::kNone},
      {RunIf::kAtLeastOneFailed, {S, ResultState::kTimedOut}, true, ResultState::kNone},
      {RunIf::kAtLeastOneFailed, {S, S}, false, ResultState::kExcluded},
      {RunIf::kAllFailed, {F, F}, true, ResultState::kNone},
      {RunIf::kAllFailed, {F, S}, false, ResultState::kExcluded},
  };
  for (const Case& c : cases) {
    std::vector<DependencyOutcome> deps;
    for (ResultState r : c.deps) deps.push_back(Dep(r));
    RunIfDecision d = DecideRunIf(c.rule, deps);
    SCOPED_TRACE(std::string(RunIfName(c.rule)) + " over " + std::to_string(c.deps.size()));
    EXPECT_EQ(d.run, c.runs);
    if (!c.runs) {
      EXPECT_EQ(d.skip_result, c.skipped_as);
      EXPECT_NE(d.message.find(RunIfName(c.rule)), std::string::npos);
    }
  }
}

TEST(RunIfTest, ATaskWithoutDependenciesAlwaysRuns) {
  EXPECT_TRUE(DecideRunIf(RunIf::kAllFailed, {}).run);
}

TEST(RunIfTest, AConditionDependencyHoldsOnlyForItsOutcome) {
  EXPECT_TRUE(DecideRunIf(RunIf::kAllSuccess, {Dep(S, "true", "true")}).run);
  RunIfDecision other = DecideRunIf(RunIf::kAllSuccess, {Dep(S, "false", "true")});
  EXPECT_FALSE(other.run);
  EXPECT_EQ(other.skip_result, ResultState::kExcluded);
}

JobSpec Chain() {
  JobSpec spec;
  spec.name = "chain";
  TaskSpec a;
  a.task_key = "a";
  TaskSpec b;
  b.task_key = "b";
  b.depends_on.push_back({"a", ""});
  spec.tasks = {a, b};
  return spec;
}

TaskRun Ended(const std::string& key, ResultState r) {
  TaskRun t;
  t.task_key = key;
  t.life_cycle = r == ResultState::kExcluded || r == ResultState::kUpstreamFailed
                     ? LifeCycle::kSkipped
                     : LifeCycle::kTerminated;
  t.result = r;
  return t;
}

TEST(RunResultTest, ALeafDecidesBetweenFailedAndSuccessWithFailures) {
  JobSpec spec = Chain();
  EXPECT_EQ(DecideRunResult(spec, {Ended("a", S), Ended("b", S)}, false, false),
            ResultState::kSuccess);
  EXPECT_EQ(DecideRunResult(spec, {Ended("a", F), Ended("b", ResultState::kUpstreamFailed)}, false,
                            false),
            ResultState::kFailed);
  // b ran anyway (ALL_DONE) and succeeded: some failure, but the leaf is fine.
  EXPECT_EQ(DecideRunResult(spec, {Ended("a", F), Ended("b", S)}, false, false),
            ResultState::kSuccessWithFailures);
  EXPECT_EQ(DecideRunResult(spec, {Ended("a", S), Ended("b", X)}, false, false),
            ResultState::kSuccess);
  EXPECT_EQ(DecideRunResult(spec, {Ended("a", S)}, true, false), ResultState::kCanceled);
  EXPECT_EQ(DecideRunResult(spec, {Ended("a", S)}, false, true), ResultState::kTimedOut);
}

}  // namespace
}  // namespace keel::jobs
