# Every kind of bad rsec request is refused with its errno and an extended ack message a person
# understands, naming the attribute at fault, and leaves nothing behind (netlink/validation.py).
. "$RSEC_TOP/qemu-tests/lib.sh"
rsec_netlink_env
load_rsec
rsec_nl_py validation
unload_rsec
echo ok
