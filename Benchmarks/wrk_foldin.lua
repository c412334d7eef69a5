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

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

function init(args)
  math.randomseed(seed or 1)
  for i, body in ipairs(bodies) do requests[i] = wrk.format("POST", "/v1/recommendations", headers, body) end
end

function request()
  return requests[math.random(#requests)]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"non2xx":%d,"connect_errors":%d,' ..
    '"read_errors":%d,"write_errors":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
