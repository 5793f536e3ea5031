-- GETs a rotating list of directory queries (QUERIES_FILE, one path per line) with one bearer TOKEN; PATH_PREFIX,
-- when set, replaces /api/directory (the raw-SQL baseline). Prints one RESULT line with req/s and p50/p95/p99.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")
local queries = {}
local prefix = os.getenv("PATH_PREFIX")
for line in io.lines(os.getenv("QUERIES_FILE")) do
  if prefix and prefix ~= "" then line = line:gsub("^/api/directory", prefix) end
  queries[#queries + 1] = line
end
local token = os.getenv("TOKEN")

function request()
  local path = queries[(counter % #queries) + 1]
  counter = counter + 1
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

function done(summary, latency, requests) report(summary, latency, { 50, 95, 99 }) end
