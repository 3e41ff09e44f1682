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

# rsec_netlink_env: exports RSEC_KSRC, the kernel source tree that scripts/build-kernel
# unpacked for the running kernel (cache/src/linux-source-<kernel version>-<Debian revision>),
# whose tools/net/ynl drives the rsec family from its spec. In the VM $HOME is not the host's,
# and the dpkg database is not there: the cache is RSEC_CACHE or root's, and the tree is found
# by the running kernel's version.
rsec_netlink_env() {
	local tree
	RSEC_KSRC=
	for tree in "${RSEC_CACHE:-/root/.cache/rsec}/src/linux-source-$(uname -r)"-*; do
		[ -f "$tree/tools/net/ynl/cli.py" ] && RSEC_KSRC=$tree
	done
	[ -n "$RSEC_KSRC" ] || fail "no kernel source tree with tools/net/ynl for $(uname -r)"
	export RSEC_KSRC PYTHONDONTWRITEBYTECODE=1
}

# ynl ARGS...: the kernel's generic YNL client on Documentation/netlink/rsec.yaml.
ynl() {
	python3 "$RSEC_KSRC/tools/net/ynl/cli.py" --spec "$RSEC_TOP/Documentation/netlink/rsec.yaml" \
		--schema "$RSEC_KSRC/Documentation/netlink/genetlink.yaml" "$@"
}

# rsec_nl_py NAME [ARGS...]: runs qemu-tests/netlink/NAME.py (which imports rsec_nl.py).
rsec_nl_py() {
	local name=$1
	shift
	python3 "$RSEC_TOP/qemu-tests/netlink/$name.py" "$@"
}
