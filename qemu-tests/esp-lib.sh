# ESP tunnels between the two namespaces of topology.sh, keyed with rsecctl (rsec) or with
# ip xfrm (Linux XFRM); source after lib.sh and topology.sh.
#
# Algorithms by short name: gcm128 gcm256 chacha cbc-sha256 cbc-sha384 cbc-sha512.
ESP_ALGS="gcm128 gcm256 chacha cbc-sha256 cbc-sha384 cbc-sha512"
SPI_LR=0x1001
SPI_RL=0x2002

RSECCTL=${RSECCTL:-$RSEC_TOP/ike-userspace/target/release/rsecctl}
[ -x "$RSECCTL" ] || fail "no rsecctl: cd ike-userspace && cargo build --release -p rsecctl"

# hexkey BYTES SEED: BYTES bytes of hex, all SEED (two hex digits).
hexkey() {
	printf "$2%.0s" $(seq "$1")
}

# alg_rsec ALG DIRSEED: the rsecctl algorithm arguments of ALG with keys derived from DIRSEED.
alg_rsec() {
	case $1 in
	gcm128) echo "--encr aes-gcm-16 --encr-key $(hexkey 20 "$2")" ;;
	gcm256) echo "--encr aes-gcm-16 --encr-key $(hexkey 36 "$2")" ;;
	chacha) echo "--encr chacha20-poly1305 --encr-key $(hexkey 36 "$2")" ;;
	cbc-sha256) echo "--encr aes-cbc --encr-key $(hexkey 16 "$2") --integ hmac-sha2-256-128 --integ-key $(hexkey 32 "$2")" ;;
	cbc-sha384) echo "--encr aes-cbc --encr-key $(hexkey 32 "$2") --integ hmac-sha2-384-192 --integ-key $(hexkey 48 "$2")" ;;
	cbc-sha512) echo "--encr aes-cbc --encr-key $(hexkey 32 "$2") --integ hmac-sha2-512-256 --integ-key $(hexkey 64 "$2")" ;;
	*) fail "unknown algorithm $1" ;;
	esac
}

# alg_xfrm ALG DIRSEED: the same algorithm and keys as ip xfrm state arguments.
alg_xfrm() {
	case $1 in
	gcm128) echo "aead rfc4106(gcm(aes)) 0x$(hexkey 20 "$2") 128" ;;
	gcm256) echo "aead rfc4106(gcm(aes)) 0x$(hexkey 36 "$2") 128" ;;
	chacha) echo "aead rfc7539esp(chacha20,poly1305) 0x$(hexkey 36 "$2") 128" ;;
	cbc-sha256) echo "enc cbc(aes) 0x$(hexkey 16 "$2") auth-trunc hmac(sha256) 0x$(hexkey 32 "$2") 128" ;;
	cbc-sha384) echo "enc cbc(aes) 0x$(hexkey 32 "$2") auth-trunc hmac(sha384) 0x$(hexkey 48 "$2") 192" ;;
	cbc-sha512) echo "enc cbc(aes) 0x$(hexkey 32 "$2") auth-trunc hmac(sha512) 0x$(hexkey 64 "$2") 256" ;;
	esac
}

# outer_addrs FAMILY: sets LO and RO, the outer addresses of left and right.
outer_addrs() {
	if [ "$1" = 4 ]; then LO=$LEFT_OUTER4 RO=$RIGHT_OUTER4; else LO=$LEFT_OUTER6 RO=$RIGHT_OUTER6; fi
}

# rsec_dev NS: an rsec0 in NS, up, with routes to the other side's inner addresses.
rsec_dev() {
	local ns=$1 r4 r6 l4 l6
	if [ "$ns" = "$LEFT" ]; then
		l4=$LEFT_INNER4 l6=$LEFT_INNER6 r4=$RIGHT_INNER4 r6=$RIGHT_INNER6
	else
		l4=$RIGHT_INNER4 l6=$RIGHT_INNER6 r4=$LEFT_INNER4 r6=$LEFT_INNER6
	fi
	ip -n "$ns" link add rsec0 type rsec
	ip -n "$ns" link set rsec0 up
	ip -n "$ns" route add "$r4/32" dev rsec0 src "$l4"
	ip -n "$ns" -6 route add "$r6/128" dev rsec0 src "$l6"
}

# rsec_sas NS ALG OUTER [EXTRA...]: the two SAs of NS (out and in) on its rsec0, selectors
# for both inner families, replay window 128 inbound; EXTRA goes to both (e.g. --esn).
rsec_sas() {
	local ns=$1 alg=$2 fam=$3 li4 li6 ri4 ri6 lo ro spi_out spi_in seed_out seed_in
	shift 3
	outer_addrs "$fam"
	if [ "$ns" = "$LEFT" ]; then
		li4=$LEFT_INNER4 li6=$LEFT_INNER6 ri4=$RIGHT_INNER4 ri6=$RIGHT_INNER6 lo=$LO ro=$RO
		spi_out=$SPI_LR spi_in=$SPI_RL seed_out=a1 seed_in=b2
	else
		li4=$RIGHT_INNER4 li6=$RIGHT_INNER6 ri4=$LEFT_INNER4 ri6=$LEFT_INNER6 lo=$RO ro=$LO
		spi_out=$SPI_RL spi_in=$SPI_LR seed_out=b2 seed_in=a1
	fi
	# shellcheck disable=SC2046
	ip netns exec "$ns" "$RSECCTL" sa add --dir out --spi "$spi_out" --src "$lo" --dst "$ro" \
		--dev rsec0 $(alg_rsec "$alg" "$seed_out") "$@" \
		--sel "src=$li4/32,dst=$ri4/32" --sel "src=$li6/128,dst=$ri6/128" ||
		fail "rsecctl sa add out in $ns"
	# shellcheck disable=SC2046
	ip netns exec "$ns" "$RSECCTL" sa add --dir in --spi "$spi_in" --src "$ro" --dst "$lo" \
		--dev rsec0 $(alg_rsec "$alg" "$seed_in") --replay-window 128 "$@" \
		--sel "src=$ri4/32,dst=$li4/32" --sel "src=$ri6/128,dst=$li6/128" ||
		fail "rsecctl sa add in in $ns"
}

# xfrm_sas NS ALG OUTER: the same two SAs with Linux XFRM in NS, and policies for both inner
# families (tunnel mode), plus plain routes to the other side's inner addresses.
xfrm_sas() {
	local ns=$1 alg=$2 fam=$3 li4 li6 ri4 ri6 lo ro
	outer_addrs "$fam"
	if [ "$ns" = "$LEFT" ]; then
		li4=$LEFT_INNER4 li6=$LEFT_INNER6 ri4=$RIGHT_INNER4 ri6=$RIGHT_INNER6 lo=$LO ro=$RO
	else
		li4=$RIGHT_INNER4 li6=$RIGHT_INNER6 ri4=$LEFT_INNER4 ri6=$LEFT_INNER6 lo=$RO ro=$LO
	fi
	# shellcheck disable=SC2046
	ip -n "$ns" xfrm state add src "$LO" dst "$RO" proto esp spi "$SPI_LR" mode tunnel \
		$(alg_xfrm "$alg" a1) replay-window 128 flag af-unspec
	# shellcheck disable=SC2046
	ip -n "$ns" xfrm state add src "$RO" dst "$LO" proto esp spi "$SPI_RL" mode tunnel \
		$(alg_xfrm "$alg" b2) replay-window 128 flag af-unspec
	xfrm_policies "$ns" "$li4" "$ri4" "$lo" "$ro"
	xfrm_policies "$ns" "$li6" "$ri6" "$lo" "$ro"
	ip -n "$ns" route add "$ri4/32" dev veth0 src "$li4"
	ip -n "$ns" -6 route add "$ri6/128" dev veth0 src "$li6"
}

# sa_json NS DIR SPI DST: rsecctl --json sa get.
sa_json() {
	ip netns exec "$1" "$RSECCTL" --json sa get --dir "$2" --spi "$3" --dst "$4"
}

# pings INNER: ping both ways between the inner addresses of family INNER (4 or 6).
pings() {
	local l r
	if [ "$1" = 4 ]; then l=$LEFT_INNER4 r=$RIGHT_INNER4; else l=$LEFT_INNER6 r=$RIGHT_INNER6; fi
	ip netns exec "$LEFT" ping -c 2 -i 0.2 -W 3 -I "$l" "$r" >/dev/null || fail "ping $l -> $r"
	ip netns exec "$RIGHT" ping -c 2 -i 0.2 -W 3 -I "$r" "$l" >/dev/null || fail "ping $r -> $l"
}

# iperfs INNER SECONDS: iperf3 TCP from left to right and back (-R); prints both Mbit/s and
# fails if either moved nothing.
iperfs() {
	local r mode out
	if [ "$1" = 4 ]; then r=$RIGHT_INNER4; else r=$RIGHT_INNER6; fi
	for mode in "" -R; do
		ip netns exec "$RIGHT" iperf3 -s -1 -D -I /tmp/iperf3.pid >/dev/null
		sleep 0.3
		out=$(ip netns exec "$LEFT" iperf3 -c "$r" -t "$2" $mode -J |
			jq '.end.sum_received.bits_per_second / 1e6 | floor') || fail "iperf3 $mode to $r"
		[ "${out:-0}" -gt 0 ] || fail "iperf3 $mode to $r moved nothing"
		echo "    iperf3 ${mode:-fwd} inner v$1: $out Mbit/s"
	done
}

# rsec_rsec_matrix OUTER SECONDS: for every algorithm, rsec on both sides over outer IPv$1:
# ping and iperf3 both ways for both inner families, and the SAs' counters.
rsec_rsec_matrix() {
	local outer=$1 seconds=$2 alg ns inner out_pkts in_pkts
	two_hosts_up
	rsec_dev "$LEFT"
	rsec_dev "$RIGHT"
	for alg in $ESP_ALGS; do
		step "rsec <-> rsec, outer IPv$outer, $alg"
		for ns in "$LEFT" "$RIGHT"; do
			ip netns exec "$ns" "$RSECCTL" sa flush
			rsec_sas "$ns" "$alg" "$outer"
		done
		for inner in 4 6; do
			pings "$inner"
			iperfs "$inner" "$seconds"
		done
		outer_addrs "$outer"
		sa_json "$LEFT" out "$SPI_LR" "$RO" > "$RSEC_SCENARIO_OUT/out.json"
		sa_json "$RIGHT" in "$SPI_LR" "$RO" > "$RSEC_SCENARIO_OUT/in.json"
		out_pkts=$(jq .counters.packets "$RSEC_SCENARIO_OUT/out.json")
		in_pkts=$(jq .counters.packets "$RSEC_SCENARIO_OUT/in.json")
		[ "$out_pkts" -gt 100 ] || fail "left's outbound SA sent $out_pkts packets"
		[ "$in_pkts" -gt 100 ] || fail "right's inbound SA took $in_pkts packets"
		jq -e '.counters.drop_auth == 0 and .counters.drop_padding == 0 and
			.counters.drop_malformed == 0 and .counters.drop_selector == 0' \
			"$RSEC_SCENARIO_OUT/in.json" >/dev/null ||
			fail "drops on right's inbound SA: $(jq -c .counters "$RSEC_SCENARIO_OUT/in.json")"
		echo "    left out: $out_pkts packets; right in: $in_pkts packets"
	done
	two_hosts_down
}

# capture_check OUTER: with tcpdump on left's veth0, one ping each way; the capture must show
# ESP with SPI 0x1001 left to right and 0x2002 right to left, sequence numbers above 0.
capture_check() {
	local cap=$RSEC_SCENARIO_OUT/esp.pcap text lr rl
	ip netns exec "$LEFT" tcpdump -i veth0 -n -U -c 2 -w "$cap" esp 2>/dev/null &
	local pid=$!
	sleep 1
	ip netns exec "$LEFT" ping -c 1 -W 3 -I "$LEFT_INNER4" "$RIGHT_INNER4" >/dev/null ||
		fail "ping during the capture"
	wait "$pid" || fail "tcpdump caught no ESP"
	text=$(tcpdump -r "$cap" -n 2>/dev/null)
	echo "$text" | sed 's/^/    /'
	outer_addrs "$1"
	lr=$(echo "$text" | grep -E "$LO > $RO: ESP\(spi=0x00001001,seq=0x[0-9a-f]+\)" | head -1)
	rl=$(echo "$text" | grep -E "$RO > $LO: ESP\(spi=0x00002002,seq=0x[0-9a-f]+\)" | head -1)
	[ -n "$lr" ] || fail "no ESP with SPI 0x1001 from $LO to $RO in the capture"
	[ -n "$rl" ] || fail "no ESP with SPI 0x2002 from $RO to $LO in the capture"
	for line in "$lr" "$rl"; do
		seq=$(echo "$line" | sed -E 's/.*seq=(0x[0-9a-f]+).*/\1/')
		[ $((seq)) -gt 0 ] || fail "sequence number $seq in: $line"
	done
}

# rsec_xfrm_matrix OUTER SECONDS: for every algorithm, rsec on the left and Linux XFRM on
# the right with the same keys, over outer IPv$1: ping and iperf3 both ways for both inner
# families, the SAs' counters, and a capture of one packet each way.
rsec_xfrm_matrix() {
	local outer=$1 seconds=$2 alg inner out_pkts in_pkts
	for alg in $ESP_ALGS; do
		step "rsec <-> XFRM, outer IPv$outer, $alg"
		two_hosts_up
		rsec_dev "$LEFT"
		rsec_sas "$LEFT" "$alg" "$outer"
		xfrm_sas "$RIGHT" "$alg" "$outer"
		for inner in 4 6; do
			pings "$inner"
			iperfs "$inner" "$seconds"
		done
		capture_check "$outer"
		outer_addrs "$outer"
		sa_json "$LEFT" out "$SPI_LR" "$RO" > "$RSEC_SCENARIO_OUT/out.json"
		sa_json "$LEFT" in "$SPI_RL" "$LO" > "$RSEC_SCENARIO_OUT/in.json"
		out_pkts=$(jq .counters.packets "$RSEC_SCENARIO_OUT/out.json")
		in_pkts=$(jq .counters.packets "$RSEC_SCENARIO_OUT/in.json")
		[ "$out_pkts" -gt 100 ] || fail "rsec's outbound SA sent $out_pkts packets"
		[ "$in_pkts" -gt 100 ] || fail "rsec's inbound SA took $in_pkts packets"
		echo "    rsec out: $out_pkts packets; rsec in: $in_pkts packets"
		two_hosts_down
	done
}
