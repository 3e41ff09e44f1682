# SPDX-License-Identifier: GPL-2.0
"""Scenario 10: SAs of every algorithm family and address family, read back attribute by
attribute; dumps filtered by device and owner; flushes; SPI allocation without collision.

Usage: sa.py IFINDEX1 IFINDEX2 (two devices of the namespace)."""

import errno
import sys

import rsec_nl as nl
from rsec_nl import check, ip, sa, sa_id

dev1, dev2 = int(sys.argv[1]), int(sys.argv[2])
fam = nl.family()


def dump(**filt):
    """A (filtered) dump, as a list of (dir, spi)."""
    return [(s["dir"], s["spi"]) for s in fam.dump("sa-get", filt)]


# One SA of each kind, read back in full.
selector = {"src-addr": ip("10.1.2.3"), "src-prefix": 16, "dst-addr": ip("10.9.0.0"),
            "dst-prefix": 24, "proto": 6, "dst-port-min": 443, "dst-port-max": 443}
out_cbc = sa(0x2000, dir="out", ifindex=dev1, encr_alg=12, encr_key=nl.CBC_KEY, integ_alg=12,
             integ_key=nl.SHA256_KEY, replay_window=None, flags=1, owner=77,
             lifetime_soft={"bytes": 1000, "seconds": 50},
             lifetime_hard={"bytes": 2000, "packets": 9, "seconds": 60},
             selector=[selector, {"src-addr": ip("2001:db8::1"), "dst-addr": ip("2001:db8::2")}])
fam.do("sa-new", out_cbc)
got = fam.do("sa-get", sa_id(0x2000, "out"))
print(got)
check(got["dir"] == "out" and got["spi"] == 0x2000 and got["ifindex"] == dev1, "outbound SA read back")
check(got["encr-alg"] == 12 and got["integ-alg"] == 12 and got["owner"] == 77, "algorithms and owner")
check(got["flags"] in (1, {"esn"}) or "esn" in got["flags"], "ESN flag")
check(got["lifetime-soft"] == {"bytes": 1000, "packets": 0, "seconds": 50}, "soft lifetime")
check(got["lifetime-hard"] == {"bytes": 2000, "packets": 9, "seconds": 60}, "hard lifetime")
sels = got["selector"]
check(len(sels) == 2, "both selectors")
check(sels[0]["src-addr"] == ip("10.1.0.0") and sels[0]["src-prefix"] == 16, "selector masked to prefix")
check(sels[0]["dst-port-min"] == 443 and sels[0]["src-port-max"] == 65535, "selector ports")
check(sels[1]["dst-addr"] == ip("2001:db8::2") and sels[1]["dst-prefix"] == 128, "IPv6 selector")
check(all(v == 0 for v in got["counters"].values()) and len(got["counters"]) == 8, "8 zero counters")
check(got["seq"] == 0 and got["add-time"] < 60, "seq and age")
check("encr-key" not in got and "integ-key" not in got, "no keys in sa-get")

v6 = sa(0x2001, saddr=ip("2001:db8::a"), daddr=ip("2001:db8::b"), encr_alg=28,
        encr_key=bytes(range(36)), ifindex=dev2, owner=77)
fam.do("sa-new", v6)
got = fam.do("sa-get", sa_id(0x2001, daddr="2001:db8::b"))
check(got["daddr"] == "2001:db8::b" and got["encr-alg"] == 28, "IPv6 ChaCha20-Poly1305 SA")
check("integ-alg" not in got, "AEAD SA has no integ-alg")

# The same SPI in the other direction, or to another destination, is another SA.
fam.do("sa-new", sa(0x2000, ifindex=dev1, owner=77))
fam.do("sa-new", sa(0x2000, daddr=ip("192.0.2.99"), ifindex=dev1, owner=77))
check(sorted(dump()) == [("in", 0x2000), ("in", 0x2000), ("in", 0x2001), ("out", 0x2000)],
      "dir and daddr are part of the SA key")
fam.do("sa-flush", {})
check(dump() == [], "flush all")

# Filters: 5 SAs on dev1 of owner 10, 3 on dev2 of owner 20, 2 on dev1 of owner 20.
for spi in range(0x3000, 0x3005):
    fam.do("sa-new", sa(spi, ifindex=dev1, owner=10))
for spi in range(0x3100, 0x3103):
    fam.do("sa-new", sa(spi, ifindex=dev2, owner=20))
for spi in range(0x3200, 0x3202):
    fam.do("sa-new", sa(spi, ifindex=dev1, owner=20))
check(len(dump()) == 10, "dump of all: 10")
check(len(dump(ifindex=dev1)) == 7, "dump by device: 7")
check(len(dump(ifindex=dev2)) == 3, "dump by other device: 3")
check(len(dump(owner=20)) == 5, "dump by owner: 5")
check(sorted(dump(ifindex=dev1, owner=20)) == [("in", 0x3200), ("in", 0x3201)],
      "dump by device and owner")
check(dump(owner=999) == [], "dump by unknown owner: none")

fam.do("sa-flush", {"owner": 20, "ifindex": dev2})
check(len(dump()) == 7 and len(dump(owner=20)) == 2, "flush by device and owner")
fam.do("sa-flush", {"ifindex": dev1})
check(dump() == [], "flush by device")

nl.expect_error(fam, "sa-del", sa_id(0x3000), errno.ENOENT, "no such SA")

# SPI allocation: 2000 SPIs in a range of 2000, all distinct, then the range is exhausted.
lo, hi = 0x10000, 0x10000 + 1999
alloc = {"proto": 50, "daddr": ip("192.0.2.2"), "spi-min": lo, "spi-max": hi, "owner": 42}
spis = [fam.do("spi-alloc", alloc)["spi"] for _ in range(2000)]
check(all(lo <= s <= hi for s in spis), "allocated SPIs within spi-min..spi-max")
check(len(set(spis)) == 2000, "2000 allocated SPIs, no collision")
nl.expect_error(fam, "spi-alloc", alloc, errno.ENOSPC, "no free SPI")
check(dump() == [], "reservations are not SAs: not dumped")

# Another owner cannot take a reserved SPI; the owner can; sa-del frees a reservation.
nl.expect_error(fam, "sa-new", sa(spis[0], owner=43), errno.EEXIST, "reserved by another owner",
                bad_attr=".spi")
fam.do("sa-new", sa(spis[0], owner=42))
check(dump() == [("in", spis[0])], "the owner's sa-new replaced its reservation")
nl.expect_error(fam, "sa-new", sa(spis[0], owner=42), errno.EEXIST, "exists")
fam.do("sa-del", sa_id(spis[1]))
check(fam.do("spi-alloc", alloc)["spi"] == spis[1], "a deleted reservation's SPI is free again")
other = dict(alloc, daddr=ip("192.0.2.3"))
check(lo <= fam.do("spi-alloc", other)["spi"] <= hi, "another daddr has its own SPI space")

# Flushing by owner removes reservations too.
fam.do("sa-flush", {"owner": 42})
check(dump() == [], "flush by owner removed the SA")
spis = {fam.do("spi-alloc", alloc)["spi"] for _ in range(1999)}
check(len(spis) == 1999, "after the flush the range is free again")
fam.do("sa-flush", {})
check(len({fam.do("spi-alloc", alloc)["spi"] for _ in range(10)}) == 10, "flush all freed reservations")
fam.do("sa-flush", {})
