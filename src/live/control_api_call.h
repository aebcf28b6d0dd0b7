// One call to a control plane's API from a process that drives it (StoreFleet).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cellkit/base/status.h"
#include "cellkit/live/loopback_http.h"

namespace cellkit::live {

// `method target` with `body` to the control plane at `control` (10 s at most); its answer
// when it is 200 with a JSON object, else an error naming the call and quoting the reply's
// body cut to kQuotedBodyBytes (base/cut.h).
Result<nlohmann::json> call_api(const Endpoint& control, std::string_view method,
                                std::string_view target, std::string body);

}  // namespace cellkit::live
