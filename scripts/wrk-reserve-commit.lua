-- wrk script (scripts/soak.sh): reserve, then commit what was reserved. Each thread keeps a queue of reservation ids
-- taken from its reserve answers; a request commits the oldest queued one when there is one, else reserves. Under
-- load that is about one commit per reserve, the runtime's steady-state mix. 1 unit against the bench seed's tenant.
local counter = 0
local thread_id = 0
local pending = {}
local head, tail = 1, 0
local api_key = "cyc_test_demo_0123456789abcdef0123456789"
setup = function(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end
local function key(prefix)
  counter = counter + 1
  return prefix .. "-" .. tostring(tid) .. "-" .. tostring(counter) .. "-" .. tostring(math.random(1, 1000000000))
end
local headers = { ["Content-Type"] = "application/json", ["X-Cycles-API-Key"] = api_key }
request = function()
  if head <= tail then
    local id = pending[head]
    pending[head] = nil
    head = head + 1
    local body = '{"idempotency_key":"' .. key("c") .. '","actual":{"unit":"USD_MICROCENTS","amount":1}}'
    return wrk.format("POST", "/v1/reservations/" .. id .. "/commit", headers, body)
  end
  local body = '{"idempotency_key":"' .. key("r") .. '","subject":{"tenant":"demo"},"action":{"kind":"llm.completion","name":"soak"},"estimate":{"unit":"USD_MICROCENTS","amount":1},"ttl_ms":60000}'
  return wrk.format("POST", "/v1/reservations", headers, body)
end
response = function(status, _, body)
  if status == 200 then
    local id = string.match(body, '"reservation_id":"([^"]+)"')
    if id then
      tail = tail + 1
      pending[tail] = id
    end
  end
end
