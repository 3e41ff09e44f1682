# SPDX-License-Identifier: GPL-2.0
"""Scenario 13: many SAs. Adds N SAs (in batches of requests per message), checks that a dump
returns each exactly once in several parts, then flushes them or keeps them.

Usage: scale.py N flush|keep"""

import sys
import time

import rsec_nl as nl
from rsec_nl import check, ip, sa

count, then = int(sys.argv[1]), sys.argv[2]
fam = nl.family()
BATCH = 40

start = time.monotonic()
spis = [0x100000 + i for i in range(count)]
for i in range(0, count, BATCH):
    # Alternate directions, owners and destinations so the hash table sees varied keys.
    ops = [("sa-new", sa(spi, daddr=ip(f"198.18.{spi % 7}.1"), owner=spi % 3), [])
           for spi in spis[i:i + BATCH]]
    fam.do_multi(ops)
print(f"added {count} SAs in {time.monotonic() - start:.1f} s")

start = time.monotonic()
dumped = [s["spi"] for s in fam.dump("sa-get", {})]
print(f"dumped {len(dumped)} SAs in {time.monotonic() - start:.1f} s")
check(len(dumped) == count, f"the dump has all {count} SAs")
check(sorted(dumped) == spis, "each SA exactly once, in creation order")
check(dumped == spis, "dump order is creation order")

raw, parts = nl.raw_dump()
print(f"raw dump: {len(raw)} bytes in {parts} reads")
if count >= 1000:
    # A part is at most 32 KiB; each SA takes over 300 bytes.
    check(parts >= count * 300 // 32768, f"the dump spans many parts ({parts})")

owner_1 = fam.dump("sa-get", {"owner": 1})
check(len(owner_1) == len([s for s in spis if s % 3 == 1]), "filtered dump over all parts")

if count >= 1000:
    # Change the SAs between dump parts: delete 100 already sent and the last 100 (not sent
    # yet: the kernel fills at most the part after the one read), add 50. Every SA present for
    # the whole dump must come exactly once; the deleted unsent ones not at all.
    dump = nl.PartwiseDump()
    seen = dump.part()
    check(0 < len(seen) < count // 2 and not dump.done, f"first part: {len(seen)} SAs")
    early, late = spis[:100], spis[-100:]
    for spi in early + late:
        fam.do("sa-del", nl.sa_id(spi, daddr=f"198.18.{spi % 7}.1"))
    added = [0x200000 + i for i in range(50)]
    fam.do_multi([("sa-new", sa(spi), []) for spi in added])
    while not dump.done:
        seen += dump.part()
    stable = set(spis[100:-100])
    check(len(seen) == len(set(seen)), "no SA twice in a dump with deletes between parts")
    check(stable <= set(seen), "every SA present throughout the dump was sent")
    check(not set(late) & set(seen), "SAs deleted before their turn were not sent")
    print(f"{len(set(added) & set(seen))} of the 50 SAs added during the dump were sent")
    fam.do_multi([("sa-new", sa(spi, daddr=ip(f"198.18.{spi % 7}.1"), owner=spi % 3), [])
                  for spi in early + late])
    fam.do_multi([("sa-del", nl.sa_id(spi), []) for spi in added])
    check(len(fam.dump("sa-get", {})) == count, "back to the original SAs")

if then == "flush":
    fam.do("sa-flush", {})
    check(fam.dump("sa-get", {}) == [], "flush left no SA")
