#!/usr/bin/env bash
# Measures prism's start time with GitHub's full OpenAPI description and its per-request overhead in
# proxy mode (--errors), against a trivial upstream on loopback. Usage: bash scripts/measure-prism.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/lib/ensure-npm-tools.sh >/dev/null
N="${1:-300}"
NODE_TOOLS="$PWD/tools/node"
SPEC="$NODE_TOOLS/node_modules/@octokit/openapi/generated/api.github.com.json"
UP_PORT=18391; PRISM_PORT=18392
node -e "require('http').createServer((q,s)=>{q.resume();q.on('end',()=>{s.writeHead(404,{'content-type':'application/json'});s.end('{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com\"}')})}).listen($UP_PORT,'127.0.0.1')" &
UP_PID=$!
start=$(date +%s%N)
"$NODE_TOOLS/node_modules/.bin/prism" proxy "$SPEC" "http://127.0.0.1:$UP_PORT" --errors -p "$PRISM_PORT" -h 127.0.0.1 -v error >/dev/null 2>&1 &
PRISM_PID=$!
trap 'kill $PRISM_PID $UP_PID 2>/dev/null' EXIT
until curl -s -o /dev/null "http://127.0.0.1:$PRISM_PORT/"; do sleep 0.1; done
echo "prism start (full api.github.com.json): $(( ($(date +%s%N) - start) / 1000000 )) ms"
node - "$N" "$UP_PORT" "$PRISM_PORT" <<'JS'
const http = require('http');
const [n, up, prism] = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function once(port, path) {
  return new Promise((res, rej) => http.get({ host: '127.0.0.1', port, path, agent,
    headers: { authorization: 'token x', accept: 'application/vnd.github+json' } }, r => { r.resume(); r.on('end', res); }).on('error', rej));
}
async function run(port) {
  const path = '/repos/octo/hello/pulls/1';
  for (let i = 0; i < 20; i++) await once(port, path); // warm-up
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await once(port, path);
  return Number(process.hrtime.bigint() - t) / 1e6 / n;
}
(async () => {
  const direct = await run(up), via = await run(prism);
  console.log(`sequential GET /repos/{owner}/{repo}/pulls/{n}, ${n} requests: direct ${direct.toFixed(2)} ms/req, via prism ${via.toFixed(2)} ms/req, overhead ${(via - direct).toFixed(2)} ms/req (x${(via / direct).toFixed(1)})`);
})();
JS
