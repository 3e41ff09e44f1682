# rsecd against strongSwan over IKEv2 with pre-shared keys: rsecd as initiator and as
# responder with three proposals; the Child SAs go into rsec.ko on rsecd's side and into
# Linux XFRM on charon's, and pings cross the tunnel both ways. Then a wrong PSK in both directions: AUTHENTICATION_FAILED in
# both logs, no SA in either kernel.
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

# Proposals: name, IKE, ESP, the kernel's encr/integ in rsec.ko, XFRM's algorithm in ip xfrm.
# charon logs AUTHENTICATION_FAILED as "N(AUTH_FAILED)" in the messages it sends, in full
# when it receives one.
SWAN_AUTH_FAILED='N\(AUTH_FAILED\)|AUTHENTICATION_FAILED'

PROPOSALS=(
	"gcm128-x25519|aes128gcm16-prfsha256-x25519|aes128gcm16|aes-gcm-16|null|rfc4106(gcm(aes))"
	"cbc256-modp2048|aes256-sha256-modp2048|aes256-sha256|aes-cbc|hmac-sha2-256-128|cbc(aes)"
	"chacha-ecp256|chacha20poly1305-prfsha256-ecp256|chacha20poly1305|chacha20-poly1305|null|rfc7539esp(chacha20,poly1305)"
)

# both_up: rsecd and charon report the tunnel, and each kernel holds exactly its two SAs,
# with the same SPIs on both sides and the negotiated algorithms.
both_up() {
	local encr=$1 integ=$2 xfrm_alg=$3 child in out states
	wait_for 30 "rsecd did not report an established IKE SA with an installed child" rsecd_up rsecd
	wait_for 30 "charon did not report an established IKE SA with an installed child" swan_up charon
	child=$(rsecd_child rsecd)
	in=$(jq .spi_in <<< "$child")
	out=$(jq .spi_out <<< "$child")
	echo "    child SPIs in $(printf %08x "$in"), out $(printf %08x "$out")"
	kernel_matches_child "$LEFT" rsecd ||
		fail "rsec.ko does not hold exactly the child's two SAs: $(kernel_sas "$LEFT")"
	kernel_sas "$LEFT" | jq -e --arg encr "$encr" --arg integ "$integ" \
		'all(.[]; .encr == $encr and ((.integ // "null") == $integ) and .dev == "rsec0"
			and .mode == "tunnel")' > /dev/null ||
		fail "rsec.ko SAs lack $encr/$integ, rsec0 or tunnel mode: $(kernel_sas "$LEFT")"
	[ "$(kernel_sas "$LEFT" --owner "$RSECD_OWNER1" | jq length)" = 2 ] ||
		fail "the SAs do not carry rsecd's owner cookie $RSECD_OWNER1"
	kernel_sas "$LEFT" | jq -e '[.[] | select(.dir == "in")][0] | .src == "192.0.2.2"
		and .dst == "192.0.2.1" and .selectors[0].src == "10.2.0.1/32"
		and .selectors[0].dst == "10.1.0.1/32"' > /dev/null ||
		fail "the inbound SA has the wrong addresses or selector: $(kernel_sas "$LEFT")"
	[ "$(xfrm_state_count "$RIGHT")" = 2 ] ||
		fail "XFRM holds $(xfrm_state_count "$RIGHT") states, not 2: $(ip -n "$RIGHT" xfrm state)"
	xfrm_has_spi "$RIGHT" "$in" || fail "no XFRM state with rsecd's inbound SPI"
	xfrm_has_spi "$RIGHT" "$out" || fail "no XFRM state with rsecd's outbound SPI"
	states=$(ip -n "$RIGHT" xfrm state list)
	[ "$(grep -cF "$xfrm_alg" <<< "$states")" = 2 ] ||
		fail "XFRM states do not both use $xfrm_alg: $states"
}

# both_down: neither daemon has an IKE SA, neither kernel an SA.
both_down() {
	wait_for 20 "rsecd still lists an IKE SA" rsecd_down rsecd
	wait_for 20 "charon still lists an IKE SA" swan_down charon
	wait_for 10 "rsec.ko still holds SAs: $(kernel_sas "$LEFT")" \
		eval '[ "$(kernel_sa_count "$LEFT")" = 0 ]'
	wait_for 10 "XFRM still holds states" eval '[ "$(xfrm_state_count "$RIGHT")" = 0 ]'
}

# traffic: pings both ways through the tunnel, counted on rsec.ko's SAs (rsecd's list-sas)
# and on XFRM's.
traffic() {
	local pin pout xfrm
	pings_both_ways 5
	read -r pin pout <<< "$(child_counters rsecd)"
	[ "$pin" -ge 10 ] && [ "$pout" -ge 10 ] ||
		fail "rsec.ko counted $pin packets in and $pout out, not 10 each"
	xfrm=$(xfrm_packets "$RIGHT" | sort -n | head -1)
	[ "${xfrm:-0}" -ge 10 ] || fail "XFRM counted only ${xfrm:-0} packets on a state"
	echo "    rsec.ko: $pin packets in, $pout out; XFRM: at least $xfrm on each state"
}

rsecd_bins
load_rsec
two_hosts_up
rsec_link "$LEFT"

for p in "${PROPOSALS[@]}"; do
	IFS='|' read -r pname ike esp encr integ xfrm_alg <<< "$p"

	step "$pname: start rsecd ($ike / $esp) and charon with the same proposal"
	rsecd_conf rsecd left ike="$ike" esp="$esp"
	rsecd_start rsecd "$LEFT"
	swan_fresh "$RIGHT" charon right "$ike" "$esp"

	step "$pname: rsecd initiates; ping both ways"
	rsecd_ctl rsecd initiate gw
	both_up "$encr" "$integ" "$xfrm_alg"
	traffic
	rsecd_sas rsecd | jq -e --arg ike "$ike" \
		'.ike_sas[0].initiator and (.ike_sas[0].algorithms | ascii_downcase | test("x25519|modp2048|ecp256"))' \
		> /dev/null || fail "list-sas does not show rsecd as initiator with the IKE algorithms"
	rsecd_show rsecd "$LEFT"

	step "$pname: rsecd terminates; both kernels are empty"
	rsecd_ctl rsecd terminate gw
	both_down

	step "$pname: charon initiates, rsecd responds; ping both ways"
	swan charon --initiate --child net --timeout 20 > "$RSEC_SCENARIO_OUT/initiate-$pname.log" 2>&1 ||
		fail "charon could not establish the tunnel with rsecd: $(tail -5 "$RSEC_SCENARIO_OUT/initiate-$pname.log")"
	both_up "$encr" "$integ" "$xfrm_alg"
	traffic
	rsecd_sas rsecd | jq -e '.ike_sas[0].initiator | not' > /dev/null ||
		fail "list-sas shows rsecd as initiator of charon's IKE SA"

	step "$pname: charon terminates; both kernels are empty"
	swan charon --terminate --ike gw --timeout 10 > /dev/null 2>&1 ||
		fail "charon could not terminate"
	both_down

	rsecd_stop rsecd
	swan_stop_wait charon
done

step "wrong PSK, rsecd initiates: AUTHENTICATION_FAILED on both sides, no SA anywhere"
rsecd_conf rsecd left psk="not the key charon has"
rsecd_start rsecd "$LEFT"
swan_fresh "$RIGHT" charon right aes128gcm16-prfsha256-x25519 aes128gcm16
rsecd_ctl rsecd initiate gw
wait_for 20 "charon logged no AUTHENTICATION_FAILED" \
	grep -qE "$SWAN_AUTH_FAILED" "$SWAN_WORK/charon/charon.log"
wait_for 20 "rsecd logged no AUTHENTICATION_FAILED" rsecd_log_has rsecd AUTHENTICATION_FAILED
wait_for 20 "rsecd kept an IKE SA after the failure" rsecd_down rsecd
swan_down charon || fail "charon kept an IKE SA after the failure"
[ "$(kernel_sa_count "$LEFT")" = 0 ] || fail "rsec.ko holds SAs: $(kernel_sas "$LEFT")"
[ "$(xfrm_state_count "$RIGHT")" = 0 ] || fail "XFRM holds states: $(ip -n "$RIGHT" xfrm state)"
grep -E "$SWAN_AUTH_FAILED" "$SWAN_WORK/charon/charon.log" | head -2 | sed 's/^/    charon: /'
grep -i AUTHENTICATION_FAILED "$RSECD_WORK/rsecd/rsecd.log" | head -2 | sed 's/^/    rsecd: /'

step "wrong PSK, charon initiates: AUTHENTICATION_FAILED on both sides, no SA anywhere"
before=$(grep -ci AUTHENTICATION_FAILED "$RSECD_WORK/rsecd/rsecd.log")
before_swan=$(grep -cE "$SWAN_AUTH_FAILED" "$SWAN_WORK/charon/charon.log")
if swan charon --initiate --child net --timeout 20 > "$RSEC_SCENARIO_OUT/initiate-badpsk.log" 2>&1; then
	fail "charon established a tunnel with the wrong PSK"
fi
wait_for 10 "charon logged no new AUTHENTICATION_FAILED" \
	eval '[ "$(grep -cE "$SWAN_AUTH_FAILED" "$SWAN_WORK/charon/charon.log")" -gt "$before_swan" ]'
wait_for 10 "rsecd logged no new AUTHENTICATION_FAILED" \
	eval '[ "$(grep -ci AUTHENTICATION_FAILED "$RSECD_WORK/rsecd/rsecd.log")" -gt "$before" ]'
rsecd_down rsecd || fail "rsecd kept an IKE SA after the failure"
[ "$(kernel_sa_count "$LEFT")" = 0 ] || fail "rsec.ko holds SAs: $(kernel_sas "$LEFT")"
[ "$(xfrm_state_count "$RIGHT")" = 0 ] || fail "XFRM holds states: $(ip -n "$RIGHT" xfrm state)"
rsecd_stop rsecd
echo ok
