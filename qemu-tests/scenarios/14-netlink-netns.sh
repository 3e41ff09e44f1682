# SAs belong to their network namespace: each namespace sees only its own, deleting a namespace
# with SAs frees them (kmemleak on the debug kernel), and no dump carries key bytes (checked in
# the raw netlink reply).
. "$RSEC_TOP/qemu-tests/lib.sh"
rsec_netlink_env
load_rsec

step "SAs in two namespaces"
ip netns add rsec-a
ip netns add rsec-b
ip netns exec rsec-a python3 "$RSEC_TOP/qemu-tests/netlink/netns.py" fill 0x1000 300
ip netns exec rsec-b python3 "$RSEC_TOP/qemu-tests/netlink/netns.py" fill 0x5000 200
rsec_nl_py netns fill 0x9000 10

step "each namespace dumps only its own"
ip netns exec rsec-a python3 "$RSEC_TOP/qemu-tests/netlink/netns.py" expect 0x1000 300
ip netns exec rsec-b python3 "$RSEC_TOP/qemu-tests/netlink/netns.py" expect 0x5000 200
rsec_nl_py netns expect 0x9000 10

step "no dump carries key bytes"
rsec_nl_py netns no-keys

step "delete a namespace with SAs"
ip netns del rsec-a
rsec_nl_py netns expect 0x9000 10
ip netns exec rsec-b python3 "$RSEC_TOP/qemu-tests/netlink/netns.py" expect 0x5000 200

step "unload with SAs in a namespace and in the initial one"
unload_rsec
ip netns del rsec-b
# Namespaces are dismantled by a worker; give it time before the runner's leak scan.
sleep 3
echo ok
