//! The crate's numbers against Documentation/netlink/rsec.yaml, so that neither drifts.

use std::collections::BTreeMap;

use rsec_netlink::spec::{self, AttrSet, COMMANDS};
use rsec_netlink::{Dir, EncrAlg, ExpireKind, IntegAlg, Mode, Proto, SaFlags};
use serde_yaml::Value;

fn spec_yaml() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../Documentation/netlink/rsec.yaml"
    );
    let text = std::fs::read_to_string(path).expect("read the spec");
    serde_yaml::from_str(&text).expect("parse the spec")
}

fn list<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v[key]
        .as_sequence()
        .unwrap_or_else(|| panic!("{key} is not a list"))
}

fn name(v: &Value) -> &str {
    v.as_str()
        .or_else(|| v["name"].as_str())
        .expect("an entry without a name")
}

/// Numbers entries from `start`, or from an entry's explicit `value`, upward in list order.
fn numbered(entries: &[Value], start: i64) -> BTreeMap<String, i64> {
    let mut next = start;
    let mut out = BTreeMap::new();
    for entry in entries {
        if let Some(value) = entry["value"].as_i64() {
            next = value;
        }
        out.insert(name(entry).to_string(), next);
        next += 1;
    }
    out
}

fn attribute_set(yaml: &Value, set: &str) -> BTreeMap<String, i64> {
    let sets = list(yaml, "attribute-sets");
    let found = sets
        .iter()
        .find(|s| name(s) == set)
        .expect("attribute set in spec");
    numbered(list(found, "attributes"), 0)
}

fn definition<'a>(yaml: &'a Value, def: &str) -> &'a Value {
    let defs = list(yaml, "definitions");
    defs.iter()
        .find(|d| name(d) == def)
        .unwrap_or_else(|| panic!("no definition {def}"))
}

fn enum_values(yaml: &Value, def: &str) -> BTreeMap<String, i64> {
    let d = definition(yaml, def);
    assert_eq!(d["type"].as_str(), Some("enum"), "{def} is an enum");
    let start = d["value-start"].as_i64().unwrap_or(0);
    numbered(list(d, "entries"), start)
}

fn same_names<N: Copy + Into<i64>>(ours: &[(&str, N)], theirs: &BTreeMap<String, i64>, what: &str) {
    let ours: BTreeMap<String, i64> = ours
        .iter()
        .map(|(n, v)| (n.to_string(), (*v).into()))
        .collect();
    assert_eq!(
        &ours, theirs,
        "{what}: crate (left) and spec (right) differ"
    );
}

#[test]
fn attribute_numbers_match_the_spec() {
    let yaml = spec_yaml();
    for set in [
        AttrSet::Sa,
        AttrSet::Lifetime,
        AttrSet::Selector,
        AttrSet::Counters,
    ] {
        let mut theirs = attribute_set(&yaml, set.name());
        assert_eq!(
            theirs.remove("unspec"),
            Some(0),
            "{} starts with unspec = 0",
            set.name()
        );
        same_names(set.attributes(), &theirs, set.name());
    }
}

#[test]
fn nests_match_the_spec() {
    let yaml = spec_yaml();
    let sa = list(&yaml, "attribute-sets")
        .iter()
        .find(|s| name(s) == "sa")
        .unwrap();
    for attr in list(sa, "attributes") {
        let kind = AttrSet::Sa
            .attributes()
            .iter()
            .find(|(n, _)| *n == name(attr));
        let Some((_, kind)) = kind else { continue };
        let nested = AttrSet::Sa.nested(*kind).map(AttrSet::name);
        assert_eq!(
            nested,
            attr["nested-attributes"].as_str(),
            "nest of {}",
            name(attr)
        );
    }
}

#[test]
fn command_numbers_match_the_spec() {
    let yaml = spec_yaml();
    let theirs = numbered(list(&yaml["operations"], "list"), 1);
    same_names(COMMANDS, &theirs, "operations");
}

#[test]
fn enum_values_match_the_spec() {
    let yaml = spec_yaml();
    same_names(Dir::NAMED, &enum_values(&yaml, "dir"), "dir");
    same_names(Mode::NAMED, &enum_values(&yaml, "mode"), "mode");
    same_names(Proto::NAMED, &enum_values(&yaml, "proto"), "proto");
    same_names(EncrAlg::NAMED, &enum_values(&yaml, "encr-alg"), "encr-alg");
    same_names(
        IntegAlg::NAMED,
        &enum_values(&yaml, "integ-alg"),
        "integ-alg",
    );
    same_names(
        ExpireKind::NAMED,
        &enum_values(&yaml, "expire-kind"),
        "expire-kind",
    );
}

#[test]
fn flag_bits_match_the_spec() {
    let yaml = spec_yaml();
    let d = definition(&yaml, "sa-flags");
    assert_eq!(d["type"].as_str(), Some("flags"));
    let theirs: BTreeMap<String, i64> = list(d, "entries")
        .iter()
        .enumerate()
        .map(|(bit, e)| (name(e).to_string(), 1 << bit))
        .collect();
    same_names(SaFlags::NAMED, &theirs, "sa-flags");
}

#[test]
fn constants_and_group_match_the_spec() {
    let yaml = spec_yaml();
    assert_eq!(yaml["name"].as_str(), Some(spec::FAMILY_NAME));
    assert_eq!(yaml["protocol"].as_str(), Some("genetlink"));
    let version = definition(&yaml, "family-version")["value"].as_i64();
    assert_eq!(version, Some(spec::FAMILY_VERSION.into()));
    let window = definition(&yaml, "replay-window-max")["value"].as_i64();
    assert_eq!(window, Some(spec::REPLAY_WINDOW_MAX.into()));
    let groups = list(&yaml["mcast-groups"], "list");
    assert!(groups.iter().any(|g| name(g) == spec::EVENTS_GROUP));
}
