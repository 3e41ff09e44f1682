# Every rsec command needs CAP_NET_ADMIN over the caller's network namespace: a process that
# dropped it (setpriv), or that has it only in a user namespace not owning the network
# namespace (unshare -U -r), is refused each command; in a network namespace its own user
# namespace owns (unshare -U -r -n), the same process may manage that namespace's SAs.
. "$RSEC_TOP/qemu-tests/lib.sh"
rsec_netlink_env
load_rsec

step "root creates an SA the others will try to touch"
rsec_nl_py perms setup

step "without CAP_NET_ADMIN (setpriv): every command refused"
capeff=$(setpriv --inh-caps=-net_admin --bounding-set=-net_admin awk '/^CapEff/ {print $2}' /proc/self/status)
(( (0x$capeff & (1 << 12)) == 0 && 0x$capeff != 0 )) ||
	fail "setpriv should leave root every capability but CAP_NET_ADMIN: CapEff $capeff"
setpriv --inh-caps=-net_admin --bounding-set=-net_admin python3 \
	"$RSEC_TOP/qemu-tests/netlink/perms.py" refused

step "in a user namespace that does not own the network namespace: every command refused"
unshare -U -r python3 "$RSEC_TOP/qemu-tests/netlink/perms.py" refused

step "the SA is untouched"
rsec_nl_py perms untouched

step "in a network namespace owned by the caller's user namespace: allowed, and separate"
unshare -U -r -n python3 "$RSEC_TOP/qemu-tests/netlink/perms.py" own-netns
rsec_nl_py perms untouched

rsec_nl_py perms cleanup
unload_rsec
echo ok
