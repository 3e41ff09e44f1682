# rsecd (the IKEv2 daemon, netlink backend: Child SAs in rsec.ko) as a peer inside a test
# namespace; source after lib.sh and topology.sh. Each daemon gets its own folder under
# $RSECD_WORK: rsecd.toml, control socket, log, pid.
#
#   rsecd_conf NAME SIDE [key=value...]   write NAME's configuration for side left or right
#   rsecd_start NAME NS                   start it in NS and wait until it answers
#   rsecd_ctl NAME ARGS...                rsecctl against NAME's control socket
#   kernel_sas NS [ARGS...]                 rsecctl --json sa list in NS (the kernel's SAs)
#   rsecd_stop NAME / rsecd_kill9 NAME    SIGTERM (and wait) / SIGKILL
#
# The connection is always called "gw" and its child "net"; the selectors are the two
# namespaces' inner IPv4 addresses, the IKE addresses their outer IPv4 addresses.

RSECD_WORK=${RSECD_WORK:-/tmp/rsecd}
RSECD_BIN=$RSEC_TOP/ike-userspace/target/release/rsecd
RSECCTL_BIN=$RSEC_TOP/ike-userspace/target/release/rsecctl
RSEC_PSK=${RSEC_PSK:-"rsec vm test key"}
# Scenarios share the VM's /tmp: each starts with empty rsecd folders and logs.
rm -rf "${RSECD_WORK:?}"

# rsecd_bins: both release binaries are there (make userspace builds them) and jq too.
rsecd_bins() {
	[ -x "$RSECD_BIN" ] || fail "no $RSECD_BIN: run make userspace"
	[ -x "$RSECCTL_BIN" ] || fail "no $RSECCTL_BIN: run make userspace"
	command -v jq > /dev/null || fail "jq is needed to read rsecctl --json"
}

# side_addrs SIDE: sets me, peer, my_ts, peer_ts, my_id, peer_id for side left or right.
side_addrs() {
	case $1 in
	left)
		me=$LEFT_OUTER4 peer=$RIGHT_OUTER4 my_ts=$LEFT_INNER4 peer_ts=$RIGHT_INNER4
		my_id=left.rsec.test peer_id=right.rsec.test ;;
	right)
		me=$RIGHT_OUTER4 peer=$LEFT_OUTER4 my_ts=$RIGHT_INNER4 peer_ts=$LEFT_INNER4
		my_id=right.rsec.test peer_id=left.rsec.test ;;
	*) fail "side_addrs: no side $1" ;;
	esac
}

# rsec_link NS: the rsec device the Child SAs belong to, rsec0 in NS, with a route of the
# other side's inner address into it.
rsec_link() {
	local ns=$1 me peer my_ts peer_ts my_id peer_id
	side_addrs "$([ "$ns" = "$LEFT" ] && echo left || echo right)"
	ip -n "$ns" link add rsec0 type rsec || fail "cannot create an rsec device in $ns"
	ip -n "$ns" link set rsec0 up
	ip -n "$ns" route add "$peer_ts/32" dev rsec0 src "$my_ts"
}

# pings_both_ways [COUNT]: COUNT (default 5) pings from each side's inner address to the
# other's, none lost.
pings_both_ways() {
	local n=${1:-5}
	ip netns exec "$LEFT" ping -q -c "$n" -i 0.2 -W 3 -I "$LEFT_INNER4" "$RIGHT_INNER4" > "$RSEC_SCENARIO_OUT/ping.log" ||
		fail "ping $LEFT_INNER4 -> $RIGHT_INNER4 through the tunnel: $(tail -2 "$RSEC_SCENARIO_OUT/ping.log")"
	ip netns exec "$RIGHT" ping -q -c "$n" -i 0.2 -W 3 -I "$RIGHT_INNER4" "$LEFT_INNER4" > "$RSEC_SCENARIO_OUT/ping.log" ||
		fail "ping $RIGHT_INNER4 -> $LEFT_INNER4 through the tunnel: $(tail -2 "$RSEC_SCENARIO_OUT/ping.log")"
	echo "    $n pings each way through the tunnel"
}

# iperf_both_ways SECONDS: iperf3 TCP from left to right and back (-R) through the tunnel.
iperf_both_ways() {
	local mode mbit
	for mode in "" -R; do
		ip netns exec "$RIGHT" iperf3 -s -1 -D -B "$RIGHT_INNER4" -I /tmp/iperf3.pid > /dev/null
		sleep 0.5
		mbit=$(ip netns exec "$LEFT" iperf3 -c "$RIGHT_INNER4" -B "$LEFT_INNER4" -t "$1" $mode -J |
			jq '.end.sum_received.bits_per_second / 1e6 | floor') || fail "iperf3 $mode failed"
		[ "${mbit:-0}" -gt 0 ] || fail "iperf3 $mode moved nothing"
		echo "    iperf3 ${mode:-(left to right)}: $mbit Mbit/s"
	done
}

# child_counters NAME: "packets_in packets_out" of NAME's installed child (from rsec.ko).
child_counters() {
	rsecd_child "$1" | jq -r '"\(.packets_in) \(.packets_out)"'
}

# rsecd_conf NAME SIDE [key=value...]: writes $RSECD_WORK/NAME/rsecd.toml. Keys: ike, esp
# (proposals), psk, owner (owner_id), start (start_action), and conn / child: extra TOML
# lines for the connection or the child section (e.g. child='rekey_time = "20s"').
rsecd_conf() {
	local name=$1 side=$2 dir=$RSECD_WORK/$1 kv
	shift 2
	local ike=aes128gcm16-prfsha256-x25519 esp=aes128gcm16 psk=$RSEC_PSK owner=1 start=none
	local conn_extra="" child_extra=""
	for kv in "$@"; do
		case $kv in
		ike=*) ike=${kv#ike=} ;;
		esp=*) esp=${kv#esp=} ;;
		psk=*) psk=${kv#psk=} ;;
		owner=*) owner=${kv#owner=} ;;
		start=*) start=${kv#start=} ;;
		conn=*) conn_extra=${kv#conn=} ;;
		child=*) child_extra=${kv#child=} ;;
		*) fail "rsecd_conf: unknown setting $kv" ;;
		esac
	done
	local me peer my_ts peer_ts my_id peer_id
	side_addrs "$side"
	mkdir -p "$dir"
	cat > "$dir/rsecd.toml" <<CONF
[daemon]
listen = ["$me"]
control_socket = "$dir/rsecd.sock"
owner_id = $owner
backend = "netlink"
retransmit_timeout = 1
retransmit_base = 1.5
retransmit_tries = 3

[connections.gw]
local_addrs = ["$me"]
remote_addrs = ["$peer"]
proposals = ["$ike"]
$conn_extra

[connections.gw.local]
id = "$my_id"

[connections.gw.remote]
id = "$peer_id"

[connections.gw.children.net]
local_ts = ["$my_ts/32"]
remote_ts = ["$peer_ts/32"]
esp_proposals = ["$esp"]
interface = "rsec0"
start_action = "$start"
$child_extra

[secrets.ike-gw]
id = ["$my_id", "$peer_id"]
secret = "$psk"
CONF
	chmod 600 "$dir/rsecd.toml"
	"$RSECD_BIN" --check --config "$dir/rsecd.toml" > /dev/null ||
		fail "rsecd refuses the configuration written for $name"
}

# rsecd_start NAME NS: starts rsecd NAME in NS (its log appended to rsecd.log) and waits
# until rsecctl status answers.
rsecd_start() {
	local name=$1 ns=$2 dir=$RSECD_WORK/$1 i
	rm -f "$dir/rsecd.sock"
	echo "=== rsecd start $(date +%T)" >> "$dir/rsecd.log"
	ip netns exec "$ns" "$RSECD_BIN" --config "$dir/rsecd.toml" --log-level debug \
		>> "$dir/rsecd.log" 2>&1 &
	echo $! > "$dir/pid"
	for i in $(seq 100); do
		rsecd_ctl "$name" status > /dev/null 2>&1 && return 0
		kill -0 "$(cat "$dir/pid")" 2> /dev/null || break
		sleep 0.2
	done
	tail -n 20 "$dir/rsecd.log" >&2
	fail "rsecd $name did not start in $ns"
}

# rsecd_ctl NAME ARGS...: rsecctl ARGS against NAME's control socket.
rsecd_ctl() {
	local dir=$RSECD_WORK/$1 cmd=$2
	shift 2
	"$RSECCTL_BIN" "$cmd" "$@" --socket "$dir/rsecd.sock"
}

# rsecd_sas NAME: rsecctl list-sas --json of NAME.
rsecd_sas() {
	rsecd_ctl "$1" list-sas --json
}

# kernel_sas NS [ARGS...]: the kernel's SAs in NS, rsecctl --json sa list ARGS.
kernel_sas() {
	local ns=$1
	shift
	ip netns exec "$ns" "$RSECCTL_BIN" --json sa list "$@"
}

# kernel_sa_count NS: how many SAs rsec.ko holds in NS.
kernel_sa_count() {
	kernel_sas "$1" | jq length
}

# rsecd_pid NAME: the pid of rsecd NAME.
rsecd_pid() {
	cat "$RSECD_WORK/$1/pid"
}

# rsecd_stop NAME: SIGTERM, then wait up to 10 s for rsecd NAME to exit.
rsecd_stop() {
	local pidfile=$RSECD_WORK/$1/pid pid i
	[ -f "$pidfile" ] || return 0
	pid=$(cat "$pidfile")
	rm -f "$pidfile"
	kill -TERM "$pid" 2> /dev/null || return 0
	for i in $(seq 50); do
		kill -0 "$pid" 2> /dev/null || return 0
		sleep 0.2
	done
	kill -KILL "$pid" 2> /dev/null || true
	fail "rsecd $1 did not exit within 10 s of SIGTERM"
}

# rsecd_kill9 NAME: SIGKILL rsecd NAME and wait for it to be gone.
rsecd_kill9() {
	local pidfile=$RSECD_WORK/$1/pid pid
	pid=$(cat "$pidfile")
	rm -f "$pidfile"
	kill -KILL "$pid"
	wait "$pid" 2> /dev/null || true
}

# rsecd_log_has NAME PATTERN: NAME's log matches PATTERN (ERE, case-insensitive).
rsecd_log_has() {
	grep -qiE "$2" "$RSECD_WORK/$1/rsecd.log"
}

# wait_for SECONDS WHAT CMD...: polls CMD every half second until it succeeds, or fails the
# scenario with "WHAT".
wait_for() {
	local secs=$1 what=$2 i
	shift 2
	for i in $(seq $((secs * 2))); do
		"$@" > /dev/null 2>&1 && return 0
		sleep 0.5
	done
	fail "$what (not within $secs s)"
}

# rsecd_up NAME: NAME has one established IKE SA whose child is installed.
rsecd_up() {
	rsecd_sas "$1" | jq -e '(.ike_sas | length) == 1 and .ike_sas[0].state == "established"
		and ([.ike_sas[0].children[] | select(.state == "installed")] | length) == 1' > /dev/null
}

# rsecd_down NAME: NAME has no IKE SA.
rsecd_down() {
	rsecd_sas "$1" | jq -e '(.ike_sas | length) == 0' > /dev/null
}

# rsecd_child NAME: the installed child of NAME as JSON (spi_in, spi_out, ...).
rsecd_child() {
	rsecd_sas "$1" | jq -c '[.ike_sas[].children[] | select(.state == "installed")][0]'
}

# kernel_matches_child NS NAME: rsec.ko in NS holds exactly the two SAs of NAME's installed
# child, with NAME's owner, inbound and outbound.
kernel_matches_child() {
	local ns=$1 child in out
	child=$(rsecd_child "$2")
	in=$(jq .spi_in <<< "$child")
	out=$(jq .spi_out <<< "$child")
	kernel_sas "$ns" | jq -e --argjson in "$in" --argjson out "$out" 'length == 2
		and ([.[] | select(.dir == "in" and .spi == $in)] | length) == 1
		and ([.[] | select(.dir == "out" and .spi == $out)] | length) == 1' > /dev/null
}

# rsecd_show NAME NS: list-sas of NAME and the kernel's SAs in NS, for the scenario log.
rsecd_show() {
	echo "    rsecctl list-sas ($1):"
	rsecd_ctl "$1" list-sas | sed 's/^/      /'
	echo "    rsecctl sa list (kernel, $2):"
	ip netns exec "$2" "$RSECCTL_BIN" sa list | sed 's/^/      /'
}

# swan_peer_conf NAME SIDE IKE_PROPOSAL ESP_PROPOSAL [PSK [CONN_EXTRA]]: swanctl.conf for
# charon NAME (see strongswan.sh) on SIDE, the peer of an rsecd configured by rsecd_conf
# on the other side; connection "gw", child "net". Call swan_conf NAME first.
swan_peer_conf() {
	local name=$1 side=$2 ike=$3 esp=$4 psk=${5:-$RSEC_PSK} extra=${6:-}
	local me peer my_ts peer_ts my_id peer_id
	side_addrs "$side"
	cat > "$SWAN_WORK/$name/swanctl.conf" <<CONF
connections {
	gw {
		version = 2
		mobike = no
		local_addrs = $me
		remote_addrs = $peer
		proposals = $ike
		$extra
		local {
			auth = psk
			id = $my_id
		}
		remote {
			auth = psk
			id = $peer_id
		}
		children {
			net {
				local_ts = $my_ts/32
				remote_ts = $peer_ts/32
				esp_proposals = $esp
			}
		}
	}
}
secrets {
	ike-gw {
		id-1 = $my_id
		id-2 = $peer_id
		secret = "$psk"
	}
}
CONF
}

# swan_up NAME: charon NAME has an established IKE SA with an installed child.
swan_up() {
	local out
	out=$(swan "$1" --list-sas 2> /dev/null) || return 1
	grep -q ESTABLISHED <<< "$out" && grep -q INSTALLED <<< "$out"
}

# swan_down NAME: charon NAME has no IKE SA.
swan_down() {
	local out
	out=$(swan "$1" --list-sas 2> /dev/null) || return 1
	! grep -qE 'ESTABLISHED|CONNECTING|INSTALLED' <<< "$out"
}

# xfrm_state_count NS: how many XFRM states NS holds.
xfrm_state_count() {
	ip -n "$1" xfrm state list | grep -c '^src' || true
}

# xfrm_has_spi NS SPI: an XFRM state in NS carries SPI (a number).
xfrm_has_spi() {
	local states
	states=$(ip -n "$1" xfrm state list)
	grep -q "spi $(printf '0x%08x' "$2") " <<< "$states"
}

# xfrm_packets NS: the packets counted on each XFRM state of NS, one line per state.
xfrm_packets() {
	ip -n "$1" -s xfrm state list |
		awk '/lifetime current:/ { getline; sub(/\(packets\).*/, ""); n = split($0, f, " "); print f[n] }'
}

# swan_stop_wait NAME: stop charon NAME and wait until it is gone (its XFRM states stay
# behind unless it deleted them itself).
swan_stop_wait() {
	local pidfile=$SWAN_WORK/$1/pid pid i
	[ -f "$pidfile" ] || return 0
	pid=$(cat "$pidfile")
	swan_stop "$1"
	for i in $(seq 50); do
		kill -0 "$pid" 2> /dev/null || return 0
		sleep 0.2
	done
	fail "charon $1 did not exit"
}

# swan_fresh NS NAME SIDE IKE ESP [PSK [CONN_EXTRA]]: a new charon NAME in NS with a clean
# folder, configured as rsecd's peer and with the connection loaded.
swan_fresh() {
	local ns=$1 name=$2
	shift 2
	rm -rf "${SWAN_WORK:?}/$name"
	swan_conf "$name"
	swan_peer_conf "$name" "$@"
	swan_start "$ns" "$name"
	swan "$name" --load-all --file "$SWAN_WORK/$name/swanctl.conf" > "$SWAN_WORK/$name/load.log" 2>&1 ||
		fail "swanctl could not load $name's configuration"
}

# The owner cookie of rsecd with owner_id 1 (Documentation/config.md).
RSECD_OWNER1=$((0x7273656300000001))

# save_logs DEST: copy the regular files (configurations, logs) of every rsecd and charon to
# DEST; sockets stay behind (the 9p output share refuses special files).
save_logs() {
	local f
	find "$RSECD_WORK" "$SWAN_WORK" -type f 2> /dev/null | while IFS= read -r f; do
		mkdir -p "$1$(dirname "$f")"
		cp "$f" "$1$f"
	done
}
