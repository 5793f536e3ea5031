-- POSTs one registration per request, each with the next member's bearer token (TOKENS_FILE, one per line),
-- and counts the answers by status. TARGET_PATH and BODY come from the environment.
local tokens = {}
for line in io.lines(os.getenv("TOKENS_FILE")) do tokens[#tokens + 1] = line end
local path = os.getenv("TARGET_PATH")
local body = os.getenv("BODY")
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  counter = id
  statuses = {}
  step = tonumber(os.getenv("WRK_THREADS") or "2")
end

function request()
  local token = tokens[(counter % #tokens) + 1]
  counter = counter + step
  return wrk.format("POST", path, { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for status, count in pairs(s) do totals[status] = (totals[status] or 0) + count end
  end
  local parts = {}
  for status, count in pairs(totals) do parts[#parts + 1] = status .. "=" .. count end
  table.sort(parts)
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f statuses=%s\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, table.concat(parts, ",")))
end
