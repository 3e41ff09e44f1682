# rsec <-> Linux XFRM, the wire-format proof: the left namespace runs rsec (rsecctl), the right
# one Linux XFRM (ip xfrm state/policy) with the same keys. Ping and iperf3 TCP both ways for
# every algorithm, inner IPv4 and IPv6, over outer IPv6; tcpdump catches one packet each way
# and the scenario checks their SPIs and sequence numbers.
#
#   ns "left" (rsec)                                   ns "right" (XFRM)
#   lo 10.1.0.1 fd00:1::1                              lo 10.2.0.1 fd00:2::1
#   rsec0: SA out 0x1001, in 0x2002                    xfrm state 0x1001 / 0x2002, policies
#   veth0 ---------- ESP over IPv6 ------------------- veth0
#
# RSEC_IPERF_SECONDS (default 10) sets the length of each iperf3 run.
. "$RSEC_TOP/qemu-tests/lib.sh"
. "$RSEC_TOP/qemu-tests/topology.sh"
. "$RSEC_TOP/qemu-tests/esp-lib.sh"

seconds=${RSEC_IPERF_SECONDS:-10}
trap two_hosts_down EXIT
load_rsec

rsec_xfrm_matrix 6 "$seconds"

unload_rsec
echo "ok"
