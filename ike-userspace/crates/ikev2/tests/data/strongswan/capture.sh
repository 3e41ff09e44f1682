#!/bin/sh
# Reproduce the strongSwan IKEv2 captures in this directory (see README.md).
#
# Usage: sudo ./capture.sh [OUTDIR] [IKE_PROPOSAL] [ESP_PROPOSAL] [PREFIX]
#   defaults: OUTDIR=<dir of this script>/x25519-aesgcm
#             IKE_PROPOSAL=aes256gcm16-prfsha256-x25519
#             ESP_PROPOSAL=aes256gcm16-x25519
#
# Runs two charon daemons (strongSwan 5.9.8) in two network namespaces that
# it creates, joined by a veth pair in 10.0.0.0/24; no traffic leaves them.
# The initiator sets up an IKE SA with a child SA and a virtual IP (CP),
# rekeys the child SA (CREATE_CHILD_SA with KE) and deletes the IKE SA
# (INFORMATIONAL).  tcpdump records UDP 500/4500 in the initiator namespace;
# the UDP payloads are then written one file per IKE message, and the keys
# charon logs at level 4 are copied to keys.txt.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/x25519-aesgcm}
IKE_PROP=${2:-aes256gcm16-prfsha256-x25519}
ESP_PROP=${3:-aes256gcm16-x25519}
NS_I=rsec-cap-i
NS_R=rsec-cap-r
WORK=$(mktemp -d /tmp/rsec-capture.XXXXXX)

cleanup() {
	for pidfile in "$WORK"/*.pid; do
		[ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
	done
	sleep 1
	ip netns del "$NS_I" 2>/dev/null || true
	ip netns del "$NS_R" 2>/dev/null || true
}
trap cleanup EXIT

setup_net() {
	ip netns add "$NS_I"
	ip netns add "$NS_R"
	ip link add rsec-cap0 netns "$NS_I" type veth peer name rsec-cap1 netns "$NS_R"
	ip -n "$NS_I" addr add 10.0.0.1/24 dev rsec-cap0
	ip -n "$NS_R" addr add 10.0.0.2/24 dev rsec-cap1
	ip -n "$NS_R" addr add 10.1.0.1/24 dev lo
	for ns in "$NS_I" "$NS_R"; do
		ip -n "$ns" link set lo up
	done
	ip -n "$NS_I" link set rsec-cap0 up
	ip -n "$NS_R" link set rsec-cap1 up
}

# strongswan.conf for one daemon: $1 = name.
write_strongswan_conf() {
	cat >"$WORK/$1.strongswan.conf" <<EOF
charon {
	load = random nonce openssl pem pkcs1 x509 pubkey sha1 sha2 hmac gcm aes kdf kernel-libipsec kernel-netlink socket-default vici
	install_routes = no
	install_virtual_ip = yes
	send_vendor_id = yes
	plugins {
		vici {
			socket = unix://$WORK/$1.vici
		}
	}
	filelog {
		rsec {
			path = $WORK/$1.log
			default = 1
			ike = 4
			enc = 3
			flush_line = yes
		}
	}
}
EOF
}

# swanctl.conf for one daemon: $1 = name, $2 = local, $3 = remote,
# $4 = local id, $5 = remote id, $6 = extra connection lines,
# $7 = local_ts, $8 = remote_ts.
write_swanctl_conf() {
	cat >"$WORK/$1.swanctl.conf" <<EOF
connections {
	cap {
		version = 2
		mobike = no
		local_addrs = $2
		remote_addrs = $3
		proposals = $IKE_PROP
		$6
		local {
			auth = psk
			id = $4
		}
		remote {
			auth = psk
			id = $5
		}
		children {
			cap {
				local_ts = $7
				remote_ts = $8
				esp_proposals = $ESP_PROP
			}
		}
	}
}
pools {
	pool4 {
		addrs = 10.99.0.0/28
		dns = 10.99.0.53
	}
}
secrets {
	ike-cap {
		id-1 = initiator@rsec.test
		id-2 = responder@rsec.test
		secret = "rsec capture pre-shared key"
	}
}
EOF
}

# Start charon in namespace $1 with config name $2; /run is a private tmpfs
# inside "ip netns exec"'s own mount namespace so the pid files don't clash.
start_charon() {
	ip netns exec "$1" sh -c "mount -t tmpfs tmpfs /run && \
		STRONGSWAN_CONF=$WORK/$2.strongswan.conf exec /usr/lib/ipsec/charon" \
		>"$WORK/$2.stderr" 2>&1 &
	echo $! >"$WORK/$2-charon.pid"
}

swanctl() {
	name=$1
	shift
	STRONGSWAN_CONF="$WORK/$name.strongswan.conf" /usr/sbin/swanctl "$@" \
		--uri "unix://$WORK/$name.vici"
}

wait_socket() {
	i=0
	while [ ! -S "$WORK/$1.vici" ]; do
		i=$((i + 1))
		[ $i -gt 50 ] && { echo "charon $1 did not start" >&2; exit 1; }
		sleep 0.2
	done
}

run_exchanges() {
	swanctl i --load-all --file "$WORK/i.swanctl.conf" >/dev/null
	swanctl r --load-all --file "$WORK/r.swanctl.conf" >/dev/null
	swanctl i --initiate --child cap --timeout 10 >"$WORK/initiate.out"
	sleep 1
	swanctl i --rekey --child cap >/dev/null || true
	sleep 2
	swanctl i --terminate --ike cap --timeout 10 >/dev/null || true
	sleep 1
}

setup_net
write_strongswan_conf i
write_strongswan_conf r
write_swanctl_conf i 10.0.0.1 10.0.0.2 initiator@rsec.test responder@rsec.test \
	"vips = 0.0.0.0" dynamic 10.1.0.0/24
write_swanctl_conf r 10.0.0.2 10.0.0.1 responder@rsec.test initiator@rsec.test \
	"pools = pool4" 10.1.0.0/24 dynamic

ip netns exec "$NS_I" tcpdump -q -i rsec-cap0 -U -w "$WORK/ike.pcap" \
	udp port 500 or udp port 4500 >"$WORK/tcpdump.stderr" 2>&1 &
echo $! >"$WORK/tcpdump.pid"
start_charon "$NS_R" r
start_charon "$NS_I" i
wait_socket i
wait_socket r
sleep 1

run_exchanges
sleep 1
kill "$(cat "$WORK/tcpdump.pid")"
sleep 1

mkdir -p "$OUT"
rm -f "$OUT"/*.bin
python3 "$HERE/extract.py" "$WORK/ike.pcap" "$WORK/i.log" "$OUT"
echo "captured into $OUT (work dir $WORK)"
