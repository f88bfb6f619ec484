-- Each connection waits 10 ms between requests: 10 connections give about 1,000 requests/s.
function delay()
  return 10
end
