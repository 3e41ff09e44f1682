# SPDX-License-Identifier: GPL-2.0
"""Scenario 11: bad requests, each with its errno, message and attribute; nothing created."""

import errno
import struct

import rsec_nl as nl
from rsec_nl import ip, sa, sa_id

fam = nl.family()
bad = nl.expect_error

# Missing attributes: named in the ack (miss-type) with a message.
for name in ["spi", "proto", "dir", "mode", "saddr", "daddr", "ifindex", "encr-alg", "encr-key"]:
    bad(fam, "sa-new", sa(0x500, **{name.replace("-", "_"): None}), errno.EINVAL,
        f"missing attribute: {name}", miss_type=name)
bad(fam, "sa-new", sa(0x500, encr_alg=12, encr_key=nl.CBC_KEY), errno.EINVAL,
    "AES-CBC needs an integrity algorithm", miss_type="integ-alg")
bad(fam, "sa-del", {"dir": "in", "spi": 0x500, "proto": 50}, errno.EINVAL,
    "missing attribute: daddr", miss_type="daddr")

# Wrong key length for the algorithm.
bad(fam, "sa-new", sa(0x500, encr_key=bytes(24)), errno.EINVAL,
    "AES-GCM-16 needs a 16- or 32-byte key plus a 4-byte salt", bad_attr=".encr-key")
bad(fam, "sa-new", sa(0x500, encr_alg=28, encr_key=bytes(20)), errno.EINVAL,
    "ChaCha20-Poly1305 needs a 32-byte key plus a 4-byte salt", bad_attr=".encr-key")
bad(fam, "sa-new", sa(0x500, encr_alg=12, encr_key=bytes(20), integ_alg=12,
                      integ_key=nl.SHA256_KEY), errno.EINVAL, "AES-CBC needs a 16- or 32-byte key",
    bad_attr=".encr-key")
bad(fam, "sa-new", sa(0x500, encr_alg=12, encr_key=nl.CBC_KEY, integ_alg=13,
                      integ_key=nl.SHA256_KEY), errno.EINVAL,
    "HMAC-SHA-384-192 needs a 48-byte key", bad_attr=".integ-key")
# Shorter than any key: refused by the attribute policy itself.
bad(fam, "sa-new", sa(0x500, encr_key=bytes(8)), errno.ERANGE, "binary attribute size out of range",
    bad_attr=".encr-key")

# Unknown or misused algorithms.
bad(fam, "sa-new", sa(0x500, encr_alg=3), errno.EINVAL, "unknown encryption algorithm",
    bad_attr=".encr-alg")
bad(fam, "sa-new", sa(0x500, encr_alg=12, encr_key=nl.CBC_KEY, integ_alg=5,
                      integ_key=nl.SHA256_KEY), errno.EINVAL, "unknown integrity algorithm",
    bad_attr=".integ-alg")
bad(fam, "sa-new", sa(0x500, integ_alg=12, integ_key=nl.SHA256_KEY), errno.EINVAL,
    "AEAD algorithms take no integrity algorithm", bad_attr=".integ-alg")

# Duplicate SA.
fam.do("sa-new", sa(0x600))
bad(fam, "sa-new", sa(0x600, owner=9), errno.EEXIST,
    "an SA with this dir, SPI, proto and daddr exists", bad_attr=".spi")

# Selectors: families must match, prefixes fit, ports need a protocol, at most 8.
v4 = {"src-addr": ip("10.0.0.0"), "src-prefix": 8, "dst-addr": ip("10.1.0.0"), "dst-prefix": 16}
bad(fam, "sa-new", sa(0x500, selector=[v4, dict(v4, **{"dst-addr": ip("2001:db8::")})]),
    errno.EINVAL, "selector src-addr and dst-addr are of different address families",
    bad_attr=".selector")
bad(fam, "sa-new", sa(0x500, selector=[dict(v4, **{"src-prefix": 40})]), errno.ERANGE,
    "selector prefix longer than its address", bad_attr=".selector")
bad(fam, "sa-new", sa(0x500, selector=[dict(v4, **{"dst-port-min": 80})]), errno.EINVAL,
    "selector port ranges need proto", bad_attr=".selector")
bad(fam, "sa-new", sa(0x500, selector=[{"dst-addr": ip("10.0.0.1")}]), errno.EINVAL,
    "selector without src-addr")
bad(fam, "sa-new", sa(0x500, selector=[v4] * 9), errno.E2BIG, "too many selectors")

# Outer addresses.
bad(fam, "sa-new", sa(0x500, saddr=ip("2001:db8::1")), errno.EINVAL,
    "saddr and daddr are of different address families", bad_attr=".saddr")
bad(fam, "sa-new", sa(0x500, daddr=bytes(5)), errno.EINVAL, "daddr must be 4 (IPv4) or 16 (IPv6)",
    bad_attr=".daddr")

# Numbers out of range.
bad(fam, "sa-new", sa(0x500, replay_window=65537), errno.ERANGE,
    "replay window too large: at most 65536 packets", bad_attr=".replay-window")
bad(fam, "sa-new", sa(0x500, dir="out", replay_window=64), errno.EINVAL,
    "a replay window applies to inbound SAs only", bad_attr=".replay-window")
bad(fam, "sa-new", sa(100), errno.ERANGE, "SPIs 0 to 255 are reserved", bad_attr=".spi")
bad(fam, "sa-new", sa(0x500, flags=6), errno.EINVAL, "unknown SA flag bits", bad_attr=".flags")
bad(fam, "sa-new", sa(0x500, lifetime_soft={"packets": 10}, lifetime_hard={"packets": 5}),
    errno.EINVAL, "a soft lifetime limit exceeds its hard limit", bad_attr=".lifetime-soft")
bad(fam, "spi-alloc", {"proto": 50, "daddr": ip("192.0.2.2"), "spi-min": 900, "spi-max": 800},
    errno.EINVAL, "spi-min is above spi-max", bad_attr=".spi-min")
bad(fam, "sa-get", {"ifindex": 0}, errno.ERANGE, "ifindex 0 names no device", dump=True)

# Defined but not implemented yet, or not defined at all.
bad(fam, "sa-new", sa(0x500, proto=51), errno.EOPNOTSUPP, "AH is not supported yet",
    bad_attr=".proto")
bad(fam, "sa-new", sa(0x500, mode="transport"), errno.EOPNOTSUPP,
    "transport mode is not supported yet", bad_attr=".mode")
bad(fam, "sa-new", sa(0x500, proto=17), errno.EINVAL, "proto must be ESP (50) or AH (51)")
bad(fam, "sa-new", sa(0x500, dir=7), errno.EINVAL, "dir must be in (1) or out (2)")

# Devices must exist; SAs must exist to be read or deleted.
bad(fam, "sa-new", sa(0x500, ifindex=999999), errno.ENODEV,
    "no device with this ifindex in the namespace", bad_attr=".ifindex")
bad(fam, "sa-get", sa_id(0x501), errno.ENOENT, "no such SA")
bad(fam, "sa-del", sa_id(0x501), errno.ENOENT, "no such SA")

# Strict policies: attributes a command does not take, or of the wrong size, are refused.
bad(fam, "sa-new", sa(0x500, counters={"packets": 1}), errno.EINVAL, "Unsupported attribute",
    bad_attr=".counters")
bad(fam, "sa-del", dict(sa_id(0x600), owner=1), errno.EINVAL, "Unsupported attribute",
    bad_attr=".owner")
sock, family_id = nl.raw_socket()
short_spi = nl.attr(2, struct.pack("H", 0x600))  # spi is a u32; send a u16
try:
    nl.request(sock, family_id, 3, nl.NLM_F_ACK, short_spi)
    nl.check(False, "a 2-byte spi was accepted")
except OSError as e:
    nl.check(e.errno == errno.EINVAL, f"a 2-byte spi is refused by the policy: {e}")

# Nothing was created by any of the refused requests.
left = fam.dump("sa-get", {})
nl.check([s["spi"] for s in left] == [0x600], f"only the one valid SA exists: {left}")
fam.do("sa-flush", {})
