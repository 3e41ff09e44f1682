# The test kernel hosts the reference peers later scenarios compare rsec with: a Linux XFRM
# tunnel keyed by hand, and two strongSwan daemons negotiating one over IKEv2 with XFRM ESP.
#
#   ns "left"                                     ns "right"
#   lo: 10.1.0.1                                  lo: 10.2.0.1
#   veth0: 192.0.2.1/24  <------- ESP ------->   veth0: 192.0.2.2/24
. "$RSEC_TOP/qemu-tests/lib.sh"
. "$RSEC_TOP/qemu-tests/topology.sh"
. "$RSEC_TOP/qemu-tests/strongswan.sh"

cleanup() {
	swan_stop left
	swan_stop right
	two_hosts_down
}
trap cleanup EXIT

# esp_packets NS SPI: packets counted on the XFRM state with that SPI in NS.
esp_packets() {
	ip -n "$1" -s xfrm state list spi "$2" | grep -o '[0-9]\+(packets)' | head -1 | tr -d '(packets)'
}

step "Linux XFRM tunnel keyed by hand"
two_hosts_up
xfrm_tunnel4 0x0102030405060708090a0b0c0d0e0f1011121314
ip netns exec "$LEFT" ping -c 3 -i 0.2 -W 2 -I "$LEFT_INNER4" "$RIGHT_INNER4"
[ "$(esp_packets "$LEFT" 0x1001)" -ge 3 ] || fail "pings did not go through the XFRM state"
two_hosts_down

step "strongSwan to strongSwan over IKEv2, ESP in XFRM"
two_hosts_up
for side in left right; do
	swan_conf "$side"
	if [ "$side" = left ]; then
		me=$LEFT_OUTER4 peer=$RIGHT_OUTER4 my_ts=$LEFT_INNER4 peer_ts=$RIGHT_INNER4
	else
		me=$RIGHT_OUTER4 peer=$LEFT_OUTER4 my_ts=$RIGHT_INNER4 peer_ts=$LEFT_INNER4
	fi
	cat > "$SWAN_WORK/$side/swanctl.conf" <<CONF
connections {
	ref {
		version = 2
		local_addrs = $me
		remote_addrs = $peer
		proposals = aes128gcm16-prfsha256-x25519
		local { auth = psk
			id = $side.rsec.test }
		remote { auth = psk
			id = $([ "$side" = left ] && echo right || echo left).rsec.test }
		children {
			net {
				local_ts = $my_ts/32
				remote_ts = $peer_ts/32
				esp_proposals = aes128gcm16
			}
		}
	}
}
secrets {
	ike-ref {
		id-1 = left.rsec.test
		id-2 = right.rsec.test
		secret = "reference peers only"
	}
}
CONF
	swan_start "$side" "$side"
	swan "$side" --load-all --file "$SWAN_WORK/$side/swanctl.conf" > /dev/null
done
swan left --initiate --child net --timeout 20 > "$RSEC_SCENARIO_OUT/initiate.log" ||
	{ cat "$RSEC_SCENARIO_OUT/initiate.log"; fail "strongSwan could not establish the tunnel"; }
ip netns exec "$LEFT" ping -c 3 -i 0.2 -W 2 -I "$LEFT_INNER4" "$RIGHT_INNER4"
[ "$(ip -n "$LEFT" xfrm state list | grep -c '^src')" -ge 2 ] || fail "no XFRM states from charon"
echo ok
