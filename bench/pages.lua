-- wrk script for bench/pages.py: one machine-readable line with req/s, p50/p95/p99 and errors.
-- Errors are non-2xx/3xx statuses and socket errors (connect, read, write, timeout).
local erreurs_http = 0

function response(status, headers, body)
  if status >= 400 then
    erreurs_http = erreurs_http + 1
  end
end

function done(summary, latency, requests)
  local s = summary.errors
  local erreurs = s.connect + s.read + s.write + s.timeout + s.status
  local duree = summary.duration / 1e6
  io.write(string.format("RESULTAT rps=%.1f p50=%.2f p95=%.2f p99=%.2f erreurs=%d\n",
    summary.requests / duree, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, erreurs))
end
