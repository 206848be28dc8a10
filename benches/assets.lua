-- wrk script: asset search by a full serial through the API (what a keyboard-wedge scan sends),
-- rotating over the serials listed one per line in the file named by DURABLE_SERIALS.
local token = os.getenv("DURABLE_TOKEN")
local serials = {}
for line in io.lines(os.getenv("DURABLE_SERIALS")) do
  serials[#serials + 1] = line
end
local i = 0
request = function()
  i = i + 1
  local serial = serials[(i % #serials) + 1]
  return wrk.format("GET", "/api/v1/assets?q=" .. serial, {["Authorization"] = "Bearer " .. token})
end

-- With DURABLE_PAUSE_MS set, each client waits that long between requests (a paced run: 32
-- scanners that scan often rather than back to back); wrk measures latency without the pause.
local pause = tonumber(os.getenv("DURABLE_PAUSE_MS") or "")
if pause then
  delay = function() return pause end
end
