# Two test hosts in network namespaces joined by a veth pair; source after lib.sh.
#
#   ns "left"                                     ns "right"
#   lo: 10.1.0.1/32, fd00:1::1/128                lo: 10.2.0.1/32, fd00:2::1/128
#   veth0: 192.0.2.1/24, 2001:db8::1/64  <----->  veth0: 192.0.2.2/24, 2001:db8::2/64
#
# The outer addresses carry ESP; the inner (loopback) addresses are what the tunnels protect.
# Without IPsec the inner addresses are reachable too, through plain routes, so a benchmark can
# measure the same path with and without it.

LEFT=left
RIGHT=right
LEFT_OUTER4=192.0.2.1
RIGHT_OUTER4=192.0.2.2
LEFT_OUTER6=2001:db8::1
RIGHT_OUTER6=2001:db8::2
LEFT_INNER4=10.1.0.1
RIGHT_INNER4=10.2.0.1
LEFT_INNER6=fd00:1::1
RIGHT_INNER6=fd00:2::1

# two_hosts_up: create both namespaces, the veth pair, addresses and routes.
two_hosts_up() {
	ip netns add "$LEFT"
	ip netns add "$RIGHT"
	ip link add veth0 netns "$LEFT" type veth peer name veth0 netns "$RIGHT"

	local ns outer4 outer6 inner4 inner6
	for ns in "$LEFT" "$RIGHT"; do
		if [ "$ns" = "$LEFT" ]; then
			outer4=$LEFT_OUTER4 outer6=$LEFT_OUTER6 inner4=$LEFT_INNER4 inner6=$LEFT_INNER6
		else
			outer4=$RIGHT_OUTER4 outer6=$RIGHT_OUTER6 inner4=$RIGHT_INNER4 inner6=$RIGHT_INNER6
		fi
		ip -n "$ns" link set lo up
		ip -n "$ns" addr add "$inner4/32" dev lo
		ip -n "$ns" addr add "$inner6/128" dev lo
		ip -n "$ns" addr add "$outer4/24" dev veth0
		ip -n "$ns" addr add "$outer6/64" dev veth0 nodad
		ip -n "$ns" link set veth0 up
	done
}

# plain_inner_routes: route the inner addresses over the veth without IPsec.
plain_inner_routes() {
	ip -n "$LEFT" route add "$RIGHT_INNER4/32" via "$RIGHT_OUTER4" src "$LEFT_INNER4"
	ip -n "$RIGHT" route add "$LEFT_INNER4/32" via "$LEFT_OUTER4" src "$RIGHT_INNER4"
	ip -n "$LEFT" -6 route add "$RIGHT_INNER6/128" via "$RIGHT_OUTER6" src "$LEFT_INNER6"
	ip -n "$RIGHT" -6 route add "$LEFT_INNER6/128" via "$LEFT_OUTER6" src "$RIGHT_INNER6"
}

# two_hosts_down: delete both namespaces (and so the veth pair and any XFRM state in them).
two_hosts_down() {
	ip netns del "$LEFT" 2>/dev/null || true
	ip netns del "$RIGHT" 2>/dev/null || true
}

# xfrm_tunnel4 ENCR_KEY_HEX: key an IPv4-in-IPv4 ESP tunnel with Linux XFRM in both namespaces,
# AES-GCM-16-128 (rfc4106) with the given 20-byte key (16 key + 4 salt), SPIs 0x1001 (left to
# right) and 0x2002 (right to left).
xfrm_tunnel4() {
	local key=$1 ns src dst lin rin
	for ns in "$LEFT" "$RIGHT"; do
		for dir in lr rl; do
			if [ "$dir" = lr ]; then
				src=$LEFT_OUTER4 dst=$RIGHT_OUTER4 spi=0x1001
			else
				src=$RIGHT_OUTER4 dst=$LEFT_OUTER4 spi=0x2002
			fi
			ip -n "$ns" xfrm state add src "$src" dst "$dst" proto esp spi "$spi" \
				mode tunnel aead 'rfc4106(gcm(aes))' "$key" 128 replay-window 128
		done
	done

	xfrm_policies "$LEFT" "$LEFT_INNER4" "$RIGHT_INNER4" "$LEFT_OUTER4" "$RIGHT_OUTER4"
	xfrm_policies "$RIGHT" "$RIGHT_INNER4" "$LEFT_INNER4" "$RIGHT_OUTER4" "$LEFT_OUTER4"
	ip -n "$LEFT" route add "$RIGHT_INNER4/32" via "$RIGHT_OUTER4" src "$LEFT_INNER4"
	ip -n "$RIGHT" route add "$LEFT_INNER4/32" via "$LEFT_OUTER4" src "$RIGHT_INNER4"
}

# xfrm_policies NS LOCAL_INNER REMOTE_INNER LOCAL_OUTER REMOTE_OUTER
xfrm_policies() {
	local ns=$1 li=$2 ri=$3 lo=$4 ro=$5
	ip -n "$ns" xfrm policy add src "$li" dst "$ri" dir out \
		tmpl src "$lo" dst "$ro" proto esp mode tunnel
	ip -n "$ns" xfrm policy add src "$ri" dst "$li" dir in \
		tmpl src "$ro" dst "$lo" proto esp mode tunnel
	ip -n "$ns" xfrm policy add src "$ri" dst "$li" dir fwd \
		tmpl src "$ro" dst "$lo" proto esp mode tunnel
}
