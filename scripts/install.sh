#!/usr/bin/env bash
# Installs everything hostnet needs on Debian 12, idempotently: Debian packages, npm packages, the build.
# Run as root. Safe to run again: it only installs what is missing and rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES=(
  iproute2          # ip, tc, bridge: the kernel backend
  nftables          # nft: NAT and firewall rules of virtual networks
  dnsmasq-base      # DHCP/DNS for virtual networks (binary only, no system service)
  dhcpcd-base       # dhcpcd: the DHCP client of host interfaces with dhcp: true (binary only, no service)
  openvswitch-switch # ovsdb-server + ovs-vswitchd (run privately by tests and the sandbox)
  libxml2-utils     # xmllint: RNG validation of generated XML in tests
  pamtester         # API logins with host accounts: PAM checked by a helper (no native addon)
  openssl           # tests make TLS certificates for the API's TCP listener
  user-mode-linux   # full-kernel lane for bonding/802.1q/dummy/vrf tests
  libvirt-daemon libvirt-clients iptables # bench baseline: private libvirtd + virsh (no units)
  libvirt-daemon-driver-qemu qemu-system-x86 # Kimchi facade's guests: a private libvirtd's QEMU driver (TCG works without KVM)
  procps psmisc     # ps, pkill, fuser used by tests and clean-up
  iputils-ping      # ping: reachability checks in guest namespaces (tests, sandbox)
  ethtool           # tx checksum offload off on sandbox guest veths of OVS userspace-datapath networks
  python3           # tests: a stand-in VM that holds a tap open (TUNSETIFF) as QEMU does
  lldpad            # 802.1Qbg: EVB/VDP agent (lldpad, lldptool, vdptool); run privately per namespace, never as the host's service
  tcpdump           # tests: ECP (802.1Qbg) frames on the wire
  gcc libc6-dev     # builds native/hostnet-nl (netlink requests, private mount namespaces)
  chromium          # web console tests (playwright-core drives it; its pinned release matches this major: 156)
  fonts-dejavu-core # a font for the console's screenshots
  etcd-server etcd-client # the cluster's store (tests start private members on loopback; the Debian service stays off)
)
# Units that Debian packages enable and that must not run on this host (hostnet starts its own instances).
KEEP_OFF_UNITS=(lldpad.service lldpad.socket etcd.service)

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install: Debian packages: ${missing[*]}"
  # Keep package scripts from starting system daemons (openvswitch-switch would start the host's OVS).
  created_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && created_policy=1
  fi
  trap '[[ $created_policy == 1 ]] && rm -f /usr/sbin/policy-rc.d' EXIT
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # the package enabled them for the next boot (policy-rc.d only kept them from starting now)
  if [[ " ${missing[*]} " == *" lldpad "* || " ${missing[*]} " == *" etcd-server "* ]] && command -v systemctl >/dev/null; then
    systemctl disable --no-reload "${KEEP_OFF_UNITS[@]}" >/dev/null 2>&1 || true
  fi
fi

# The native helper (Node.js has no netlink sockets and no unshare/setns): rebuilt when its source changed.
if [[ ! -x native/build/hostnet-nl || native/hostnet-nl.c -nt native/build/hostnet-nl ]]; then
  echo "install: building native/build/hostnet-nl"
  mkdir -p native/build
  cc -O2 -Wall -Wextra -o native/build/hostnet-nl.tmp native/hostnet-nl.c
  mv native/build/hostnet-nl.tmp native/build/hostnet-nl
fi

# ifupdown's parser (ifquery) for the gen-conf tests: the package is unpacked here, not installed (its
# networking.service must never configure this host's interfaces); ifquery -i FILE only reads the file given.
if [[ ! -x native/build/ifupdown/sbin/ifquery ]]; then
  echo "install: unpacking ifupdown (ifquery) into native/build/ifupdown"
  dl=$(mktemp -d)
  (cd "$dl" && apt-get download -qq ifupdown 2>/dev/null || { apt-get update -qq && apt-get download -qq ifupdown; })
  mkdir -p native/build/ifupdown.tmp
  dpkg -x "$dl"/ifupdown_*.deb native/build/ifupdown.tmp
  rm -rf "$dl" native/build/ifupdown
  mv native/build/ifupdown.tmp native/build/ifupdown
fi

# npm packages: reinstall only when package-lock.json changed since the last install.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f node_modules/.hostnet-lock-hash || $(cat node_modules/.hostnet-lock-hash) != "$lock_hash" ]]; then
  echo "install: npm packages (better-sqlite3 builds from source, about a minute)"
  npm_config_build_from_source=true npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.hostnet-lock-hash
fi

echo "install: building"
npx --no-install tsc -p tsconfig.json
node scripts/build-cli.mjs   # the CLI bundle bin/hostnet runs (dist/cli/)
node scripts/build-console.mjs   # the web console (Vite) into dist/console, served by hostnet serve at /
