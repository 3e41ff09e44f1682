# rsec <-> rsec with manual keys (rsecctl): ping and iperf3 TCP both ways, for every
# algorithm, inner IPv4 and IPv6, over outer IPv4 (40-esp-rsec-rsec6: outer IPv6).
#
#   ns "left"                                          ns "right"
#   lo 10.1.0.1 fd00:1::1                              lo 10.2.0.1 fd00:2::1
#     | routes to the right's inner addresses            | routes to the left's
#   rsec0 (SA out 0x1001, in 0x2002)                   rsec0 (SA out 0x2002, in 0x1001)
#     |  ESP over IPv4 (192.0.2.0/24) or IPv6 (2001:db8::/64)  |
#   veth0 ------------------------------------------------ veth0
#
# RSEC_IPERF_SECONDS (default 10) sets the length of each iperf3 run.
. "$RSEC_TOP/qemu-tests/lib.sh"
. "$RSEC_TOP/qemu-tests/topology.sh"
. "$RSEC_TOP/qemu-tests/esp-lib.sh"

seconds=${RSEC_IPERF_SECONDS:-10}
trap two_hosts_down EXIT
load_rsec

rsec_rsec_matrix 4 "$seconds"

unload_rsec
echo "ok"
