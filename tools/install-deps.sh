#!/usr/bin/env bash
# Install every Debian package ofxdp needs to build, run and test.
# Usage: tools/install-deps.sh [--build-only]
set -euo pipefail

build_pkgs=(
	make gcc clang llvm pkg-config
	libbpf-dev bpftool libelf-dev zlib1g-dev
	libpcap-dev libmicrohttpd-dev libjansson-dev libcmocka-dev libinih-dev
	libcap-ng-dev
	libncurses-dev # the full-screen console
	scdoc # the man page (make install)
	libjs-chart.js xxd # the dashboard: Chart.js and its embedding in ofxdp
)
test_pkgs=(
	iproute2 procps curl psmisc
	openvswitch-switch openvswitch-testcontroller python3-os-ken
	tshark tcpdump
	libclang-rt-dev # make fuzz(-smoke): clang's libFuzzer and sanitizer runtimes
	tmux # tests/integration console_*: the console in a terminal
	openssl # tests/integration tls_*: s_server, s_client
	mandoc systemd # tests/install: mandoc -T lint, systemd-analyze
	openssl # tests: a self-signed certificate for REST over TLS
	prometheus # tests: promtool check metrics, a server scraping /metrics
	chromium chromium-driver python3-selenium # tests: the dashboard in a headless browser
)

pkgs=("${build_pkgs[@]}")
[ "${1:-}" = "--build-only" ] || pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#pkgs[@]} packages present"
	exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
