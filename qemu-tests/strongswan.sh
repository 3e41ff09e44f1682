# strongSwan (charon + swanctl, Linux XFRM for ESP) as a peer inside a test namespace; source
# after lib.sh. Each daemon gets its own folder under $SWAN_WORK: strongswan.conf, swanctl.conf,
# vici socket, log. Only the Debian packages are used; nothing is installed.

SWAN_WORK=${SWAN_WORK:-/tmp/strongswan}

# swan_conf NAME: write NAME's strongswan.conf (kernel-netlink: real XFRM ESP in the kernel).
swan_conf() {
	local dir=$SWAN_WORK/$1
	mkdir -p "$dir"
	cat > "$dir/strongswan.conf" <<CONF
charon {
	load = random nonce openssl pem pkcs1 x509 pubkey sha1 sha2 hmac gcm aes curve25519 kdf kernel-netlink socket-default vici updown
	install_routes = yes
	plugins {
		vici {
			socket = unix://$dir/vici
		}
	}
	filelog {
		swan {
			path = $dir/charon.log
			default = 1
			ike = 2
			flush_line = yes
		}
	}
}
CONF
}

# swan_start NS NAME: start charon NAME in namespace NS and wait for its control socket. Each
# runs in a mount namespace of its own with a private /run, so pid files do not clash.
swan_start() {
	local ns=$1 dir=$SWAN_WORK/$2 i
	ip netns exec "$ns" unshare -m sh -c "mount -t tmpfs tmpfs /run &&
		STRONGSWAN_CONF=$dir/strongswan.conf exec /usr/lib/ipsec/charon" \
		> "$dir/stderr" 2>&1 &
	echo $! > "$dir/pid"
	for i in $(seq 50); do
		[ -S "$dir/vici" ] && return 0
		sleep 0.2
	done
	cat "$dir/stderr" >&2
	fail "charon $2 did not start"
}

# swan NAME ARGS...: swanctl against daemon NAME.
swan() {
	local dir=$SWAN_WORK/$1
	shift
	STRONGSWAN_CONF=$dir/strongswan.conf swanctl "$@" --uri "unix://$dir/vici"
}

# swan_stop NAME: stop charon NAME.
swan_stop() {
	local pidfile=$SWAN_WORK/$1/pid
	[ -f "$pidfile" ] || return 0
	kill "$(cat "$pidfile")" 2>/dev/null || true
	rm -f "$pidfile"
}
