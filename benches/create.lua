-- wrk script: patient create through the API (each a new patient, confirmed as new).
local token = os.getenv("DURABLE_TOKEN")
local i = 0
request = function()
  i = i + 1
  local body = string.format(
    '{"family_name":"Bench%d","given_name":"Ada","birth_date":"1941-03-04","sex":"female",' ..
    '"home_line1":"1 Main St","home_city":"Akron","home_state":"OH","home_postal_code":"44308",' ..
    '"confirm_new":"true"}', i)
  return wrk.format("POST", "/api/v1/patients",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end
