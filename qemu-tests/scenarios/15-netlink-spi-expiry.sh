# An SPI reservation lapses 60 seconds after spi-alloc: before that, another owner can neither
# allocate nor use the SPI; after it, both can.
. "$RSEC_TOP/qemu-tests/lib.sh"
rsec_netlink_env
load_rsec
rsec_nl_py spi_expiry reserve
step "wait for the reservation to lapse"
sleep 61
rsec_nl_py spi_expiry lapsed
unload_rsec
echo ok
