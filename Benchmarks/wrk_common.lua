-- What every wrk script of the benchmarks shares (Benchmarks/wrk_*.lua load it with dofile):
-- a fixed seed per wrk thread, so every server under test gets the same request sequence, and
-- the closing line "WRK_JSON {...}" with the counts and latency percentiles (microseconds) that
-- benchlib.run_wrk reads.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
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
