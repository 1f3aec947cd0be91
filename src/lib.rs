//! hamburglar: a fast, git-aware scanner for secrets and sensitive data.
//!
//! The crate is laid out along the pipeline:
//!
//! - [`source`]: where content comes from (a folder, standard input, the
//!   git index, commit history), each piece with its provenance;
//! - [`read`]: from bytes to text (binary check, encodings);
//! - [`detect`]: rules, the keyword prefilter, regexes and validators;
//! - [`engine`]: the bounded, streaming scan joining them;
//! - [`report`]: findings and the output formats;
//! - [`cli`]: the `hamburglar` command line.
//!
//! See [`engine`] for an example of scanning from Rust.

#![warn(missing_docs)]

pub mod cli;
pub mod detect;
pub mod engine;
pub mod read;
pub mod report;
pub mod source;
