-- wrk script: POST /orders {"bags": 1} with X-Tenant rotating through $TENANTS_FILE (one name
-- a line). Pacing, when asked for:
--   $RATE > 0      a fixed rate: request n is due at start + n / RATE seconds, whichever
--                  connection is free takes the next due slot, so every proxy gets the same
--                  offered load however fast it answers (wrk's delay() has millisecond
--                  resolution, so requests leave in bursts of RATE / 1000; wrk times a
--                  request from when it is sent, so a wait for a free connection is
--                  not counted);
--   $DELAY_MS > 0  each connection waits DELAY_MS ms after each reply (closed loop: a
--                  faster proxy is offered more requests).
-- $BODY_BYTES > 11: the body is {"bags": 1, "pad": "xx…"} of that many bytes instead of
-- {"bags": 1}, to time request bodies passed on (a `cellkit cell` takes at most 64 KiB).
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } ck_timespec;
  int clock_gettime(int clock, ck_timespec* ts);
]]
local CLOCK_MONOTONIC = 1
local ts = ffi.new("ck_timespec")
local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local tenants = {}
for line in io.lines(os.getenv("TENANTS_FILE")) do tenants[#tenants + 1] = line end
local next_tenant = 0
local pause = tonumber(os.getenv("DELAY_MS") or "0")
local rate = tonumber(os.getenv("RATE") or "0")

wrk.method = "POST"
wrk.body = '{"bags": 1}'
local body_bytes = tonumber(os.getenv("BODY_BYTES") or "0")
local frame = '{"bags": 1, "pad": ""}'
if body_bytes > #wrk.body then
  wrk.body = '{"bags": 1, "pad": "' .. string.rep("x", math.max(0, body_bytes - #frame)) .. '"}'
end

function request()
  next_tenant = next_tenant % #tenants + 1
  return wrk.format(nil, nil, {["X-Tenant"] = tenants[next_tenant],
                               ["Content-Type"] = "application/json"})
end

if rate > 0 then
  local period = 1000 / rate
  local start = nil
  local sent = 0
  function delay()
    local now = now_ms()
    start = start or now
    local due = start + sent * period
    sent = sent + 1
    if due <= now then return 0 end
    return math.floor(due - now)
  end
elseif pause > 0 then
  function delay() return pause end
end
