# Replayed ESP and ESP with a flipped byte: captured on the receiver's veth and re-injected
# from the sender's namespace with a raw socket. Replays are dropped and counted as replays,
# forgeries fail the ICV and are counted as such; neither reaches the inner side (a UDP
# listener counts what arrives), and the window still takes the next genuine packet.
#
#   ns "left" rsec0 --- ESP (AES-GCM-128, SPI 0x1001) over IPv4 ---> ns "right" rsec0
#   raw socket (replays, forgeries) ------------------------------->  AF_PACKET capture
#                                                                     UDP 10.2.0.1:9999
. "$RSEC_TOP/qemu-tests/lib.sh"
. "$RSEC_TOP/qemu-tests/topology.sh"
. "$RSEC_TOP/qemu-tests/esp-lib.sh"

work=$RSEC_SCENARIO_OUT
trap 'kill $(jobs -p) 2>/dev/null || true; two_hosts_down' EXIT

# in_counter NAME: a counter of right's inbound SA 0x1001.
in_counter() {
	sa_json "$RIGHT" in "$SPI_LR" "$RIGHT_OUTER4" | jq ".counters.$1"
}

# dev_stat FIELD: a field of right's rsec0 statistics (.stats64.rx.*).
dev_stat() {
	ip -n "$RIGHT" -s -s -j link show rsec0 | jq ".[0].stats64.rx.$1"
}

# received: datagrams the UDP listener got.
received() {
	cat "$work/udp.count"
}

step "rsec on both sides (AES-GCM-128, outer and inner IPv4), a UDP listener on the right"
load_rsec
two_hosts_up
rsec_dev "$LEFT"
rsec_dev "$RIGHT"
rsec_sas "$LEFT" gcm128 4
rsec_sas "$RIGHT" gcm128 4
echo 0 > "$work/udp.count"
ip netns exec "$RIGHT" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("'"$RIGHT_INNER4"'", 9999))
n = 0
while True:
    s.recv(2048)
    n += 1
    open(sys.argv[1], "w").write(str(n))
' "$work/udp.count" &
sleep 0.5

step "capture one ESP packet on the right's veth while a datagram goes through"
ip netns exec "$RIGHT" python3 -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind(("veth0", 0))
s.settimeout(10)
while True:
    frame = s.recv(4096)
    ip = frame[14:]
    if ip[9] == 50 and ip[12:16] == socket.inet_aton("'"$LEFT_OUTER4"'"):
        open(sys.argv[1], "w").write(ip.hex())
        break
' "$work/esp.hex" &
capture=$!
sleep 0.5
ip netns exec "$LEFT" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("'"$LEFT_INNER4"'", 0))
s.sendto(b"genuine", ("'"$RIGHT_INNER4"'", 9999))
'
wait "$capture" || fail "no ESP packet captured"
sleep 0.5
[ "$(received)" = 1 ] || fail "the genuine datagram did not arrive ($(received))"
packets=$(in_counter packets)
echo "    captured $(wc -c < "$work/esp.hex") hex digits; SA took $packets packets"

# inject HEX: sends the IPv4 packet HEX from the left namespace through a raw socket.
inject() {
	ip netns exec "$LEFT" python3 -c '
import socket, sys
pkt = bytes.fromhex(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.sendto(pkt, (socket.inet_ntoa(pkt[16:20]), 0))
' "$1"
}

step "replay the captured packet three times"
replays=$(in_counter drop_replay)
missed=$(dev_stat missed_errors)
for _ in 1 2 3; do inject "$(cat "$work/esp.hex")"; done
sleep 0.5
[ "$(in_counter drop_replay)" = $((replays + 3)) ] ||
	fail "drop_replay went from $replays to $(in_counter drop_replay), expected +3"
[ "$(dev_stat missed_errors)" = $((missed + 3)) ] || fail "rsec0 rx missed_errors not +3"
[ "$(received)" = 1 ] || fail "a replay reached the UDP listener"
[ "$(in_counter packets)" = "$packets" ] || fail "the SA counted a replay as received"

step "flip one ciphertext byte (under a fresh sequence number): the ICV fails"
forged=$(python3 -c '
import sys
p = bytearray.fromhex(sys.argv[1])
ihl = (p[0] & 15) * 4
seq = int.from_bytes(p[ihl + 4:ihl + 8], "big") + 1000
p[ihl + 4:ihl + 8] = seq.to_bytes(4, "big")
p[ihl + 8 + 8 + 3] ^= 0x40
print(p.hex())
' "$(cat "$work/esp.hex")")
auth=$(in_counter drop_auth)
crc=$(dev_stat crc_errors)
inject "$forged"
sleep 0.5
[ "$(in_counter drop_auth)" = $((auth + 1)) ] || fail "drop_auth went from $auth to $(in_counter drop_auth)"
[ "$(dev_stat crc_errors)" = $((crc + 1)) ] || fail "rsec0 rx crc_errors not +1"
[ "$(received)" = 1 ] || fail "a forged packet reached the UDP listener"

step "the forgery did not move the window: the next genuine packet arrives"
ip netns exec "$LEFT" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("'"$LEFT_INNER4"'", 0))
s.sendto(b"genuine again", ("'"$RIGHT_INNER4"'", 9999))
'
sleep 0.5
[ "$(received)" = 2 ] || fail "the second genuine datagram did not arrive ($(received))"
sa_json "$RIGHT" in "$SPI_LR" "$RIGHT_OUTER4" | jq -c .counters

kill $(jobs -p) 2>/dev/null || true
two_hosts_down
unload_rsec
echo "ok"
