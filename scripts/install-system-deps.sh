#!/usr/bin/env bash
# Debian packages the tests need: QEMU (the @virtkit/qemu driver and its kit run), tools to build the
# tiny test guest from Debian packages, Chromium for the HTML support-matrix browser test, and Python's gRPC
# (grpcio + grpc-tools, for Debian's /usr/bin/python3) for the remote driver's Python client tests.
set -euo pipefail
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v qemu-img >/dev/null || need+=(qemu-utils)
command -v cpio >/dev/null || need+=(cpio)
command -v xz >/dev/null || need+=(xz-utils)
command -v chromium >/dev/null || need+=(chromium)
# the multi-host tests (tests/multihost): namespaces, bridges and taps; pings between the namespaces
command -v ip >/dev/null || need+=(iproute2)
command -v ping >/dev/null || need+=(iputils-ping)
/usr/bin/python3 -c 'import grpc' 2>/dev/null || need+=(python3-grpcio)
/usr/bin/python3 -c 'import grpc_tools' 2>/dev/null || need+=(python3-grpc-tools)
# Nova 26 (Zed) with its own test suites, for the Nova adapter (packages/nova-adapter, tests/nova): the library
# with its unit and functional tests, placement (the functional tests' placement fixture) and the test libraries.
for pkg in python3-nova python3-placement python3-oslotest python3-stestr python3-ddt python3-requests-mock \
           python3-testscenarios python3-fixtures python3-testtools python3-wsgi-intercept; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
# apt lists are needed by `apt-get download` (test guest) even when nothing is missing.
$SUDO apt-get update -qq
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
# Nova's functional tests need api-paste.ini, which only the service package nova-common ships: take it out of the
# downloaded .deb (nothing is installed) to where the Nova test runner looks (scripts/nova/run-nova-tests.mjs).
paste=/usr/local/share/virtkit-nova/etc/nova/api-paste.ini
if [ ! -f "$paste" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download nova-common >/dev/null && dpkg -x nova-common_*.deb x)
  $SUDO mkdir -p "$(dirname "$paste")"
  $SUDO cp "$tmp/x/usr/share/nova-common/api-paste.ini" "$paste"
  rm -rf "$tmp"
fi
