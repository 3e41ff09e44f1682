# Manual keying with rsecctl over the rsec generic netlink family: alloc-spi, add inbound and
# outbound SAs with every algorithm, get, list with and without filters (tables and --json),
# del, flush, and bad requests whose kernel extack text must reach rsecctl's stderr.
#
# Needs rsecctl built on the host: cd ike-userspace && cargo build --release -p rsecctl
. "$RSEC_TOP/qemu-tests/lib.sh"

# The release build, else a debug one (RSECCTL overrides both).
target=$RSEC_TOP/ike-userspace/target
rsecctl=${RSECCTL:-$target/release/rsecctl}
[ -x "$rsecctl" ] || rsecctl=$target/debug/rsecctl
[ -x "$rsecctl" ] || fail "no rsecctl in $target: run cargo build --release -p rsecctl in ike-userspace/"
command -v jq > /dev/null || fail "jq is needed to check --json output"
work=$RSEC_SCENARIO_OUT
err=$work/stderr

# r ARGS...: rsecctl, failing the scenario (with its stderr) if it fails.
r() {
	"$rsecctl" "$@" 2> "$err" || fail "rsecctl $* failed: $(cat "$err")"
}

# must_fail PATTERN ARGS...: rsecctl ARGS fails, and its stderr matches PATTERN (ERE).
must_fail() {
	local pattern=$1
	shift
	if "$rsecctl" "$@" > /dev/null 2> "$err"; then
		fail "rsecctl $* succeeded; expected an error matching /$pattern/"
	fi
	grep -qE "$pattern" "$err" || fail "rsecctl $*: stderr lacks /$pattern/: $(cat "$err")"
	echo "    refused as expected: $(cat "$err")"
}

# json_check FILTER ARGS...: the JSON that rsecctl --json ARGS prints passes jq -e FILTER.
json_check() {
	local filter=$1
	shift
	r --json "$@" > "$work/out.json"
	jq -e "$filter" "$work/out.json" > /dev/null ||
		fail "rsecctl --json $*: output fails $filter: $(cat "$work/out.json")"
}

# hexkey BYTES SEED: a hex key of BYTES bytes, all of them SEED (two hex digits).
hexkey() {
	printf "$2%.0s" $(seq "$1")
}

# make_dev NAME: an rsec device, or a dummy one where the module has no link type yet.
make_dev() {
	ip link add "$1" type rsec 2> /dev/null || ip link add "$1" type dummy
	ip link set "$1" up
}

step "load rsec and make two devices"
load_rsec
make_dev rsec0
make_dev rsec1
if0=$(cat /sys/class/net/rsec0/ifindex)
r sa flush

step "alloc-spi in a range, as text and as JSON"
spi=$(r sa alloc-spi --proto esp --dst 192.0.2.1 --min 0x1000 --max 0x1fff --owner 7)
case "$spi" in 0x0000[01][0-9a-f][0-9a-f][0-9a-f]) ;; *) fail "alloc-spi printed $spi" ;; esac
[ $((spi)) -ge $((0x1000)) ] && [ $((spi)) -le $((0x1fff)) ] || fail "SPI $spi out of range"
json_check '.spi >= 4096 and .spi <= 8191' sa alloc-spi --dst 192.0.2.1 --min 0x1000 --max 0x1fff
spare=$(jq .spi "$work/out.json")
[ "$spare" != $((spi)) ] || fail "alloc-spi handed out reserved SPI $spi twice"

step "sa del releases an SPI reservation"
r sa del --dir in --spi "$spare" --dst 192.0.2.1
must_fail 'rsec: No such file or directory' sa del --dir in --spi "$spare" --dst 192.0.2.1

step "add an inbound AES-GCM-16 SA with the allocated SPI"
gcm_key=$(hexkey 20 a1)
r sa add --dir in --spi "$spi" --proto esp --mode tunnel --src 192.0.2.2 --dst 192.0.2.1 \
	--dev rsec0 --encr aes-gcm-16 --encr-key "$gcm_key" --replay-window 64 --esn \
	--sel 'src=10.2.0.0/24,dst=10.1.0.0/24,proto=tcp,sport=1-65535,dport=80' \
	--sel 'src=10.2.1.0/24,dst=10.1.1.5' --soft-bytes 1000000 --hard-bytes 2000000 \
	--hard-seconds 3600 --owner 7

step "add outbound SAs with each algorithm, keys inline and from files"
hexkey 36 b2 > "$work/gcm256.key"
r sa add --dir out --spi 0x2001 --src 192.0.2.1 --dst 192.0.2.2 --dev rsec0 \
	--encr aes-gcm-16 --encr-key-file "$work/gcm256.key" --sel 'src=10.1.0.0/16,dst=10.2.0.0/16'
r sa add --dir out --spi 0x2002 --src 192.0.2.1 --dst 192.0.2.2 --ifindex "$if0" \
	--encr chacha20-poly1305 --encr-key "$(hexkey 36 c3)" --sel 'dst=10.3.0.0/16'
r sa add --dir out --spi 0x2003 --src 192.0.2.1 --dst 192.0.2.2 --dev rsec0 \
	--encr aes-cbc --encr-key "$(hexkey 16 d4)" \
	--integ hmac-sha2-256-128 --integ-key "$(hexkey 32 e5)" --owner 7
hexkey 48 f6 > "$work/sha384.key"
r sa add --dir out --spi 0x2004 --src 192.0.2.1 --dst 192.0.2.2 --dev rsec0 \
	--encr aes-cbc --encr-key "$(hexkey 32 17)" \
	--integ hmac-sha2-384-192 --integ-key-file "$work/sha384.key"
r sa add --dir in --spi 0x2005 --src 2001:db8::2 --dst 2001:db8::1 --dev rsec1 \
	--encr aes-cbc --encr-key "$(hexkey 32 28)" \
	--integ hmac-sha2-512-256 --integ-key "$(hexkey 64 39)" --replay-window 0 \
	--sel 'src=2001:db8:2::/48,dst=2001:db8:1::/48'

step "get the inbound SA, as text and as JSON"
r sa get --dir in --spi "$spi" --proto esp --dst 192.0.2.1 > "$work/get.txt"
grep -q "aes-gcm-16" "$work/get.txt" || fail "get shows no algorithm: $(cat "$work/get.txt")"
grep -q "selector:   10.2.0.0/24 -> 10.1.0.0/24 proto 6 sport 1-65535 dport 80" "$work/get.txt" ||
	fail "get shows no selector: $(cat "$work/get.txt")"
json_check ".spi == $((spi)) and .dir == \"in\" and .proto == \"esp\" and .mode == \"tunnel\"
	and .src == \"192.0.2.2\" and .dst == \"192.0.2.1\" and .dev == \"rsec0\"
	and .ifindex == $if0 and .encr == \"aes-gcm-16\" and .integ == null
	and .replay_window == 64 and .esn and .owner == 7
	and .lifetime_soft.bytes == 1000000 and .lifetime_hard.bytes == 2000000
	and .lifetime_hard.seconds == 3600
	and (.selectors | length) == 2 and .selectors[0].dport == \"80\"
	and .selectors[1].dst == \"10.1.1.5/32\" and .counters.packets == 0" \
	sa get --dir in --spi "$spi" --dst 192.0.2.1
json_check '.encr == "aes-cbc" and .integ == "hmac-sha2-512-256" and .dst == "2001:db8::1"
	and .dev == "rsec1" and .replay_window == 0 and (.esn | not)' \
	sa get --dir in --spi 0x2005 --dst 2001:db8::1

step "list: all, by device, by owner; tables and JSON"
r sa list > "$work/list.txt"
[ "$(wc -l < "$work/list.txt")" = 7 ] || fail "list: expected a header and 6 rows: $(cat "$work/list.txt")"
head -n1 "$work/list.txt" | grep -q "^DIR  *SPI  *PROTO" || fail "list has no header"
grep -q "chacha20-poly1305" "$work/list.txt" || fail "list lacks the ChaCha20 SA"
json_check 'length == 6 and ([.[].spi] | sort) == ([.[].spi] | sort | unique)' sa list
json_check 'length == 5 and all(.[]; .dev == "rsec0")' sa list --dev rsec0
json_check 'length == 5' sa list --ifindex "$if0"
json_check 'length == 1 and .[0].spi == 8197' sa list --dev rsec1
json_check 'length == 2 and all(.[]; .owner == 7)' sa list --owner 7
json_check 'length == 2 and all(.[]; .dev == "rsec0" and .owner == 7)' sa list --dev rsec0 --owner 7
json_check 'length == 0' sa list --dev rsec1 --owner 7

step "keys never come out"
r sa list > "$work/all.txt"
r --json sa list >> "$work/all.txt"
r sa get --dir in --spi "$spi" --dst 192.0.2.1 >> "$work/all.txt"
for key in "$gcm_key" "$(hexkey 16 d4)" "$(hexkey 32 e5)"; do
	if grep -qi "$key" "$work/all.txt"; then fail "a key shows in rsecctl's output"; fi
done
if grep -qiE '"(encr_|integ_)?key"' "$work/all.txt"; then fail "a key field shows in the JSON"; fi

step "bad requests: the kernel's extack text reaches stderr"
must_fail 'rsec: Invalid argument: .*[Kk]ey' sa add --dir out --spi 0x3001 --src 192.0.2.1 \
	--dst 192.0.2.2 --dev rsec0 --encr aes-gcm-16 --encr-key "$(hexkey 16 01)"
must_fail 'rsec: Invalid argument: .*[Kk]ey' sa add --dir out --spi 0x3001 --src 192.0.2.1 \
	--dst 192.0.2.2 --dev rsec0 --encr chacha20-poly1305 --encr-key "$(hexkey 20 01)"
must_fail 'rsec: Invalid argument: .*integ' sa add --dir out --spi 0x3001 --src 192.0.2.1 \
	--dst 192.0.2.2 --dev rsec0 --encr aes-cbc --encr-key "$(hexkey 16 01)"
must_fail 'rsec: Invalid argument: .*[Kk]ey' sa add --dir out --spi 0x3001 --src 192.0.2.1 \
	--dst 192.0.2.2 --dev rsec0 --encr aes-cbc --encr-key "$(hexkey 16 01)" \
	--integ hmac-sha2-256-128 --integ-key "$(hexkey 48 01)"
must_fail 'rsec: Invalid argument: .*replay' sa add --dir out --spi 0x3001 --src 192.0.2.1 \
	--dst 192.0.2.2 --dev rsec0 --encr aes-gcm-16 --encr-key "$gcm_key" --replay-window 64
must_fail 'rsec: [A-Za-z ]+: .*(window|replay)' sa add --dir in --spi 0x3001 --src 192.0.2.2 \
	--dst 192.0.2.1 --dev rsec0 --encr aes-gcm-16 --encr-key "$gcm_key" --replay-window 65537
must_fail 'rsec: [A-Za-z ]+: .*([Ss][Pp][Ii]|range)' sa add --dir out --spi 255 \
	--src 192.0.2.1 --dst 192.0.2.2 --dev rsec0 --encr aes-gcm-16 --encr-key "$gcm_key"
must_fail 'rsec: [A-Za-z ]+: .*famil' sa add --dir out --spi 0x3001 --src 192.0.2.1 \
	--dst 2001:db8::2 --dev rsec0 --encr aes-gcm-16 --encr-key "$gcm_key"
must_fail 'rsec: [A-Za-z ]+' sa add --dir out --spi 0x3001 --src 192.0.2.1 \
	--dst 192.0.2.2 --ifindex 9999 --encr aes-gcm-16 --encr-key "$gcm_key"
must_fail 'rsec: File exists' sa add --dir out --spi 0x2001 --src 192.0.2.1 --dst 192.0.2.2 \
	--dev rsec0 --encr aes-gcm-16 --encr-key "$gcm_key"
must_fail 'rsec: [A-Za-z ]+: .*spi-min' sa alloc-spi --dst 192.0.2.1 --min 0x2000 --max 0x1000
must_fail 'rsec: No such file or directory' sa get --dir out --spi 0x3999 --dst 192.0.2.2
must_fail 'rsec: No such file or directory' sa del --dir out --spi 0x3999 --dst 192.0.2.2
must_fail 'device "nosuch0"' sa list --dev nosuch0
must_fail 'not a 32-bit number' sa get --dir in --spi 0x1g --dst 192.0.2.1
json_check 'length == 6' sa list

step "a dump of many SAs spans several messages"
for i in $(seq 1 400); do
	r sa add --dir out --spi $((0x10000 + i)) --src 192.0.2.1 --dst 198.51.100.$((i % 200 + 1)) \
		--dev rsec1 --encr aes-gcm-16 --encr-key "$gcm_key" --owner 99 \
		--sel "src=10.9.$((i % 250)).0/24,dst=10.8.0.0/16,proto=udp,dport=$i"
done
json_check 'length == 400 and ([.[].spi] | unique | length) == 400' sa list --owner 99
[ "$(r sa list | wc -l)" = 407 ] || fail "the full table has no 406 rows"

step "del, then flush by owner, by device, and all"
r sa del --dir out --spi 0x2002 --proto esp --dst 192.0.2.2
must_fail 'rsec: No such file or directory' sa get --dir out --spi 0x2002 --dst 192.0.2.2
json_check 'length == 405' sa list
r sa flush --owner 99
json_check 'length == 5' sa list
r sa flush --owner 7
json_check 'length == 3 and all(.[]; .owner != 7)' sa list
r sa flush --dev rsec1
json_check 'length == 2 and all(.[]; .dev == "rsec0")' sa list
r sa flush
json_check 'length == 0' sa list
[ "$(r sa list)" = "no SAs" ] || fail "empty list is not 'no SAs'"

step "without the module, rsecctl says so"
ip link del rsec0
ip link del rsec1
unload_rsec
must_fail 'family "rsec" not found' sa list
echo "ok"
