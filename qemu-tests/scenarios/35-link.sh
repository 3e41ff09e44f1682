# The rsec link type with iproute2: create, inspect, bring up, change the MTU, delete, in two
# namespaces; a packet routed into a device without SAs is dropped and counted; module unload
# with devices present removes them.
#
#   ns "left"                  ns "right"
#   rsec0, rsec1               rsec0
#   (no SAs: nothing leaves)
. "$RSEC_TOP/qemu-tests/lib.sh"
. "$RSEC_TOP/qemu-tests/topology.sh"

trap two_hosts_down EXIT

# field NS DEV JQ: a field of `ip -d -j -s link show DEV` in namespace NS.
field() {
	ip -n "$1" -d -j -s link show "$2" | jq -r ".[0]$3"
}

step "load rsec; two namespaces"
load_rsec
two_hosts_up

step "ip link add rsec0 type rsec, in both namespaces"
ip -n "$LEFT" link add rsec0 type rsec
ip -n "$RIGHT" link add rsec0 type rsec
ip -n "$LEFT" link add rsec1 type rsec
[ "$(field "$LEFT" rsec0 .linkinfo.info_kind)" = rsec ] || fail "kind is not rsec"
[ "$(field "$LEFT" rsec0 .link_type)" = none ] || fail "link type is not none (ARPHRD_NONE)"
[ "$(field "$LEFT" rsec0 .mtu)" = 1380 ] || fail "default MTU $(field "$LEFT" rsec0 .mtu)"
flags=$(field "$LEFT" rsec0 '.flags | join(",")')
case ",$flags," in *,POINTOPOINT,*NOARP,* | *,NOARP,*POINTOPOINT,*) ;; *) fail "flags $flags" ;; esac
ip link show rsec0 2>/dev/null && fail "rsec0 visible in the initial namespace"

step "up, MTU within and outside the bounds"
ip -n "$LEFT" link set rsec0 up
[ "$(field "$LEFT" rsec0 .qdisc)" = noqueue ] || fail "qdisc $(field "$LEFT" rsec0 .qdisc)"
ip -n "$LEFT" link set rsec0 mtu 1300
[ "$(field "$LEFT" rsec0 .mtu)" = 1300 ] || fail "MTU not changed to 1300"
ip -n "$LEFT" link set rsec0 mtu 67 2>/dev/null && fail "MTU 67 accepted"
ip -n "$LEFT" link set rsec0 mtu 65535 2>/dev/null && fail "MTU 65535 accepted"
[ "$(field "$RIGHT" rsec0 .mtu)" = 1380 ] || fail "the other namespace's device changed"

step "addresses and a route into the device; with no SA the packet is dropped and counted"
ip -n "$LEFT" addr add 10.99.0.1/32 dev rsec0
ip -n "$LEFT" -6 addr add fd99::1/128 dev rsec0 nodad
ip -n "$LEFT" route add 10.99.1.0/24 dev rsec0
ip -n "$LEFT" -6 route add fd99:1::/64 dev rsec0
before=$(field "$LEFT" rsec0 .stats64.tx.errors)
ip netns exec "$LEFT" ping -c 40 -i 0.01 -W 1 10.99.1.1 >/dev/null && fail "ping through a device without SAs"
ip netns exec "$LEFT" ping -6 -c 1 -W 1 fd99:1::1 >/dev/null && fail "ping6 through a device without SAs"
after=$(field "$LEFT" rsec0 .stats64.tx.errors)
dropped=$(field "$LEFT" rsec0 .stats64.tx.dropped)
[ "$((after - before))" -ge 41 ] || fail "tx errors went from $before to $after"
[ "$dropped" -ge 41 ] || fail "tx dropped (no SA) is $dropped"
[ "$(field "$LEFT" rsec0 .stats64.tx.packets)" = 0 ] || fail "tx packets counted without SA"
kernel_log_has 'rsec: rsec0: no outbound SA' || fail "no no-SA message in the kernel log"
[ "$(dmesg | grep -c 'no outbound SA')" -lt 20 ] || fail "no-SA messages are not rate-limited"

step "delete and re-create"
ip -n "$LEFT" link del rsec1
ip -n "$LEFT" link show rsec1 2>/dev/null && fail "rsec1 still there after delete"
ip -n "$LEFT" link add rsec1 type rsec
ip -n "$LEFT" link set rsec1 up

step "deleting a namespace deletes its device"
ip netns del "$RIGHT"
ip netns add "$RIGHT"

step "rmmod with devices present removes them"
ip -n "$RIGHT" link add rsec7 type rsec
unload_rsec
ip -n "$LEFT" link show rsec0 2>/dev/null && fail "rsec0 survived rmmod"
ip -n "$RIGHT" link show rsec7 2>/dev/null && fail "rsec7 survived rmmod"

step "load again: the kind is back"
load_rsec
ip -n "$LEFT" link add rsec0 type rsec
ip -n "$LEFT" link del rsec0
unload_rsec
echo "ok"
