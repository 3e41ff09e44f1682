# The module loads, says so with its version and the kernel's, and unloads cleanly.
. "$RSEC_TOP/qemu-tests/lib.sh"

step "insmod $RSEC_KO"
[ ! -d /sys/module/rsec ] || fail "rsec already loaded before the scenario"
insmod "$RSEC_KO"
[ -d /sys/module/rsec ] || fail "no /sys/module/rsec after insmod"
grep -q '^rsec ' /proc/modules || fail "rsec not in /proc/modules"
kernel_log_has "rsec [0-9]+\.[0-9]+\.[0-9]+ loaded on Linux $(uname -r)" ||
	fail "no load message with version and kernel release in the kernel log"

step "rmmod rsec"
unload_rsec
kernel_log_has "rsec [0-9.]+ unloaded" || fail "no unload message in the kernel log"
grep -q '^rsec ' /proc/modules && fail "rsec still in /proc/modules"

step "load and unload again"
insmod "$RSEC_KO"
unload_rsec
echo "ok"
