# With rsec loaded (its ESP handler first in line), Linux XFRM still owns the ESP of its own
# SAs: an XFRM tunnel carries ping both ways, and an rsec SA with another SPI on the same
# address takes nothing from it.
#
#   ns "left"  10.1.0.1 --- XFRM ESP, SPI 0x1001 / 0x2002 ---> ns "right"  10.2.0.1
#   (rsec0 with an inbound rsec SA, SPI 0x3003, on 192.0.2.1)
. "$RSEC_TOP/qemu-tests/lib.sh"
. "$RSEC_TOP/qemu-tests/topology.sh"

trap two_hosts_down EXIT

# esp_packets NS SPI: packets XFRM counted on the state with this SPI.
esp_packets() {
	ip -n "$1" -s xfrm state list spi "$2" | sed -n 's/.* \([0-9]*\)(packets).*/\1/p' | head -1
}

step "load rsec, two namespaces, an XFRM tunnel"
load_rsec
two_hosts_up
xfrm_tunnel4 0x0102030405060708090a0b0c0d0e0f1011121314

step "an rsec device and inbound SA with another SPI on the left outer address"
rsecctl=$RSEC_TOP/ike-userspace/target/release/rsecctl
[ -x "$rsecctl" ] || fail "no rsecctl: cd ike-userspace && cargo build --release -p rsecctl"
ip -n "$LEFT" link add rsec0 type rsec
ip -n "$LEFT" link set rsec0 up
ip netns exec "$LEFT" "$rsecctl" sa add --dir in --spi 0x3003 --proto esp --mode tunnel \
	--src "$RIGHT_OUTER4" --dst "$LEFT_OUTER4" --dev rsec0 --encr aes-gcm-16 \
	--encr-key 0x0102030405060708090a0b0c0d0e0f1011121314 --replay-window 64

step "ping through XFRM both ways"
ip netns exec "$LEFT" ping -c 3 -i 0.2 -W 2 -I "$LEFT_INNER4" "$RIGHT_INNER4" >/dev/null ||
	fail "left to right through XFRM"
ip netns exec "$RIGHT" ping -c 3 -i 0.2 -W 2 -I "$RIGHT_INNER4" "$LEFT_INNER4" >/dev/null ||
	fail "right to left through XFRM"
[ "$(esp_packets "$LEFT" 0x2002)" -ge 6 ] || fail "left's XFRM state 0x2002 decrypted $(esp_packets "$LEFT" 0x2002) packets"
[ "$(esp_packets "$RIGHT" 0x1001)" -ge 6 ] || fail "right's XFRM state 0x1001 decrypted $(esp_packets "$RIGHT" 0x1001) packets"

step "the rsec SA saw none of it"
ip netns exec "$LEFT" "$rsecctl" --json sa get --dir in --spi 0x3003 --dst "$LEFT_OUTER4" > "$RSEC_SCENARIO_OUT/sa.json"
jq -e '.counters.packets == 0' "$RSEC_SCENARIO_OUT/sa.json" >/dev/null ||
	fail "rsec SA counted packets: $(cat "$RSEC_SCENARIO_OUT/sa.json")"

ip -n "$LEFT" link del rsec0
two_hosts_down
unload_rsec
echo "ok"
