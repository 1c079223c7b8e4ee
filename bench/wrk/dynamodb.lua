-- wrk script for DynamoDB throughput: MODE (put | get | query) and KEYS come from the environment.
-- put: each request writes a new item (unique key per thread and request);
-- get: reads a random one of KEYS preloaded items g0..g{KEYS-1};
-- query: reads the first page (Limit 10) of the preloaded partition "q".
local mode = os.getenv("MODE") or "put"
local keys = tonumber(os.getenv("KEYS") or "1000")
local threads = 0
local payload = string.rep("x", 180)

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local counter = 0
local targets = { put = "PutItem", get = "GetItem", query = "Query" }
wrk.method = "POST"
wrk.path = "/"
wrk.headers["Content-Type"] = "application/x-amz-json-1.0"
wrk.headers["X-Amz-Target"] = "DynamoDB_20120810." .. targets[mode]
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=test/20261129/ap-northeast-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00"

function request()
  counter = counter + 1
  local body
  if mode == "put" then
    body = string.format('{"TableName":"bench","Item":{"pk":{"S":"w%d-%d"},"sk":{"S":"s"},"data":{"S":"%s"},"n":{"N":"%d"}}}', tid, counter, payload, counter)
  elseif mode == "get" then
    body = string.format('{"TableName":"bench","Key":{"pk":{"S":"g%d"},"sk":{"S":"s"}}}', math.random(0, keys - 1))
  else
    body = '{"TableName":"bench","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"q"}},"Limit":10}'
  end
  return wrk.format(nil, nil, nil, body)
end
