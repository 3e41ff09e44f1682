# SPDX-License-Identifier: GPL-2.0
"""Helpers of the rsec netlink VM scenarios: the kernel's generic YNL client driven by
Documentation/netlink/rsec.yaml alone, sample SAs, error checks and a raw dump reader.

Needs RSEC_TOP (the work tree) and RSEC_KSRC (the kernel source tree, for tools/net/ynl).
"""

import errno
import os
import socket
import struct
import sys

TOP = os.environ["RSEC_TOP"]
KSRC = os.environ["RSEC_KSRC"]
SPEC = os.path.join(TOP, "Documentation/netlink/rsec.yaml")
SCHEMA = os.path.join(KSRC, "Documentation/netlink/genetlink.yaml")

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(KSRC, "tools/net/ynl"))
from lib import NlError, YnlFamily  # noqa: E402

# Distinctive key bytes, so a dump can be searched for them.
GCM_KEY = bytes.fromhex("5ec7e75ec7e75ec7e75ec7e75ec7e75e") + b"SALT"
CBC_KEY = bytes.fromhex("c0ffee00c0ffee00c0ffee00c0ffee00")
SHA256_KEY = bytes.fromhex("abad1deaabad1deaabad1deaabad1dea" * 2)


def family():
    """A YNL client of the rsec family, built from the spec alone."""
    return YnlFamily(SPEC, SCHEMA)


def check(cond, what):
    """Fails the scenario with `what` unless `cond`."""
    if not cond:
        print(f"FAIL: {what}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {what}")


def ip(addr):
    """An IPv4 or IPv6 address as the bytes the family carries."""
    family_ = socket.AF_INET6 if ":" in addr else socket.AF_INET
    return socket.inet_pton(family_, addr)


def sa(spi_, **changes):
    """A valid inbound ESP tunnel SA with AES-GCM-16, as sa-new attributes; `changes` (with
    underscores for dashes) replace or, when None, remove attributes."""
    attrs = {
        "spi": spi_,
        "proto": 50,
        "dir": "in",
        "mode": "tunnel",
        "saddr": ip("192.0.2.1"),
        "daddr": ip("192.0.2.2"),
        "ifindex": 1,
        "encr-alg": 20,
        "encr-key": GCM_KEY,
        "replay-window": 64,
        "owner": 1,
    }
    for name, value in changes.items():
        name = name.replace("_", "-")
        if value is None:
            attrs.pop(name, None)
        else:
            attrs[name] = value
    return attrs


def sa_id(spi, dir_="in", daddr="192.0.2.2"):
    """The attributes naming an SA."""
    return {"dir": dir_, "spi": spi, "proto": 50, "daddr": ip(daddr)}


def expect_error(fam, op, attrs, err, msg=None, bad_attr=None, miss_type=None, dump=False):
    """Runs `op` expecting errno `err` with an extended ack message containing `msg` (and the
    attribute path `bad_attr` or missing attribute `miss_type`, when given)."""
    try:
        if dump:
            fam.dump(op, attrs)
        else:
            fam.do(op, attrs)
    except NlError as e:
        ext = e.nl_msg.extack or {}
        what = f"{op} refused with {errno.errorcode.get(e.error, e.error)} {ext}"
        check(e.error == err, f"{what}: errno {errno.errorcode[err]}")
        if msg is not None:
            check(msg in ext.get("msg", ""), f"{what}: message has {msg!r}")
        if bad_attr is not None:
            check(ext.get("bad-attr") == bad_attr, f"{what}: bad-attr {bad_attr}")
        if miss_type is not None:
            check(ext.get("miss-type") == miss_type, f"{what}: miss-type {miss_type}")
        return ext
    check(False, f"{op} {attrs} was accepted but should fail with {errno.errorcode[err]}")
    return None


# Raw generic netlink, for reading replies byte for byte.
NETLINK_GENERIC = 16
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 16, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
RSEC_CMD_SA_GET = 4


def attr(ty, payload):
    """One netlink attribute, padded."""
    data = struct.pack("HH", 4 + len(payload), ty) + payload
    return data + b"\0" * (-len(data) % 4)


def request(sock, family_id, cmd, flags, attrs=b"", seq=1, reads=None):
    """Sends a generic netlink request; returns every byte received until it completes (and
    appends each read's length to `reads`)."""
    body = struct.pack("BBH", cmd, 1, 0) + attrs
    sock.send(struct.pack("IHHII", 16 + len(body), family_id, NLM_F_REQUEST | flags, seq, 0) + body)
    received = b""
    while True:
        chunk = sock.recv(1 << 20)
        received += chunk
        if reads is not None:
            reads.append(len(chunk))
        off = 0
        while off < len(chunk):
            length, kind = struct.unpack_from("IH", chunk, off)
            if kind == NLMSG_DONE:
                return received
            if kind == NLMSG_ERROR:
                code = struct.unpack_from("i", chunk, off + 16)[0]
                if code:
                    raise OSError(-code, os.strerror(-code))
                return received
            if not flags & NLM_F_DUMP:
                return received
            off += (length + 3) & ~3


def raw_socket():
    """A generic netlink socket and the rsec family's id."""
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.bind((0, 0))
    reply = request(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0, attr(CTRL_ATTR_FAMILY_NAME, b"rsec\0"))
    attrs, off = reply[20:], 0
    family_id = None
    while off < len(attrs):
        length, ty = struct.unpack_from("HH", attrs, off)
        if ty == CTRL_ATTR_FAMILY_ID:
            family_id = struct.unpack_from("H", attrs, off + 4)[0]
        off += (length + 3) & ~3
    check(family_id is not None, "raw socket resolved the rsec family")
    return sock, family_id


def raw_dump():
    """The raw bytes of a full sa-get dump of this namespace, and how many reads it took."""
    sock, family_id = raw_socket()
    reads = []
    data = request(sock, family_id, RSEC_CMD_SA_GET, NLM_F_DUMP, seq=2, reads=reads)
    return data, len(reads)


def dump_spis(data, family_id):
    """The SPIs of the SA messages in raw netlink `data`."""
    spis, off = [], 0
    while off + 16 <= len(data):
        length, kind = struct.unpack_from("IH", data, off)
        if kind == family_id:
            a = off + 20
            while a < off + length:
                alen, ty = struct.unpack_from("HH", data, a)
                if ty == 2:  # spi
                    spis.append(struct.unpack_from("I", data, a + 4)[0])
                a += (alen + 3) & ~3
        off += (length + 3) & ~3
    return spis


class PartwiseDump:
    """An sa-get dump read one part (one recv) at a time, to change SAs between parts."""

    def __init__(self):
        self.sock, self.family_id = raw_socket()
        body = struct.pack("BBH", RSEC_CMD_SA_GET, 1, 0)
        header = struct.pack("IHHII", 16 + len(body), self.family_id, NLM_F_REQUEST | NLM_F_DUMP, 9, 0)
        self.sock.send(header + body)
        self.done = False

    def part(self):
        """The SPIs of the next part; sets `done` at the end."""
        data = self.sock.recv(1 << 20)
        kinds = []
        off = 0
        while off + 16 <= len(data):
            length, kind = struct.unpack_from("IH", data, off)
            kinds.append(kind)
            off += (length + 3) & ~3
        self.done = NLMSG_DONE in kinds or NLMSG_ERROR in kinds
        return dump_spis(data, self.family_id)
