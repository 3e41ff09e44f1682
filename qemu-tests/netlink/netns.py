# SPDX-License-Identifier: GPL-2.0
"""Scenario 14: SAs per network namespace, and keys never in a dump.

Usage: netns.py fill FIRST_SPI N | expect FIRST_SPI N | no-keys"""

import sys

import rsec_nl as nl
from rsec_nl import check, sa

fam = nl.family()
what = sys.argv[1]


def sas(first, n):
    """N SAs from SPI FIRST: AES-GCM inbound and AES-CBC with HMAC-SHA-256 outbound."""
    for spi in range(first, first + n):
        if spi % 2:
            yield sa(spi)
        else:
            yield sa(spi, dir="out", replay_window=None, encr_alg=12, encr_key=nl.CBC_KEY,
                     integ_alg=12, integ_key=nl.SHA256_KEY)


if what == "fill":
    first, n = int(sys.argv[2], 0), int(sys.argv[3])
    for attrs in sas(first, n):
        fam.do("sa-new", attrs)

elif what == "expect":
    first, n = int(sys.argv[2], 0), int(sys.argv[3])
    spis = sorted(s["spi"] for s in fam.dump("sa-get", {}))
    check(spis == list(range(first, first + n)), f"this namespace has its {n} SAs, no others")

elif what == "no-keys":
    raw, _ = nl.raw_dump()
    spis = nl.dump_spis(raw, nl.raw_socket()[1])
    check(len(spis) > 0, f"the raw dump holds SAs ({len(spis)})")
    check(b"\xc0\x00\x02\x02" in raw, "the raw dump holds their addresses (the search works)")
    for name, key in [("AES-GCM", nl.GCM_KEY), ("AES-CBC", nl.CBC_KEY), ("HMAC", nl.SHA256_KEY)]:
        check(key not in raw, f"no {name} key in the raw dump")
        check(key[:8] not in raw, f"not even 8 bytes of the {name} key")
    for spi in spis[:4]:
        raw_get = nl.request(*nl.raw_socket(), 4, 0, nl.attr(4, bytes([1 if spi % 2 else 2]))
                             + nl.attr(2, spi.to_bytes(4, "little")) + nl.attr(3, b"\x32")
                             + nl.attr(7, b"\xc0\x00\x02\x02"))
        check(nl.dump_spis(raw_get, nl.raw_socket()[1]) == [spi], f"raw sa-get of SPI {spi:#x}")
        check(all(k[:8] not in raw_get for k in (nl.GCM_KEY, nl.CBC_KEY, nl.SHA256_KEY)),
              f"no key bytes in the raw sa-get of SPI {spi:#x}")
