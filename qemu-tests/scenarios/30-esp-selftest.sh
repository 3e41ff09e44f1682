# The ESP transforms' selftest: known answers (vectors computed on the host), decryption
# drops, tampering, ESN, round trips, through sync, default and cryptd (async) tfms.
. "$RSEC_TOP/qemu-tests/lib.sh"

step "insmod $RSEC_KO selftest=1"
[ ! -d /sys/module/rsec ] || fail "rsec already loaded before the scenario"
insmod "$RSEC_KO" selftest=1 || fail "insmod with selftest=1 failed: $(dmesg | grep 'rsec:' | tail -20)"
[ "$(cat /sys/module/rsec/parameters/selftest)" = Y ] || fail "selftest parameter not Y"

step "the selftest passed and reported its cases"
dmesg | grep -E 'rsec: selftest' | grep -v 'rsec: selftest: .*: (rfc|authenc|cryptd|generic)' || true
kernel_log_has 'rsec: selftest passed \([0-9]+ cases\)' || fail "no 'selftest passed' line"
cases=$(dmesg | sed -nE 's/.*rsec: selftest passed \(([0-9]+) cases\).*/\1/p' | tail -1)
[ "$cases" -ge 900 ] || fail "only $cases selftest cases"
kernel_log_has 'rsec: selftest: .*FAILED' && fail "a selftest case failed"
kernel_log_has 'rsec: selftest: aes-gcm-16-128 Cryptd: cryptd\(' || fail "GCM did not run through cryptd"

step "rmmod rsec"
unload_rsec

step "without selftest=1 no selftest runs"
dmesg -C
insmod "$RSEC_KO"
[ "$(cat /sys/module/rsec/parameters/selftest)" = N ] || fail "selftest parameter not N"
kernel_log_has 'rsec: selftest' && fail "selftest ran without selftest=1"
unload_rsec
echo "ok"
