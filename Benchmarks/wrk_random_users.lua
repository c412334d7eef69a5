-- wrk script of the serve benchmark (Benchmarks/bench_serve.py). Every request asks for the
-- top-10 of a user drawn at random from the ids in the file $WRK_USER_IDS (one per line):
--   GET /v1/users/<id>/recommendations?k=10
-- The daemon answers it from the release; nginx serves the same bytes from a pre-rendered file.
-- Each wrk thread draws from its own fixed seed, so both servers get the same request sequence.
-- At the end one line "WRK_JSON {...}" carries the counts and latency percentiles (microseconds).
local ids = {}
for line in io.lines(os.getenv("WRK_USER_IDS")) do ids[#ids + 1] = line end
local k = os.getenv("WRK_K") or "10"

-- setup() (a seed per thread) and done() (the WRK_JSON line) come from wrk_common.lua.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk_common.lua")

function init(args)
  math.randomseed(seed or 1)
end

function request()
  return wrk.format("GET", "/v1/users/" .. ids[math.random(#ids)] .. "/recommendations?k=" .. k)
end
