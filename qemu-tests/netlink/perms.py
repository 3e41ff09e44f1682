# SPDX-License-Identifier: GPL-2.0
"""Scenario 12: CAP_NET_ADMIN over the network namespace is needed for every command.

Usage: perms.py setup|refused|untouched|own-netns|cleanup"""

import errno
import sys

import rsec_nl as nl
from rsec_nl import check, ip, sa, sa_id

fam = nl.family()
what = sys.argv[1]

if what == "setup":
    fam.do("sa-new", sa(0x700))

elif what == "refused":
    # Each command, do and dump, with valid attributes: the only reason to refuse is EPERM.
    alloc = {"proto": 50, "daddr": ip("192.0.2.2"), "spi-min": 0x800, "spi-max": 0x900}
    nl.expect_error(fam, "spi-alloc", alloc, errno.EPERM)
    nl.expect_error(fam, "sa-new", sa(0x701), errno.EPERM)
    nl.expect_error(fam, "sa-get", sa_id(0x700), errno.EPERM)
    nl.expect_error(fam, "sa-get", {}, errno.EPERM, dump=True)
    nl.expect_error(fam, "sa-del", sa_id(0x700), errno.EPERM)
    nl.expect_error(fam, "sa-flush", {}, errno.EPERM)

elif what == "untouched":
    spis = [s["spi"] for s in fam.dump("sa-get", {})]
    check(spis == [0x700], f"the namespace holds exactly its one SA: {spis}")

elif what == "own-netns":
    # A fresh namespace: only its loopback, ifindex 1, and no SAs.
    check(fam.dump("sa-get", {}) == [], "a new network namespace starts without SAs")
    fam.do("sa-new", sa(0x702))
    fam.do("sa-new", sa(0x700))
    check(len(fam.dump("sa-get", {})) == 2, "SAs created in the owned namespace")
    fam.do("sa-del", sa_id(0x702))
    # The namespace ends with this process, taking its remaining SA with it.

elif what == "cleanup":
    fam.do("sa-flush", {})
