-- wrk script for the soak run (it/bench/soak.sh): mixed traffic over the demo's documents.
--   wrk ... -s it/bench/soak.lua http://127.0.0.1:PORT -- USERS_FILE INVALID_FILE
-- Valid tokens of several users (four in five requests) and invalid ones (one in five: bad
-- signature, expired, wrong audience, garbage) against GET /api/documents/1..4. Counts answers by
-- status class; done() prints "status 2xx=N 4xx=N 5xx=N other=N" for the summary.
local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

local function load(path)
   local out = {}
   for line in io.lines(path) do
      if #line > 0 then
         out[#out + 1] = line
      end
   end
   return out
end

function init(args)
   users = load(args[1])
   invalid = load(args[2])
   n = (id or 1) * 31
   s2, s4, s5, other = 0, 0, 0, 0
end

function request()
   n = n + 1
   local token
   if n % 5 == 0 then
      token = invalid[math.floor(n / 5) % #invalid + 1]
   else
      token = users[n % #users + 1]
   end
   local path = "/api/documents/" .. (n % 4 + 1)
   return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

function response(status, headers, body)
   if status >= 500 then
      s5 = s5 + 1
   elseif status >= 400 then
      s4 = s4 + 1
   elseif status >= 200 and status < 400 then
      s2 = s2 + 1
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local t2, t4, t5, to = 0, 0, 0, 0
   for _, t in ipairs(threads) do
      t2 = t2 + t:get("s2")
      t4 = t4 + t:get("s4")
      t5 = t5 + t:get("s5")
      to = to + t:get("other")
   end
   io.write(string.format("status 2xx=%d 4xx=%d 5xx=%d other=%d\n", t2, t4, t5, to))
end
