#!/bin/bash
# The README's main job, run inside the test VM by `make demo`. For now it loads rsec.ko and
# shows it; the IKEv2 tunnel joins it when rsecd lands.
set -euo pipefail

say() { echo "rsec-vm: $*" > /dev/console; }

insmod "$RSEC_TOP/rust-module/rsec.ko"
say "$(grep '^rsec ' /proc/modules)"
say "$(dmesg | grep -m1 'rsec .* loaded' | sed 's/^\[[^]]*\] //')"
rmmod rsec
say "$(dmesg | grep -m1 'rsec .* unloaded' | sed 's/^\[[^]]*\] //')"
