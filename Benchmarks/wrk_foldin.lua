-- wrk script of the fold-in benchmark (Benchmarks/bench_foldin.py). Every request is
--   POST /v1/recommendations  {"ratings":[{"movieId":…,"rating":…}×50],"k":10}
-- with a body drawn at random from $WRK_FOLDIN_BODIES (one JSON body per line: 50-rating
-- histories sampled from real users of the data set). Seeded per thread, like wrk_random_users.lua.
-- At the end one line "WRK_JSON {...}" carries the counts and latency percentiles (microseconds).
-- Every request is formatted once per thread in init(), not per request: wrk shares the 2 cores
-- with the daemon, and formatting a 2.5 KB request in Lua each time took CPU from the daemon.
local bodies = {}
for line in io.lines(os.getenv("WRK_FOLDIN_BODIES")) do bodies[#bodies + 1] = line end
local headers = { ["Content-Type"] = "application/json" }
local requests = {}

-- setup() (a seed per thread) and done() (the WRK_JSON line) come from wrk_common.lua.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk_common.lua")

function init(args)
  math.randomseed(seed or 1)
  for i, body in ipairs(bodies) do requests[i] = wrk.format("POST", "/v1/recommendations", headers, body) end
end

function request()
  return requests[math.random(#requests)]
end
