-- wrk script for benchmarks/load.py: a mixed read load from a prepared list of requests.
--
--   wrk -t2 -c50 -d20s --timeout 30s -s benchmarks/load.lua http://127.0.0.1:PORT -- REQUESTS_FILE
--
-- REQUESTS_FILE has one request a line, "path<TAB>cookie header", written by benchmarks/load.py (the pages the
-- signed-in users may see, in a repeatable shuffled order). Each thread starts at its own place in the list and
-- goes round it. Every answer other than 200 is counted as an error by its status (wrk itself counts only
-- statuses above 399, so a redirect to the sign-in page would pass unnoticed). Requests sent and answers
-- received are counted too: wrk records only answered requests, so those still waiting when the step ends
-- (sent minus answered) are reported apart, not lost silently. done() prints one line,
-- "LOADJSON {...}", with the counts and latency percentiles in microseconds; load.py reads it.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  requests_list = {}
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    local path, cookie = line:match("^([^\t]+)\t(.*)$")
    if path then
      table.insert(requests_list, wrk.format("GET", path, { ["Cookie"] = cookie }))
    end
  end
  file:close()
  assert(#requests_list > 0, "no requests in " .. args[1])
  position = (id * 7919) % #requests_list
  not_ok = 0
  sent = 0
  answered = 0
  statuses = {}
end

function request()
  position = position % #requests_list + 1
  sent = sent + 1
  return requests_list[position]
end

function response(status, headers, body)
  answered = answered + 1
  if status ~= 200 then
    not_ok = not_ok + 1
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
  end
end

function done(summary, latency, requests)
  local not_ok_total, sent_total, answered_total = 0, 0, 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    not_ok_total = not_ok_total + (thread:get("not_ok") or 0)
    sent_total = sent_total + (thread:get("sent") or 0)
    answered_total = answered_total + (thread:get("answered") or 0)
    for key, count in pairs(thread:get("statuses") or {}) do
      by_status[key] = (by_status[key] or 0) + count
    end
  end
  local parts = {}
  for key, count in pairs(by_status) do
    table.insert(parts, string.format('"%s": %d', key, count))
  end
  local e = summary.errors
  io.write(string.format(
    'LOADJSON {"duration_us": %d, "requests": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"timeout": %d, "not_ok": %d, "sent": %d, "answered": %d, "statuses": {%s}, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"mean_us": %.1f, "max_us": %d}\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.timeout, not_ok_total, sent_total, answered_total,
    table.concat(parts, ", "), latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.mean, latency.max))
end
