# SPDX-License-Identifier: GPL-2.0
"""Scenario 15: SPI reservations expire after 60 seconds.

Usage: spi_expiry.py reserve|lapsed"""

import errno
import sys

import rsec_nl as nl
from rsec_nl import check, ip, sa

fam = nl.family()
SPI = 0x4242
alloc = {"proto": 50, "daddr": ip("192.0.2.2"), "spi-min": SPI, "spi-max": SPI}

if sys.argv[1] == "reserve":
    check(fam.do("spi-alloc", dict(alloc, owner=1))["spi"] == SPI, "owner 1 reserved the only SPI")
    nl.expect_error(fam, "spi-alloc", dict(alloc, owner=2), errno.ENOSPC, "no free SPI")
    nl.expect_error(fam, "sa-new", sa(SPI, owner=2), errno.EEXIST, "reserved by another owner")
else:
    check(fam.do("spi-alloc", dict(alloc, owner=2))["spi"] == SPI,
          "after 60 s owner 2 can allocate the lapsed SPI")
    nl.expect_error(fam, "sa-new", sa(SPI, owner=3), errno.EEXIST, "reserved by another owner")
    fam.do("sa-new", sa(SPI, owner=2))
    check([s["owner"] for s in fam.dump("sa-get", {})] == [2], "owner 2's SA uses it")
    fam.do("sa-flush", {})
