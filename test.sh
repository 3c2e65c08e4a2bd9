#!/usr/bin/env bash
# Runs every IrcStream test. Installs what the tests need from the system's packages
# when it is missing (InspIRCd, ngircd, Chromium, docker-compose, redis-server, node for the web client's model tests; ircd-hybrid unpacked into
# /opt/ircd-hybrid), then runs the suite and ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

need=()
command -v inspircd >/dev/null 2>&1 || [ -x /usr/sbin/inspircd ] || need+=(inspircd)
command -v ngircd >/dev/null 2>&1 || [ -x /usr/sbin/ngircd ] || need+=(ngircd)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || need+=(redis-server)
command -v node >/dev/null 2>&1 || need+=(nodejs)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing test dependencies: ${need[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q "${need[@]}" >/dev/null || {
    echo "Could not install ${need[*]}"; echo "0 passed, 1 failed"; exit 1; }
fi
# ircd-hybrid's package conflicts with ngircd's (installing one removes the other), so it is unpacked into a folder
# instead; its libraries install normally. The tests run it from there (IrcStream.Tests/Support/HybridServer.cs).
hybrid_root=/opt/ircd-hybrid
unpack_hybrid() {
  local sudo_cmd="" deb
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  deb=$(mktemp -d) && chmod 755 "$deb" &&
    $sudo_cmd apt-get update -q >/dev/null &&
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q libltdl7 libgnutls30 >/dev/null &&
    (cd "$deb" && apt-get download -q ircd-hybrid >/dev/null 2>&1) &&
    $sudo_cmd mkdir -p "$hybrid_root" &&
    $sudo_cmd dpkg -x "$deb"/ircd-hybrid_*.deb "$hybrid_root" &&
    $sudo_cmd chmod -R a+rX "$hybrid_root" &&
    # The mount point its modules are shown on, in the test server's private mount namespace.
    $sudo_cmd mkdir -p /usr/lib/ircd-hybrid/modules
  local status=$?
  rm -rf "$deb"
  return $status
}
if [ ! -x "$hybrid_root/usr/sbin/ircd-hybrid" ]; then
  echo "Unpacking ircd-hybrid into $hybrid_root"
  unpack_hybrid || echo "Could not unpack ircd-hybrid into $hybrid_root; its tests will fail."
fi

# The Debian packages start their own daemons on the default ports; the tests start their own.
for svc in inspircd ngircd redis-server; do
  command -v systemctl >/dev/null 2>&1 && systemctl stop "$svc" >/dev/null 2>&1 || true
done

if command -v docker-compose >/dev/null 2>&1; then
  for file in docker-compose.yml docker-compose.cluster.yml; do
    [ -f "$file" ] || continue
    if ! docker-compose -f "$file" config -q 2>/tmp/ircstream-compose.err; then
      compose_failed=1
      echo "docker-compose -f $file config -q failed:"; cat /tmp/ircstream-compose.err
    fi
  done
fi

log=$(mktemp)
dotnet test "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

num() { grep -E "^\s*$1: [0-9]+" "$log" | tail -n 1 | grep -oE '[0-9]+'; }
passed=$(num succeeded); failed=$(num failed)
passed=${passed:-0}; failed=${failed:-0}
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "${compose_failed:-0}" -eq 1 ]; then failed=$((failed + 1)); status=1; fi
rm -f "$log"
echo "$passed passed, $failed failed"
exit "$status"
