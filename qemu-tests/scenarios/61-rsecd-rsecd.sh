# rsecd against rsecd, PSK, x25519 + AES-GCM: each side's Child SAs go into its own
# namespace's rsec.ko SA database, with matching SPIs; ping and iperf3 cross the tunnel
# both ways and are counted on the SAs; terminate (from either side)
# removes the SAs in both kernels; SIGTERM of one daemon cleans both kernels too.
#
#   ns "left": rsecd "l" (netlink backend)       ns "right": rsecd "r" (netlink backend)
#   rsec.ko SAs, rsec0: route to 10.2.0.1        rsec.ko SAs, rsec0: route to 10.1.0.1
#   lo: 10.1.0.1                                 lo: 10.2.0.1
#   veth0: 192.0.2.1/24  <---- IKEv2, ESP ---->  veth0: 192.0.2.2/24
. "$RSEC_TOP/qemu-tests/lib.sh"
. "$RSEC_TOP/qemu-tests/topology.sh"
. "$RSEC_TOP/qemu-tests/strongswan.sh"
. "$RSEC_TOP/qemu-tests/rsecd.sh"

cleanup() {
	set +e
	rsecd_stop l 2> /dev/null
	rsecd_stop r 2> /dev/null
	save_logs "$RSEC_SCENARIO_OUT"
	two_hosts_down
}
trap cleanup EXIT

IKE=aes128gcm16-prfsha256-x25519
ESP=aes128gcm16

# tunnel_up: both daemons report the tunnel; each kernel holds exactly its two SAs, and
# one side's inbound SPI is the other's outbound.
tunnel_up() {
	local l r
	wait_for 30 "rsecd l did not report an established IKE SA with an installed child" rsecd_up l
	wait_for 30 "rsecd r did not report an established IKE SA with an installed child" rsecd_up r
	l=$(rsecd_child l)
	r=$(rsecd_child r)
	[ "$(jq .spi_in <<< "$l")" = "$(jq .spi_out <<< "$r")" ] &&
		[ "$(jq .spi_out <<< "$l")" = "$(jq .spi_in <<< "$r")" ] ||
		fail "the SPIs do not match: left $l, right $r"
	kernel_matches_child "$LEFT" l || fail "left rsec.ko does not hold exactly l's child: $(kernel_sas "$LEFT")"
	kernel_matches_child "$RIGHT" r || fail "right rsec.ko does not hold exactly r's child: $(kernel_sas "$RIGHT")"
	for ns in "$LEFT" "$RIGHT"; do
		kernel_sas "$ns" | jq -e 'all(.[]; .encr == "aes-gcm-16" and .dev == "rsec0")' > /dev/null ||
			fail "SAs in $ns are not AES-GCM-16 on rsec0: $(kernel_sas "$ns")"
	done
	echo "    SPIs: left in $(jq .spi_in <<< "$l"), right in $(jq .spi_in <<< "$r")"
}

# tunnel_down: neither daemon has an IKE SA, neither kernel an SA.
tunnel_down() {
	wait_for 20 "rsecd l still lists an IKE SA" rsecd_down l
	wait_for 20 "rsecd r still lists an IKE SA" rsecd_down r
	[ "$(kernel_sa_count "$LEFT")" = 0 ] || fail "left rsec.ko still holds SAs: $(kernel_sas "$LEFT")"
	[ "$(kernel_sa_count "$RIGHT")" = 0 ] || fail "right rsec.ko still holds SAs: $(kernel_sas "$RIGHT")"
}

rsecd_bins
load_rsec
two_hosts_up
rsec_link "$LEFT"
rsec_link "$RIGHT"

step "start rsecd on both sides ($IKE / $ESP)"
rsecd_conf l left ike=$IKE esp=$ESP owner=1
rsecd_conf r right ike=$IKE esp=$ESP owner=2
rsecd_start l "$LEFT"
rsecd_start r "$RIGHT"

step "left initiates: tunnel up, SAs in both kernels"
rsecd_ctl l initiate gw
tunnel_up

step "ping and iperf3 both ways through the tunnel; the SAs count them"
pings_both_ways 5
iperf_both_ways 5
for side in l r; do
	read -r pin pout <<< "$(child_counters $side)"
	[ "$pin" -ge 1000 ] && [ "$pout" -ge 1000 ] ||
		fail "rsecd $side's SAs counted $pin packets in and $pout out after ping and iperf3"
	echo "    $side: $pin packets in, $pout out"
done
rsecd_show l "$LEFT"
rsecd_show r "$RIGHT"

step "left terminates: both kernels are empty"
rsecd_ctl l terminate gw
tunnel_down

step "right initiates: tunnel up again, pings both ways"
rsecd_ctl r initiate gw
tunnel_up
pings_both_ways 3

step "right terminates: both kernels are empty"
rsecd_ctl r terminate gw
tunnel_down

step "SIGTERM of one daemon removes the SAs on both sides"
rsecd_ctl l initiate gw
tunnel_up
rsecd_stop l
[ "$(kernel_sa_count "$LEFT")" = 0 ] || fail "left rsec.ko still holds SAs after SIGTERM: $(kernel_sas "$LEFT")"
wait_for 20 "rsecd r still lists an IKE SA after the peer's SIGTERM" rsecd_down r
[ "$(kernel_sa_count "$RIGHT")" = 0 ] || fail "right rsec.ko still holds SAs: $(kernel_sas "$RIGHT")"
rsecd_stop r
echo ok
