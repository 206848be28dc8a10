-- wrk script: patient search by name prefix through the API, rotating over common prefixes.
local prefixes = {"smi", "joh", "wil", "bro", "jon", "gar", "mil", "dav", "rod", "mar",
                  "her", "lop", "gon", "wil", "and", "tho", "tay", "moo", "jac", "mart",
                  "lee", "per", "whi", "har", "san", "cla", "ram", "lew", "rob", "wal",
                  "obr", "ng", "ki", "pa", "ch", "smith, j", "brown, m", "nguy", "kowa", "ab"}
local token = os.getenv("DURABLE_TOKEN")
local i = 0
request = function()
  i = i + 1
  local q = prefixes[(i % #prefixes) + 1]:gsub(",", "%%2C"):gsub(" ", "%%20")
  return wrk.format("GET", "/api/v1/patients?q=" .. q, {["Authorization"] = "Bearer " .. token})
end

-- With DURABLE_PAUSE_MS set, each client waits that long between requests (a paced run);
-- wrk measures latency without the pause.
local pause = tonumber(os.getenv("DURABLE_PAUSE_MS") or "")
if pause then
  delay = function() return pause end
end
