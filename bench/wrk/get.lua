-- Plain GETs; prints one RESULT line with requests per second and latency percentiles.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")
