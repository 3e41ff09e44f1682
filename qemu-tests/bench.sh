#!/bin/bash
# `make bench`: iperf3 TCP throughput over the same veth path between two namespaces, without
# IPsec, through Linux XFRM and through rsec (both AES-GCM-128), in one VM run. Figures from a TCG VM mean something only as
# ratios within one run.
. "$RSEC_TOP/qemu-tests/lib.sh"
. "$RSEC_TOP/qemu-tests/topology.sh"
. "$RSEC_TOP/qemu-tests/esp-lib.sh"

seconds=${RSEC_BENCH_SECONDS:-10}
RSEC_KO=${RSEC_KO:-$RSEC_TOP/rust-module/rsec.ko}
say() { echo "rsec-vm: $*" > /dev/console; }

# throughput DST: Mbit/s of a $seconds-second iperf3 run from left to DST.
throughput() {
	ip netns exec "$RIGHT" iperf3 -s -1 -D -I /tmp/iperf3.pid >/dev/null
	sleep 0.5
	ip netns exec "$LEFT" iperf3 -c "$1" -t "$seconds" -J |
		jq '.end.sum_received.bits_per_second / 1e6 | floor'
}

trap two_hosts_down EXIT

two_hosts_up
plain_inner_routes
plain=$(throughput "$RIGHT_INNER4")
say "bench: no IPsec:                 $plain Mbit/s"
two_hosts_down

two_hosts_up
xfrm_tunnel4 0x0102030405060708090a0b0c0d0e0f1011121314
ip netns exec "$LEFT" ping -c 1 -W 2 "$RIGHT_INNER4" >/dev/null || fail "no path through XFRM"
xfrm=$(throughput "$RIGHT_INNER4")
esp_out=$(ip -n "$LEFT" -s xfrm state list spi 0x1001 | grep -o '[0-9]\+(bytes)' | head -1 | tr -d '(bytes)')
say "bench: Linux XFRM (AES-GCM-128): $xfrm Mbit/s ($esp_out bytes of ESP sent)"
say "bench: XFRM / no IPsec: $(awk -v a="$xfrm" -v b="$plain" 'BEGIN { printf "%.2f", a / b }')"
two_hosts_down

two_hosts_up
load_rsec
rsec_dev "$LEFT"
rsec_dev "$RIGHT"
rsec_sas "$LEFT" gcm128 4
rsec_sas "$RIGHT" gcm128 4
ip netns exec "$LEFT" ping -c 1 -W 2 "$RIGHT_INNER4" >/dev/null || fail "no path through rsec"
rsec=$(throughput "$RIGHT_INNER4")
rsec_out=$(sa_json "$LEFT" out "$SPI_LR" "$RIGHT_OUTER4" | jq .counters.bytes)
say "bench: rsec (AES-GCM-128):       $rsec Mbit/s ($rsec_out inner bytes sent)"
say "bench: rsec / no IPsec: $(awk -v a="$rsec" -v b="$plain" 'BEGIN { printf "%.2f", a / b }')"
say "bench: rsec / XFRM: $(awk -v a="$rsec" -v b="$xfrm" 'BEGIN { printf "%.2f", a / b }')"
two_hosts_down
unload_rsec
