//! The built-in rule catalogue, embedded in the binary at build time.
//!
//! Every `rules/*.toml` file of the source tree is compiled in (see
//! `build.rs`); the catalogue is data, so adding a rule needs no code.

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// The embedded rule files: (file name, TOML text), sorted by name.
pub fn files() -> &'static [(&'static str, &'static str)] {
    BUILTIN_RULE_FILES
}
