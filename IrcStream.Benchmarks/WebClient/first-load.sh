#!/bin/sh
# The web client's first load over the wire, as a phone's browser gets it from a published gateway
# (docs/BENCHMARKS.md, "first load"): a fresh headless Chromium profile opens the page and records its network log;
# netlog-sum.mjs adds up what came from the gateway's sockets (headers and bodies as sent) and each body.
# Run: IrcStream.Benchmarks/WebClient/first-load.sh PUBLISHED-FOLDER [PORT] [PATH-AND-QUERY]
#   e.g. dotnet publish IrcStream.Api -c Release -o /tmp/ircstream-pub && IrcStream.Benchmarks/WebClient/first-load.sh /tmp/ircstream-pub 5392 '/?lang=de'
set -eu
published=$(cd "$1" && pwd)
port=${2:-5392}
page=${3:-/}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
# Run from its folder: the published gateway finds its wwwroot there.
(cd "$published" && ASPNETCORE_URLS="http://127.0.0.1:$port" IrcStream__AllowedServers__0=127.0.0.1:6667 exec ./IrcStream.Api) >"$work/gateway.log" 2>&1 &
gateway=$!
trap 'kill $gateway 2>/dev/null; rm -rf "$work"' EXIT
tries=0
until curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; do
  tries=$((tries + 1)); [ $tries -lt 100 ] || { echo "the gateway did not start:"; cat "$work/gateway.log"; exit 1; }
  sleep 0.2
done
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --user-data-dir="$work/profile" --log-net-log="$work/netlog.json" --virtual-time-budget=8000 \
  --dump-dom "http://127.0.0.1:$port$page" >/dev/null 2>&1
node "$here/netlog-sum.mjs" "$work/netlog.json" "http://127.0.0.1:$port/"
