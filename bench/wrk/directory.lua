-- GETs a rotating list of directory queries (QUERIES_FILE, one path per line) with one bearer TOKEN; PATH_PREFIX,
-- when set, replaces /api/directory (the raw-SQL baseline). Prints one RESULT line with req/s and p50/p95/p99.
local queries = {}
local prefix = os.getenv("PATH_PREFIX")
for line in io.lines(os.getenv("QUERIES_FILE")) do
  if prefix and prefix ~= "" then line = line:gsub("^/api/directory", prefix) end
  queries[#queries + 1] = line
end
local token = os.getenv("TOKEN")
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
end

function request()
  local path = queries[(counter % #queries) + 1]
  counter = counter + 1
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do totals[status] = (totals[status] or 0) + count end
  end
  local parts = {}
  for status, count in pairs(totals) do parts[#parts + 1] = status .. "=" .. count end
  table.sort(parts)
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f statuses=%s\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, table.concat(parts, ",")))
end
