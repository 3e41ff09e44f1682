# 10,000 SAs are added, dumped in full over many dump parts and flushed; then module unload with
# 1,000 SAs present frees them all (kmemleak on the debug kernel), and a reload starts empty.
. "$RSEC_TOP/qemu-tests/lib.sh"
rsec_netlink_env
load_rsec

step "add 10,000 SAs, dump them all, flush"
rsec_nl_py scale 10000 flush

step "add 1,000 SAs and unload the module with them present"
rsec_nl_py scale 1000 keep
unload_rsec

step "reload: no SA survived"
load_rsec
rsec_nl_py scale 0 flush
unload_rsec
echo ok
