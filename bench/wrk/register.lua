-- POSTs one registration per request, each with the next member's bearer token (TOKENS_FILE, one per line),
-- and counts the answers by status. TARGET_PATH and BODY come from the environment.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")
local tokens = {}
for line in io.lines(os.getenv("TOKENS_FILE")) do tokens[#tokens + 1] = line end
local path = os.getenv("TARGET_PATH")
local body = os.getenv("BODY")

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
