# The rsec generic netlink family from its YNL spec alone: the kernel's YNL CLI creates, reads,
# dumps and deletes an SA; then SAs with filters, flushes and SPI allocation (netlink/sa.py).
. "$RSEC_TOP/qemu-tests/lib.sh"
rsec_netlink_env
load_rsec

key=00112233445566778899aabbccddeeff01020304
id='{"dir":"in","spi":4096,"proto":50,"daddr":"c0000202"}'

step "YNL CLI: sa-new from the spec"
ynl --do sa-new --json '{"spi":4096,"proto":50,"dir":"in","mode":"tunnel",
	"saddr":"c0000201","daddr":"c0000202","ifindex":1,"encr-alg":20,
	"encr-key":"'$key'","replay-window":32,"owner":5}'

step "YNL CLI: sa-get returns it, without key"
got=$(ynl --do sa-get --json "$id" --output-json)
echo "$got"
jq -e '.spi == 4096 and .dir == "in" and .mode == "tunnel" and .saddr == "192.0.2.1"
	and .daddr == "192.0.2.2" and ."encr-alg" == 20 and ."replay-window" == 32
	and .owner == 5 and .counters.packets == 0' <<<"$got" >/dev/null || fail "sa-get reply wrong"
jq -e 'has("encr-key") or has("integ-key") | not' <<<"$got" >/dev/null || fail "key in reply"
grep -q "$key" <<<"$got" && fail "key bytes in reply"

step "YNL CLI: sa-get dump lists it"
dump=$(ynl --dump sa-get --output-json)
jq -e 'length == 1 and .[0].spi == 4096' <<<"$dump" >/dev/null || fail "dump: $dump"

step "YNL CLI: sa-del deletes it"
ynl --do sa-del --json "$id"
if out=$(ynl --do sa-get --json "$id" 2>&1); then fail "sa-get after sa-del: $out"; fi
grep -q "No such file or directory" <<<"$out" || fail "sa-get after sa-del: $out"
grep -q "no such SA" <<<"$out" || fail "no extack message: $out"
[ "$(ynl --dump sa-get --output-json)" = "[]" ] || fail "dump not empty after sa-del"

step "SAs, filters, flush and SPI allocation (netlink/sa.py)"
ip link add rsectest1 type dummy
ip link add rsectest2 type dummy
rsec_nl_py sa "$(cat /sys/class/net/rsectest1/ifindex)" "$(cat /sys/class/net/rsectest2/ifindex)"

ip link del rsectest1
ip link del rsectest2
unload_rsec
echo ok
