-- wrk script: a different bearer token on every request, from a file of one token per line.
--   wrk -t2 -c16 -d10s -s it/bench/tokens.lua http://127.0.0.1:18080/api/documents/1 -- TOKENS_FILE
-- Each wrk thread starts at its own offset and cycles through the list.
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
end

function init(args)
   tokens = {}
   for line in io.lines(args[1]) do
      if #line > 0 then
         tokens[#tokens + 1] = line
      end
   end
   index = ((id or 1) * 7919) % #tokens
end

function request()
   index = index % #tokens + 1
   return wrk.format(nil, nil, { ["Authorization"] = "Bearer " .. tokens[index] })
end
