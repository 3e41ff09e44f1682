#!/bin/bash
# The README's main job, run inside the test VM by `make demo`: rsecd with rsec.ko on one side,
# strongSwan (charon, swanctl, Linux XFRM) on the other, an IKEv2 tunnel between them, pings
# through it both ways, the SAs and their counters, then everything shut down. Only the
# "rsec-vm:" lines reach the terminal; the full logs are in results/demo/ (the VM's /mnt/out).
#
#   ns "left": rsecd + rsec.ko, rsec0            ns "right": charon + XFRM
#   lo: 10.1.0.1                                 lo: 10.2.0.1
#   veth0: 192.0.2.1/24  <---- IKEv2, ESP ---->  veth0: 192.0.2.2/24
export RSEC_KO=${RSEC_KO:-$RSEC_TOP/rust-module/rsec.ko}
export RSEC_SCENARIO_OUT=/mnt/out
. "$RSEC_TOP/qemu-tests/lib.sh"
. "$RSEC_TOP/qemu-tests/topology.sh"
. "$RSEC_TOP/qemu-tests/strongswan.sh"
. "$RSEC_TOP/qemu-tests/rsecd.sh"

say() { echo "rsec-vm: $*" > /dev/console; }
# say_lines PREFIX: every line of stdin, indented, to the console.
say_lines() { while IFS= read -r l; do say "    $l"; done; }
step() { say "$*"; echo "--- $*"; }
fail() {
	say "FAILED: $*"
	say "    full logs: results/demo/ (demo.log, rsecd/, strongswan/)"
	echo "FAIL: $*" >&2
	exit 1
}

exec > /mnt/out/demo.log 2>&1
cleanup() {
	set +e
	rsecd_stop rsecd 2> /dev/null
	swan_stop charon
	save_logs /mnt/out
	two_hosts_down
	[ -d /sys/module/rsec ] && rmmod rsec
}
trap cleanup EXIT

IKE=aes128gcm16-prfsha256-x25519
ESP=aes128gcm16

rsecd_bins
step "loading rsec.ko"
insmod "$RSEC_KO"
say "    $(grep '^rsec ' /proc/modules | cut -d' ' -f1-3)"

step "two hosts: namespace left (rsecd, rsec.ko) and right (strongSwan, XFRM), veth 192.0.2.1 <-> 192.0.2.2"
two_hosts_up
rsec_link "$LEFT"

step "starting rsecd in left (netlink backend) and charon in right, PSK, $IKE / $ESP"
rsecd_conf rsecd left ike=$IKE esp=$ESP
rsecd_start rsecd "$LEFT"
swan_fresh "$RIGHT" charon right $IKE $ESP
say "    $("$RSECD_BIN" --version), $(swan charon --version --daemon 2> /dev/null | grep -m1 -o 'strongSwan.*' || echo charon)"

step "rsecctl initiate gw"
rsecd_ctl rsecd initiate gw | say_lines
wait_for 30 "the tunnel did not come up" rsecd_up rsecd
wait_for 30 "charon does not report the tunnel" swan_up charon
kernel_matches_child "$LEFT" rsecd || fail "rsec.ko does not hold the Child SA's two SAs"
child=$(rsecd_child rsecd)
say "    tunnel up: IKE SA $(rsecd_sas rsecd | jq -r '.ike_sas[0].algorithms'), Child SA $(jq -r .algorithms <<< "$child"), SPIs in $(printf %08x "$(jq .spi_in <<< "$child")") out $(printf %08x "$(jq .spi_out <<< "$child")")"

step "ping through the tunnel: 10.1.0.1 -> 10.2.0.1 (rsec0, rsec.ko ESP) and back (XFRM ESP)"
ip netns exec "$LEFT" ping -c 5 -i 0.2 -W 3 -I "$LEFT_INNER4" "$RIGHT_INNER4" > /mnt/out/ping-lr.log ||
	fail "ping left to right through the tunnel: $(tail -2 /mnt/out/ping-lr.log)"
grep -E 'packets transmitted|rtt' /mnt/out/ping-lr.log | sed 's/^/left -> right: /' | say_lines
ip netns exec "$RIGHT" ping -c 5 -i 0.2 -W 3 -I "$RIGHT_INNER4" "$LEFT_INNER4" > /mnt/out/ping-rl.log ||
	fail "ping right to left through the tunnel: $(tail -2 /mnt/out/ping-rl.log)"
grep -E 'packets transmitted|rtt' /mnt/out/ping-rl.log | sed 's/^/right -> left: /' | say_lines

step "rsecctl list-sas (rsecd, left)"
rsecd_ctl rsecd list-sas | say_lines
step "rsecctl sa list: the SAs and their counters in rsec.ko (left)"
ip netns exec "$LEFT" "$RSECCTL_BIN" sa list | say_lines
step "ip -s xfrm state: strongSwan's SAs and counters in Linux XFRM (right)"
ip -n "$RIGHT" -s xfrm state list | grep -E '^src|proto esp|aead|enc |auth|lifetime current' -A1 |
	grep -E '^src|proto esp|aead|enc |auth|bytes' | sed 's/ 0x[0-9a-f]\{16,\}/ <key>/; s/\t/  /g' | say_lines

step "rsecctl terminate gw"
rsecd_ctl rsecd terminate gw | say_lines
wait_for 20 "rsecd still has an IKE SA" rsecd_down rsecd
wait_for 20 "charon still has an IKE SA" swan_down charon
say "    SAs left: $(kernel_sa_count "$LEFT") in rsec.ko, $(xfrm_state_count "$RIGHT") in XFRM"

step "shutting down"
rsecd_stop rsecd
swan_stop_wait charon
two_hosts_down
rmmod rsec
say "    rsecd and charon stopped, namespaces deleted, rsec.ko unloaded"
say "demo done; full logs in results/demo/"
