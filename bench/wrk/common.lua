-- Shared by the wrk scripts (loaded with dofile): numbers the threads, counts the answers by status in each
-- thread, and prints one RESULT line: requests per second, the latency percentiles asked for, the statuses.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = id
  statuses = {}
end

function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end

function report(summary, latency, percentiles)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do totals[status] = (totals[status] or 0) + count end
  end
  local parts = {}
  for status, count in pairs(totals) do parts[#parts + 1] = status .. "=" .. count end
  table.sort(parts)
  local columns = {}
  for _, p in ipairs(percentiles) do columns[#columns + 1] = string.format("p%d_ms=%.2f", p, latency:percentile(p) / 1000) end
  io.write(string.format("RESULT rps=%.1f %s statuses=%s\n",
    summary.requests / (summary.duration / 1e6), table.concat(columns, " "), table.concat(parts, ",")))
end

function done(summary, latency, requests) report(summary, latency, { 50, 99 }) end
