// The control plane's long-poll API behind the Store interface a StoreFollower drives.
#include "cellkit/live/control_source.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "cellkit/base/cut.h"
#include "stores.h"

namespace cellkit::live {
namespace {

using Clock = std::chrono::steady_clock;

class ControlSource final : public Store {
 public:
  ControlSource(HttpUrl url, std::chrono::milliseconds timeout)
      : url_(std::move(url)), timeout_(timeout) {}

  std::string describe() const override { return "control:" + url_.to_string(); }

  Result<PointerRead> read_pointer() override {
    Result<bool> fetched = fetch(std::chrono::milliseconds(0), timeout_);
    if (!fetched.is_ok()) return fetched.status();
    const auto revision = static_cast<std::int64_t>(pointer_.version);
    return PointerRead{.pointer = pointer_, .revision = revision, .store_revision = revision};
  }

  Result<std::string> read_snapshot(const Pointer& pointer) override {
    if (snapshot_.empty() && pointer.version == pointer_.version) {
      // What arrived was a delta chain: fetch the whole snapshot (the latest one).
      if (Result<bool> whole = fetch(std::chrono::milliseconds(0), timeout_, /*deltas=*/false);
          !whole.is_ok()) {
        return whole.status();
      }
    }
    if (pointer.version != pointer_.version) {
      return failed_precondition(fmt::format("{}: version {} is no longer the latest seen ({})",
                                             describe(), pointer.version, pointer_.version));
    }
    // A pointer handed out with a chain names no snapshot: the one fetched since is checked.
    const BlobRef& ref = pointer.snapshot.sha256.empty() ? pointer_.snapshot : pointer.snapshot;
    if (Status s = check_blob(fmt::format("snapshot version {}", pointer.version), snapshot_, ref);
        !s.is_ok()) {
      return s;
    }
    return snapshot_;
  }

  Result<WatchEnd> watch_pointer(std::int64_t store_revision, Clock::time_point deadline) override {
    if (static_cast<std::uint64_t>(store_revision) < pointer_.version) return WatchEnd::kChanged;
    const auto wait =
        std::max(std::chrono::milliseconds(0),
                 std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    Result<bool> fetched = fetch(wait, wait + timeout_);
    if (!fetched.is_ok()) return fetched.status();
    return *fetched ? WatchEnd::kChanged : WatchEnd::kDeadline;
  }

  Status report(const RouterReport& report) override {
    Result<HttpResponse> r = http_call(url_, "PUT", "/v1/routers/" + report.router,
                                       report_json(report), timeout_, &canceller_);
    if (!r.is_ok()) return r.status();
    if (r->status != 200) return answer_error("PUT /v1/routers", *r);
    return Status::ok();
  }

  // The chain of the last answer, when it led from `after` to the pointer's version.
  Result<std::vector<std::string>> read_deltas(const Pointer& pointer,
                                               std::uint64_t after) override {
    if (pointer.version != pointer_.version || chain_after_ != after) {
      return std::vector<std::string>{};
    }
    return chain_;
  }

  Result<std::string> read_state(const Pointer&) override { return unsupported("read_state"); }
  Result<PublishReply> publish(const Publication&, std::int64_t) override {
    return unsupported("publish");
  }
  Result<std::vector<RouterReport>> reports() override { return unsupported("reports"); }
  Result<Leadership> campaign(const std::string&) override { return unsupported("campaign"); }
  void resign() override {}
  void interrupt() override { canceller_.cancel(); }

 private:
  HttpUrl url_;
  std::chrono::milliseconds timeout_;
  Pointer pointer_;                 // the latest version seen (0: none yet)
  std::string snapshot_;            // its encoded snapshot, or "" when a delta chain led to it
  std::vector<std::string> chain_;  // the encoded deltas that led to it from chain_after_
  std::uint64_t chain_after_ = 0;
  CallCanceller canceller_;

  // GET /v1/snapshot?after=<latest seen>: true when a newer version arrived (kept). With
  // `deltas`, the control plane answers the deltas from the latest seen when it has them.
  Result<bool> fetch(std::chrono::milliseconds wait, std::chrono::milliseconds timeout,
                     bool deltas = true) {
    const std::uint64_t after = deltas ? pointer_.version : 0;
    const std::string target = fmt::format("/v1/snapshot?after={}&wait_ms={}{}", after,
                                           wait.count(), deltas ? "&deltas=1" : "");
    Result<HttpResponse> r = http_call(url_, "GET", target, "", timeout, &canceller_);
    if (!r.is_ok()) return r.status();
    if (r->status == 304) return false;
    if (r->status != 200) return answer_error("GET /v1/snapshot", *r);
    Result<std::uint64_t> version = version_of(*r);
    if (!version.is_ok()) return version.status();
    if (deltas && *version <= pointer_.version) return false;
    return keep(*version, after, std::move(r->body));
  }

  // A chain is kept as it came (the follower checks each delta by applying it); a chain
  // that is not even framed right is dropped, so the whole snapshot is read instead.
  bool keep(std::uint64_t version, std::uint64_t after, std::string body) {
    chain_.clear();
    snapshot_.clear();
    pointer_ = Pointer{.version = version};
    if (!is_framed_deltas(body)) {
      pointer_.snapshot = blob_ref(body);
      snapshot_ = std::move(body);
      return true;
    }
    Result<std::vector<std::string>> chain = unframe_deltas(body);
    if (chain.is_ok()) chain_ = std::move(chain).value();
    chain_after_ = after;
    return true;
  }

  // The version the answer names (header X-Cellkit-Routing-Version).
  Result<std::uint64_t> version_of(const HttpResponse& r) const {
    std::uint64_t version = 0;
    const std::string& text = r.routing_version;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), version);
    if (ec != std::errc{} || end != text.data() + text.size() || version == 0) {
      return failed_precondition(fmt::format(
          "{}: GET /v1/snapshot answered 200 without a routing version (X-Cellkit-Routing-Version "
          "'{}')",
          describe(), text));
    }
    return version;
  }

  Status answer_error(std::string_view what, const HttpResponse& r) const {
    return failed_precondition(fmt::format("{}: {} answered {}: {}", describe(), what, r.status,
                                           cut(r.body, kQuotedBodyBytes)));
  }
  Status unsupported(std::string_view call) const {
    return failed_precondition(
        fmt::format("{}: {} is done by the control plane, not through it", describe(), call));
  }
};

}  // namespace

std::unique_ptr<Store> make_control_source(HttpUrl url, std::chrono::milliseconds timeout) {
  return std::make_unique<ControlSource>(std::move(url), timeout);
}

}  // namespace cellkit::live
