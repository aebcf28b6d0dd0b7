// etcd's JSON gateway spoken with nlohmann::json: base64 keys, string integers, absent
// defaults.
#include "cellkit/live/etcd_client.h"

#include <array>
#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cellkit/base/cut.h"

namespace cellkit::live {
namespace {

using nlohmann::json;

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// etcd sends 64-bit integers as strings, and leaves out those that are 0.
std::int64_t int_field(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end()) return 0;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (!it->is_string()) return 0;
  const std::string& text = it->get_ref<const std::string&>();
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// The smallest key greater than every key starting with `prefix` (etcd's range_end).
std::string prefix_end(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xFF)
    end.pop_back();
  if (end.empty()) return std::string(1, '\0');
  end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

Result<EtcdKv> parse_kv(const json& kv) {
  Result<std::string> key = base64_decode(kv.value("key", ""));
  if (!key.is_ok()) return key.status();
  Result<std::string> value = base64_decode(kv.value("value", ""));
  if (!value.is_ok()) return value.status();
  return EtcdKv{.key = std::move(key).value(),
                .value = std::move(value).value(),
                .create_revision = int_field(kv, "create_revision"),
                .mod_revision = int_field(kv, "mod_revision"),
                .lease = int_field(kv, "lease")};
}

Status append_kvs(const json& response, std::vector<EtcdKv>& out) {
  auto it = response.find("kvs");
  if (it == response.end()) return Status::ok();
  for (const json& kv : *it) {
    Result<EtcdKv> parsed = parse_kv(kv);
    if (!parsed.is_ok()) return parsed.status();
    out.push_back(std::move(parsed).value());
  }
  return Status::ok();
}

json op_json(const EtcdOp& op) {
  json body = {{"key", base64_encode(op.key)}};
  switch (op.kind) {
    case EtcdOp::Kind::kPut:
      body["value"] = base64_encode(op.value);
      if (op.lease != 0) body["lease"] = std::to_string(op.lease);
      return {{"request_put", body}};
    case EtcdOp::Kind::kRange:
      return {{"request_range", body}};
    case EtcdOp::Kind::kDelete:
      return {{"request_delete_range", body}};
  }
  return {};
}

json compare_json(const EtcdCompare& c) {
  const bool create = c.target == EtcdCompare::Target::kCreate;
  return {{"key", base64_encode(c.key)},
          {"target", create ? "CREATE" : "MOD"},
          {"result", "EQUAL"},
          {create ? "create_revision" : "mod_revision", std::to_string(c.revision)}};
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out((bytes.size() + 2) / 3 * 4, '=');
  auto byte = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i]));
  };
  std::size_t o = 0;
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t word = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out[o++] = kAlphabet[word >> 18];
    out[o++] = kAlphabet[(word >> 12) & 0x3F];
    out[o++] = kAlphabet[(word >> 6) & 0x3F];
    out[o++] = kAlphabet[word & 0x3F];
  }
  if (i < bytes.size()) {  // one or two bytes left: two or three characters, then '='
    const bool two = i + 1 < bytes.size();
    const std::uint32_t word = byte(i) << 16 | (two ? byte(i + 1) << 8 : 0U);
    out[o++] = kAlphabet[word >> 18];
    out[o++] = kAlphabet[(word >> 12) & 0x3F];
    if (two) out[o] = kAlphabet[(word >> 6) & 0x3F];
  }
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  std::array<int, 256> value{};
  value.fill(-1);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i)
    value[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
  while (!text.empty() && text.back() == '=')
    text.remove_suffix(1);
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t word = 0;
  int bits = 0;
  for (char c : text) {
    const int v = value[static_cast<unsigned char>(c)];
    if (v < 0) return data_loss(fmt::format("etcd sent invalid base64 (character '{}')", c));
    word = (word << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((word >> bits) & 0xFF));
    }
  }
  return out;
}

namespace {

// etcd's reason for an error answer ("message", else "error"), as an error message quotes
// it: cut (base/cut.h); a value that is not a string as its JSON.
std::string etcd_reason(const json& answer) {
  for (const char* key : {"message", "error"}) {
    const auto it = answer.find(key);
    if (it == answer.end()) continue;
    return cut(it->is_string() ? it->get<std::string>() : it->dump(), kQuotedBodyBytes);
  }
  return "?";
}

// POSTs a JSON body to an etcd endpoint and returns the parsed answer; an HTTP error or an
// "error" field fails with etcd's message.
Result<json> call(const HttpUrl& url, std::string_view target, const json& body,
                  std::chrono::milliseconds timeout, CallCanceller* canceller) {
  Result<HttpResponse> response = http_call(url, "POST", target, body.dump(), timeout, canceller);
  if (!response.is_ok()) return response.status();
  json parsed = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return failed_precondition(fmt::format("{}{} answered {} with a body that is not JSON",
                                           url.to_string(), target, response->status));
  }
  if (response->status != 200 || parsed.contains("error")) {
    return failed_precondition(fmt::format("{}{} answered {}: {}", url.to_string(), target,
                                           response->status, etcd_reason(parsed)));
  }
  return parsed;
}

}  // namespace

Result<EtcdRange> EtcdClient::range(std::string_view key, bool prefix, std::int64_t revision,
                                    bool keys_only) {
  json body = {{"key", base64_encode(key)}};
  if (keys_only) body["keys_only"] = true;
  if (prefix) body["range_end"] = base64_encode(prefix_end(key));
  if (revision != 0) body["revision"] = std::to_string(revision);
  Result<json> answer = call(url_, "/v3/kv/range", body, timeout_, canceller_.get());
  if (!answer.is_ok()) return answer.status();
  EtcdRange out{.revision = int_field(answer->value("header", json::object()), "revision")};
  if (Status s = append_kvs(*answer, out.kvs); !s.is_ok()) return s;
  return out;
}

Result<std::int64_t> EtcdClient::put(std::string_view key, std::string_view value,
                                     std::int64_t lease) {
  json body = {{"key", base64_encode(key)}, {"value", base64_encode(value)}};
  if (lease != 0) body["lease"] = std::to_string(lease);
  Result<json> answer = call(url_, "/v3/kv/put", body, timeout_, canceller_.get());
  if (!answer.is_ok()) return answer.status();
  return int_field(answer->value("header", json::object()), "revision");
}

Result<std::int64_t> EtcdClient::erase(std::string_view key, bool prefix) {
  json body = {{"key", base64_encode(key)}};
  if (prefix) body["range_end"] = base64_encode(prefix_end(key));
  Result<json> answer = call(url_, "/v3/kv/deleterange", body, timeout_, canceller_.get());
  if (!answer.is_ok()) return answer.status();
  return int_field(*answer, "deleted");
}

Result<EtcdTxnResult> EtcdClient::txn(const std::vector<EtcdCompare>& compare,
                                      const std::vector<EtcdOp>& success,
                                      const std::vector<EtcdOp>& failure) {
  json body = {{"compare", json::array()}, {"success", json::array()}, {"failure", json::array()}};
  for (const EtcdCompare& c : compare)
    body["compare"].push_back(compare_json(c));
  for (const EtcdOp& op : success)
    body["success"].push_back(op_json(op));
  for (const EtcdOp& op : failure)
    body["failure"].push_back(op_json(op));
  Result<json> answer = call(url_, "/v3/kv/txn", body, timeout_, canceller_.get());
  if (!answer.is_ok()) return answer.status();
  EtcdTxnResult out{.succeeded = answer->value("succeeded", false),
                    .revision = int_field(answer->value("header", json::object()), "revision")};
  for (const json& r : answer->value("responses", json::array())) {
    auto it = r.find("response_range");
    if (it == r.end()) continue;
    if (Status s = append_kvs(*it, out.kvs); !s.is_ok()) return s;
  }
  return out;
}

Result<std::int64_t> EtcdClient::grant_lease(std::int64_t ttl) {
  Result<json> answer =
      call(url_, "/v3/lease/grant", {{"TTL", std::to_string(ttl)}}, timeout_, canceller_.get());
  if (!answer.is_ok()) return answer.status();
  const std::int64_t id = int_field(*answer, "ID");
  if (id == 0) return failed_precondition(fmt::format("{} granted no lease", url_.to_string()));
  return id;
}

Status EtcdClient::keep_alive(std::int64_t lease) {
  Result<json> answer = call(url_, "/v3/lease/keepalive", {{"ID", std::to_string(lease)}}, timeout_,
                             canceller_.get());
  if (!answer.is_ok()) return answer.status();
  if (int_field(answer->value("result", json::object()), "TTL") <= 0) {
    return failed_precondition(fmt::format("lease {} has expired", lease));
  }
  return Status::ok();
}

Status EtcdClient::revoke_lease(std::int64_t lease) {
  return call(url_, "/v3/lease/revoke", {{"ID", std::to_string(lease)}}, timeout_, canceller_.get())
      .status();
}

Status EtcdClient::compact(std::int64_t revision) {
  return call(url_, "/v3/kv/compaction", {{"revision", std::to_string(revision)}}, timeout_,
              canceller_.get())
      .status();
}

namespace {

// A watch line's boolean `key`: false when absent or not a boolean (a field of another type
// is not etcd's shape; json's value() would throw on it, ending the router's follower thread).
bool flag(const json& result, const char* key) {
  auto it = result.find(key);
  return it != result.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

Result<EtcdWatchResult> EtcdClient::watch(std::string_view key, std::int64_t start_revision,
                                          std::chrono::steady_clock::time_point deadline,
                                          const std::function<bool()>& once_created) {
  json create = {{"key", base64_encode(key)}};
  if (start_revision > 0) create["start_revision"] = std::to_string(start_revision);
  json body = {{"create_request", create}};
  EtcdWatchResult out;
  auto on_line = [&](std::string_view line) {
    json message = json::parse(line, nullptr, /*allow_exceptions=*/false);
    const json* found =
        message.is_object() && message.contains("result") ? &message["result"] : nullptr;
    if (found != nullptr && !found->is_object()) {  // not etcd's shape: end, the caller re-reads
      out.end = EtcdWatchEnd::kEnded;
      return false;
    }
    const json result = found != nullptr ? *found : json::object();
    if (flag(result, "canceled")) {
      out = {.end = EtcdWatchEnd::kCanceled,
             .compact_revision = int_field(result, "compact_revision")};
      return false;
    }
    if (result.contains("events") || message.contains("error") || !message.is_object()) {
      // An event, or anything we cannot read: either way the caller re-reads the key.
      out.end = result.contains("events") ? EtcdWatchEnd::kEvent : EtcdWatchEnd::kEnded;
      return false;
    }
    if (flag(result, "created") && once_created && once_created()) {
      out.end = EtcdWatchEnd::kEvent;
      return false;
    }
    return true;  // "created", progress notifications
  };
  Result<StreamEnd> end =
      http_stream_lines(url_, "/v3/watch", body.dump(), deadline, on_line, canceller_.get());
  if (!end.is_ok()) return end.status();
  if (*end == StreamEnd::kEnded) out.end = EtcdWatchEnd::kEnded;
  if (*end == StreamEnd::kDeadline) out.end = EtcdWatchEnd::kDeadline;
  return out;
}

}  // namespace cellkit::live
