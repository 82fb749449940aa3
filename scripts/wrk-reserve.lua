-- wrk script (BENCHMARKS.md): POST /v1/reservations with a fresh idempotency key per request (1 unit against the demo tenant).
local counter = 0
local thread_id = 0
setup = function(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end
request = function()
  counter = counter + 1
  local key = "wrk-" .. tostring(tid) .. "-" .. tostring(counter) .. "-" .. tostring(math.random(1, 1000000000))
  local body = '{"idempotency_key":"' .. key .. '","subject":{"tenant":"demo"},"action":{"kind":"llm.completion","name":"bench"},"estimate":{"unit":"USD_MICROCENTS","amount":1},"ttl_ms":60000}'
  return wrk.format("POST", "/v1/reservations", {
    ["Content-Type"] = "application/json",
    ["X-Cycles-API-Key"] = "cyc_test_demo_0123456789abcdef0123456789",
  }, body)
end
