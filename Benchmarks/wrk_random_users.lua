-- wrk script of the serve benchmark (Benchmarks/bench_serve.py). Every request asks for the
-- top-10 of a user drawn at random from the ids in the file $WRK_USER_IDS (one per line):
--   GET /v1/users/<id>/recommendations?k=10
-- The daemon answers it from the release; nginx serves the same bytes from a pre-rendered file.
-- Each wrk thread draws from its own fixed seed, so both servers get the same request sequence.
-- At the end one line "WRK_JSON {...}" carries the counts and latency percentiles (microseconds).
local ids = {}
for line in io.lines(os.getenv("WRK_USER_IDS")) do ids[#ids + 1] = line end
local k = os.getenv("WRK_K") or "10"

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

function init(args)
  math.randomseed(seed or 1)
end

function request()
  return wrk.format("GET", "/v1/users/" .. ids[math.random(#ids)] .. "/recommendations?k=" .. k)
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
