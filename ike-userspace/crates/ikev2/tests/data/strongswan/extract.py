#!/usr/bin/env python3
"""Split a tcpdump capture into one .bin file per IKE message and pull the
IKE SA keys and the SK payload encryption steps out of a charon log.

Usage: extract.py CAPTURE.pcap CHARON.log OUTDIR
"""
import re
import struct
import sys

EXCHANGES = {34: "ike_sa_init", 35: "ike_auth", 36: "create_child_sa", 37: "informational"}
IKE_PORTS = (500, 4500)


def udp_payloads(path):
    """Yield (src_port, dst_port, payload) for each IPv4/UDP frame."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != 1:
        sys.exit(f"unsupported pcap link type {linktype}")
    pos = 24
    while pos + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[pos + 8 : pos + 12])[0]
        frame = data[pos + 16 : pos + 16 + incl]
        pos += 16 + incl
        if frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0x0F) * 4
        if ip[9] != 17:
            continue
        udp = ip[ihl:]
        sport, dport, ulen = struct.unpack(">HHH", udp[:6])
        yield sport, dport, udp[8:ulen]


def ike_messages(path):
    """Yield raw IKE messages (non-ESP marker stripped on port 4500)."""
    for sport, dport, payload in udp_payloads(path):
        if sport not in IKE_PORTS and dport not in IKE_PORTS:
            continue
        if 4500 in (sport, dport):
            if payload[:4] != b"\x00\x00\x00\x00":
                continue  # ESP in UDP, not IKE
            payload = payload[4:]
        yield payload


def message_name(index, msg):
    exchange = EXCHANGES.get(msg[18], f"exchange{msg[18]}")
    kind = "resp" if msg[19] & 0x20 else "req"
    return f"{index:02}-{exchange}-{kind}.bin"


DUMP_RE = re.compile(r"\[(IKE|ENC)\] (.+?) => (\d+) bytes @")
HEX_RE = re.compile(r"\[(?:IKE|ENC)\]\s+\d+: ((?:[0-9A-F]{2} ?)+)")
SUMMARY_RE = re.compile(r"\[ENC\] ((?:generating|parsed) \S+ (?:request|response) \d+ \[.*\])")
KEYS = re.compile(r"Sk_|SKEYSEED|shared .* secret|SK_p|octets|prf\(|AUTH =")
SK_PARTS = re.compile(r"^(IV|plain|padding|assoc|encrypted|ICV)$")


def dumps(log_path):
    """Return [(label, hex)] for the hex dumps and message summaries we keep."""
    found = []
    label = None
    with open(log_path, errors="replace") as f:
        for line in f:
            m = DUMP_RE.search(line)
            if m:
                keep = KEYS.search(m.group(2)) or SK_PARTS.match(m.group(2))
                label = m.group(2) if keep else None
                if label:
                    found.append([label, ""])
                continue
            h = HEX_RE.search(line)
            if h and label:
                found[-1][1] += h.group(1).replace(" ", "").lower()
                continue
            label = None
            s = SUMMARY_RE.search(line)
            if s:
                found.append(["#", s.group(1)])
    return found


def write_dumps(path, header, entries):
    with open(path, "w") as f:
        f.write(header)
        for label, value in entries:
            sep = " " if label == "#" else ": "
            f.write(f"{label}{sep}{value}\n")


def main():
    pcap, log, out = sys.argv[1:4]
    for i, msg in enumerate(ike_messages(pcap), start=1):
        with open(f"{out}/{message_name(i, msg)}", "wb") as f:
            f.write(msg)
    entries = dumps(log)
    keys = [e for e in entries if KEYS.search(e[0])]
    write_dumps(f"{out}/keys.txt", "# label: hex, from charon's initiator log (ike 4)\n", keys)
    trace = [e for e in entries if e[0] == "#" or SK_PARTS.match(e[0])]
    header = "# initiator's view: message summaries and SK payload parts (enc 3)\n"
    write_dumps(f"{out}/sk-trace.txt", header, trace)


if __name__ == "__main__":
    main()
