# rsecd's SA lifecycle against strongSwan: short lifetimes (Child SA rekeyed every 20 s, IKE
# SA every 40 s) for two minutes under a continuous ping that must lose nothing, with the
# kernels holding only the current SAs after every rekey; dead peer detection when charon
# is killed; kill -9 of rsecd and a restart, which must flush the stale SAs and bring the
# tunnel back without duplicates.
#
#   ns "left": rsecd (netlink backend)           ns "right": charon (kernel-netlink)
#   rsec.ko SAs, rsec0: route to 10.2.0.1        XFRM states and policies
#   lo: 10.1.0.1                                 lo: 10.2.0.1
#   veth0: 192.0.2.1/24  <---- IKEv2, ESP ---->  veth0: 192.0.2.2/24
. "$RSEC_TOP/qemu-tests/lib.sh"
. "$RSEC_TOP/qemu-tests/topology.sh"
. "$RSEC_TOP/qemu-tests/strongswan.sh"
. "$RSEC_TOP/qemu-tests/rsecd.sh"

cleanup() {
	set +e
	rsecd_stop rsecd 2> /dev/null
	swan_stop charon
	save_logs "$RSEC_SCENARIO_OUT"
	two_hosts_down
}
trap cleanup EXIT

IKE=aes128gcm16-prfsha256-x25519
ESP=aes128gcm16

# count_log NAME PATTERN: lines of rsecd NAME's log matching PATTERN (ERE).
count_log() {
	grep -cE "$2" "$RSECD_WORK/$1/rsecd.log" || true
}

# consistent: rsecd has one established IKE SA with one installed child, rsec.ko holds
# exactly that child's two SAs, and XFRM on charon's side holds two states with its SPIs.
consistent() {
	local child
	rsecd_up rsecd || return 1
	kernel_matches_child "$LEFT" rsecd || return 1
	child=$(rsecd_child rsecd)
	[ "$(xfrm_state_count "$RIGHT")" = 2 ] &&
		xfrm_has_spi "$RIGHT" "$(jq .spi_in <<< "$child")" &&
		xfrm_has_spi "$RIGHT" "$(jq .spi_out <<< "$child")"
}

# restored: like consistent, but XFRM may still hold the old states besides the new ones:
# charon deletes the IKE SA it replaced by telling the killed daemon's successor, which
# does not know it, so the old states go only when that request times out.
restored() {
	local child
	rsecd_up rsecd || return 1
	kernel_matches_child "$LEFT" rsecd || return 1
	child=$(rsecd_child rsecd)
	xfrm_has_spi "$RIGHT" "$(jq .spi_in <<< "$child")" &&
		xfrm_has_spi "$RIGHT" "$(jq .spi_out <<< "$child")"
}

rsecd_bins
load_rsec
two_hosts_up
rsec_link "$LEFT"

step "short lifetimes: child rekey every 20 s, IKE rekey every 40 s"
rsecd_conf rsecd left ike=$IKE esp=$ESP \
	conn='rekey_time = "40s"' child=$'rekey_time = "20s"\nlife_time = "30s"'
rsecd_start rsecd "$LEFT"
swan_fresh "$RIGHT" charon right $IKE $ESP
rsecd_ctl rsecd initiate gw
wait_for 30 "the tunnel did not come up" consistent
first_spi=$(rsecd_child rsecd | jq .spi_in)
first_ike=$(rsecd_sas rsecd | jq -r '.ike_sas[0].id')

step "two minutes of rekeying under a continuous ping; every 5 s only the current SAs are in the kernels"
ip netns exec "$LEFT" ping -i 0.5 -w 122 -W 2 -I "$LEFT_INNER4" "$RIGHT_INNER4" \
	> "$RSEC_SCENARIO_OUT/ping-rekeys.log" 2>&1 &
ping_pid=$!
seen_spis=$first_spi counted_spis=""
while kill -0 "$ping_pid" 2> /dev/null; do
	# A rekey in progress briefly has the old and the new SAs; give it 5 s to settle.
	wait_for 5 "after a rekey the kernels do not hold just the current SAs: rsec.ko $(kernel_sas "$LEFT"); XFRM $(ip -n "$RIGHT" xfrm state | grep '^src' -A1)" consistent
	child=$(rsecd_child rsecd)
	spi=$(jq .spi_in <<< "$child")
	case " $seen_spis " in *" $spi "*) ;; *) seen_spis="$seen_spis $spi" ;; esac
	# A Child SA older than 2 s has carried some of the ping (two packets a second each way).
	if jq -e '.installed_secs >= 2 and .packets_in > 0 and .packets_out > 0' <<< "$child" > /dev/null; then
		case " $counted_spis " in *" $spi "*) ;; *) counted_spis="$counted_spis $spi" ;; esac
	elif jq -e '.installed_secs >= 2' <<< "$child" > /dev/null && kill -0 "$ping_pid" 2> /dev/null; then
		fail "Child SA $spi carries no traffic: $child"
	fi
	sleep 5
done
wait "$ping_pid" || true
summary=$(grep 'packets transmitted' "$RSEC_SCENARIO_OUT/ping-rekeys.log") ||
	fail "ping gave no summary: $(tail -3 "$RSEC_SCENARIO_OUT/ping-rekeys.log")"
echo "    ping: $summary"
sent=$(awk '{print $1}' <<< "$summary")
received=$(awk '{print $4}' <<< "$summary")
[ "$sent" -ge 200 ] || fail "the continuous ping sent only $sent packets"
[ "$sent" = "$received" ] || fail "the continuous ping lost packets across the rekeys: $summary"
echo "    Child SAs whose counters showed the ping: $counted_spis"
[ "$(wc -w <<< "$counted_spis")" -ge 4 ] ||
	fail "only these Child SAs counted the ping: $counted_spis (seen: $seen_spis)"
child_rekeys=$(count_log rsecd 'INFO .*Child SA installed.*rekeys=Some')
ike_rekeys=$(count_log rsecd 'INFO .*IKE SA rekeyed')
echo "    $child_rekeys child rekeys, $ike_rekeys IKE rekeys, inbound SPIs seen: $seen_spis"
[ "$child_rekeys" -ge 4 ] || fail "only $child_rekeys Child SA rekeys in two minutes"
[ "$ike_rekeys" -ge 2 ] || fail "only $ike_rekeys IKE SA rekeys in two minutes"
[ "$(wc -w <<< "$seen_spis")" -ge 4 ] || fail "the kernel's inbound SPI changed only to: $seen_spis"
[ "$(rsecd_sas rsecd | jq -r '.ike_sas[0].id')" != "$first_ike" ] || fail "the IKE SA is the first one still"
rsecd_log_has rsecd 'IKE SA not rekeyed in time|removing SA failed|not installed' &&
	fail "rsecd logged a failed rekey: $(grep -iE 'not rekeyed in time|removing SA failed|not installed' "$RSECD_WORK/rsecd/rsecd.log" | head -3)"
grep -qE 'rekeyed|rekeying' "$SWAN_WORK/charon/charon.log" || fail "charon logged no rekey"
rsecd_show rsecd "$LEFT"
rsecd_stop rsecd
swan_stop_wait charon

step "dead peer detection: charon killed, rsecd notices and removes the SAs"
rsecd_conf rsecd left ike=$IKE esp=$ESP conn='dpd_delay = "3s"'
rsecd_start rsecd "$LEFT"
swan_fresh "$RIGHT" charon right $IKE $ESP
rsecd_ctl rsecd initiate gw
wait_for 30 "the tunnel did not come up" consistent
kill -KILL "$(cat "$SWAN_WORK/charon/pid")"
rm -f "$SWAN_WORK/charon/pid"
t0=$(date +%s)
wait_for 40 "rsecd did not remove the IKE SA of the dead peer" rsecd_down rsecd
echo "    peer declared dead after $(( $(date +%s) - t0 )) s"
rsecd_log_has rsecd 'IKE SA failed.*peer did not respond' ||
	fail "rsecd's log does not say the peer did not respond"
[ "$(kernel_sa_count "$LEFT")" = 0 ] || fail "rsec.ko still holds SAs: $(kernel_sas "$LEFT")"
rsecd_ctl rsecd status --json | jq -e '.connections[0].name == "gw" and .connections[0].ike_sas == 0' \
	> /dev/null || fail "rsecctl status still counts an IKE SA for gw"
rsecd_ctl rsecd list-sas | tee "$RSEC_SCENARIO_OUT/list-sas-after-dpd.txt" | sed 's/^/    /'
rsecd_stop rsecd
ip -n "$RIGHT" xfrm state flush
ip -n "$RIGHT" xfrm policy flush

step "kill -9 rsecd, restart: stale SAs flushed, the tunnel returns, no duplicates"
# rsecd sends no INITIAL_CONTACT yet, so charon is told to replace an IKE SA with the same
# identities itself.
swan_fresh "$RIGHT" charon right $IKE $ESP "$RSEC_PSK" "unique = replace"
rsecd_conf rsecd left ike=$IKE esp=$ESP start=start
rsecd_start rsecd "$LEFT"
wait_for 30 "start_action = start did not bring the tunnel up" consistent
old=$(rsecd_child rsecd)
rsecd_kill9 rsecd
[ "$(kernel_sa_count "$LEFT")" = 2 ] || fail "after kill -9 the kernel should still hold the 2 orphaned SAs"
rsecd_start rsecd "$LEFT"
rsecd_log_has rsecd 'removed stale SAs of an earlier run.*removed=2' ||
	fail "rsecd did not report flushing 2 stale SAs"
wait_for 30 "the tunnel did not return after the restart" restored
new=$(rsecd_child rsecd)
for spi in $(jq '.spi_in, .spi_out' <<< "$old"); do
	kernel_sas "$LEFT" | jq -e --argjson s "$spi" 'all(.[]; .spi != $s)' > /dev/null ||
		fail "the kernel still holds SA $spi of the killed daemon"
done
[ "$(jq .spi_in <<< "$new")" != "$(jq .spi_in <<< "$old")" ] || fail "the new child reuses the old SPI"
pings_both_ways 3
# charon suspects a reauthentication and deletes the replaced IKE SA after a while.
wait_for 30 "charon keeps more than one established IKE SA" \
	eval '[ "$(swan charon --list-sas 2> /dev/null | grep -c ESTABLISHED)" = 1 ]'
rsecd_show rsecd "$LEFT"
rsecd_stop rsecd
echo ok
