# Shared helpers for the VM scenarios; source it first. Scenarios run as root inside the test
# VM with RSEC_TOP (the work tree), RSEC_KO (the module) and RSEC_SCENARIO_OUT (a folder for
# captures) set by qemu-tests/run-scenarios.
set -euo pipefail

# fail MESSAGE: end the scenario as failed.
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# step MESSAGE: say what the scenario is about to check.
step() {
	echo "--- $*"
}

# kernel_log_has PATTERN: the kernel log since the scenario began matches PATTERN (ERE).
kernel_log_has() {
	dmesg | grep -qE "$1"
}

# load_rsec: insert rsec.ko, unless it is already in.
load_rsec() {
	[ -d /sys/module/rsec ] || insmod "$RSEC_KO"
}

# unload_rsec: remove rsec.ko and check that it is gone.
unload_rsec() {
	rmmod rsec
	[ ! -d /sys/module/rsec ] || fail "rsec still present after rmmod"
}
