-- wrk script: POST /orders {"bags": 1} with X-Tenant rotating through $TENANTS_FILE (one name
-- a line). $DELAY_MS > 0 paces each connection (a request every DELAY_MS ms at most).
local tenants = {}
for line in io.lines(os.getenv("TENANTS_FILE")) do tenants[#tenants + 1] = line end
local next_tenant = 0
local pause = tonumber(os.getenv("DELAY_MS") or "0")

wrk.method = "POST"
wrk.body = '{"bags": 1}'

function request()
  next_tenant = next_tenant % #tenants + 1
  return wrk.format(nil, nil, {["X-Tenant"] = tenants[next_tenant],
                               ["Content-Type"] = "application/json"})
end

if pause > 0 then
  function delay() return pause end
end
