-- Plain GETs; prints one RESULT line with requests per second and latency percentiles.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do totals[status] = (totals[status] or 0) + count end
  end
  local parts = {}
  for status, count in pairs(totals) do parts[#parts + 1] = status .. "=" .. count end
  table.sort(parts)
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f statuses=%s\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, table.concat(parts, ",")))
end
