-- wrk script for bench/control_publish.py: POST /v1/tenants, one tenant per request, each
-- with a name unique across wrk's threads ("c<thread>-<n>").
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local body = string.format('{"name":"c%d-%d","shard_size":2}', tid, counter)
  return wrk.format("POST", "/v1/tenants", {["Content-Type"] = "application/json"}, body)
end
