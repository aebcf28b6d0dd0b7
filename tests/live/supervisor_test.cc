// The supervisor keeps cells in one group, restarts crashed ones on their port, stops all.
#include "cellkit/live/supervisor.h"

#include <signal.h>

#include <gtest/gtest.h>

#include <thread>

#include <fmt/format.h>

#include "live/harness.h"

namespace cellkit::live::test {
namespace {

ProcessSpec cell_spec(const std::string& name, bool restart = true) {
  ProcessSpec spec;
  spec.name = name;
  spec.argv = {cellkit_binary(), "cell", "--name", name, "--crash-on-bags", "5"};
  spec.restart = restart;
  spec.recovery_time = 100ms;
  return spec;
}

// Polls until an event of `kind` for `name` arrives (at most 10 s); returns all events seen.
std::vector<SupervisorEvent> poll_until(Supervisor& s, SupervisorEvent::Kind kind,
                                        const std::string& name) {
  std::vector<SupervisorEvent> seen;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    for (SupervisorEvent& e : s.poll()) {
      seen.push_back(e);
      if (e.kind == kind && e.name == name) return seen;
    }
    std::this_thread::sleep_for(10ms);
  }
  return seen;
}

TEST(Supervisor, KeepsItsChildrenInOneProcessGroup) {
  Supervisor s;
  ASSERT_TRUE(s.start(cell_spec("cell-0")).is_ok());
  ASSERT_TRUE(s.start(cell_spec("cell-1")).is_ok());
  EXPECT_EQ(getpgid(*s.pid_of("cell-0")), s.process_group());
  EXPECT_EQ(getpgid(*s.pid_of("cell-1")), s.process_group());
  EXPECT_NE(s.process_group(), getpgrp());
}

TEST(Supervisor, RestartsACrashedCellOnTheSamePortAfterTheRecoveryTime) {
  Supervisor s;
  Result<Endpoint> ep = s.start(cell_spec("cell-0"));
  ASSERT_TRUE(ep.is_ok()) << ep.status().message();
  ASSERT_TRUE(s.start(cell_spec("cell-1")).is_ok());
  const pid_t first = *s.pid_of("cell-0");
  EXPECT_EQ(order(*ep, "t-2", 5).failure, HttpFailure::kReset);
  std::vector<SupervisorEvent> events = poll_until(s, SupervisorEvent::Kind::kRestarted, "cell-0");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, SupervisorEvent::Kind::kExited);
  EXPECT_EQ(events[0].pid, first);
  EXPECT_EQ(events[0].status, (ExitStatus{false, 0, SIGABRT}));
  EXPECT_EQ(describe(events[0], *s.spec_of("cell-0")),
            fmt::format("cell-0 (pid {}) exited: signal 6 (Aborted); restart in 100 ms", first));
  EXPECT_NE(*s.pid_of("cell-0"), first);
  HttpResult again = order(*ep, "t-1", 1);
  ASSERT_TRUE(again.is_ok()) << again.detail;
  EXPECT_EQ(again->header("X-Cell"), "cell-0");
  EXPECT_TRUE(s.pid_of("cell-1").has_value());  // the other cell never noticed
}

TEST(Supervisor, DoesNotRestartAChildThatAskedNotTo) {
  Supervisor s;
  Result<Endpoint> ep = s.start(cell_spec("once", false));
  ASSERT_TRUE(ep.is_ok());
  EXPECT_EQ(order(*ep, "t", 5).failure, HttpFailure::kReset);
  std::vector<SupervisorEvent> events = poll_until(s, SupervisorEvent::Kind::kExited, "once");
  ASSERT_EQ(events.size(), 1u);
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(s.poll().empty());
  EXPECT_FALSE(s.pid_of("once").has_value());
}

TEST(Supervisor, StopAllLeavesNoProcessBehind) {
  std::vector<pid_t> pids;
  {
    Supervisor s;
    for (const char* name : {"a", "b", "c"}) {
      ASSERT_TRUE(s.start(cell_spec(name)).is_ok());
      pids.push_back(*s.pid_of(name));
    }
    s.stop_all(2s);
    for (pid_t pid : pids)
      EXPECT_FALSE(process_alive(pid)) << pid;
    EXPECT_TRUE(s.poll().empty());  // nothing restarts after a stop
  }
}

TEST(Supervisor, AChildThatDoesNotStartFailsAndLeavesNothing) {
  Supervisor s(2s);
  ProcessSpec bad = cell_spec("bad");
  bad.argv.push_back("--fail-rate");
  bad.argv.push_back("9");
  Result<Endpoint> ep = s.start(bad);
  ASSERT_FALSE(ep.is_ok());
  EXPECT_NE(ep.status().message().find("bad: "), std::string::npos) << ep.status().message();
  EXPECT_FALSE(s.pid_of("bad").has_value());
  ASSERT_TRUE(s.start(cell_spec("good")).is_ok());
  EXPECT_FALSE(s.start(cell_spec("good")).is_ok());  // names are unique
}

}  // namespace
}  // namespace cellkit::live::test
