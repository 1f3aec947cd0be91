//! The line diff behind `staged` and `history`: which lines of a new blob
//! are added. hamburglar uses gix's imara-diff (already part of gix's
//! `blob-diff` feature); this measures it against the `similar` crate on
//! the same inputs, so the choice rests on a number.
//!
//! `cargo bench --bench linediff`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hamburglar::source::git::added_lines;
use similar::{Algorithm, ChangeTag, TextDiff};

/// A source-like file of `n` lines, and a version with one line in
/// fifty edited and one in a hundred inserted.
fn versions(n: usize) -> (Vec<u8>, Vec<u8>) {
    let mut old = String::new();
    let mut new = String::new();
    for i in 0..n {
        let line = format!("    let value_{i} = compute({i}, \"{}\");\n", i % 17);
        old.push_str(&line);
        if i % 50 == 7 {
            new.push_str(&format!("    let value_{i} = compute_changed({i});\n"));
        } else {
            new.push_str(&line);
        }
        if i % 100 == 3 {
            new.push_str(&format!("    let token_{i} = \"ghp_{i:036}\";\n"));
        }
    }
    (old.into_bytes(), new.into_bytes())
}

/// The added lines (1-based) by `similar`'s Myers diff.
fn similar_added(old: &[u8], new: &[u8]) -> Vec<u32> {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .diff_lines(old, new);
    diff.iter_all_changes()
        .filter(|c| c.tag() == ChangeTag::Insert)
        .filter_map(|c| c.new_index().map(|i| i as u32 + 1))
        .collect()
}

fn linediff(c: &mut Criterion) {
    let mut group = c.benchmark_group("linediff");
    for n in [1_000usize, 20_000] {
        let (old, new) = versions(n);
        let ours: Vec<u32> = added_lines(&old, &new).0.iter().collect();
        assert_eq!(
            ours,
            similar_added(&old, &new),
            "both diffs agree on the added lines"
        );
        group.throughput(Throughput::Bytes(new.len() as u64));
        group.bench_with_input(BenchmarkId::new("imara", n), &(&old, &new), |b, (o, n)| {
            b.iter(|| added_lines(black_box(o), black_box(n)).0)
        });
        group.bench_with_input(
            BenchmarkId::new("similar", n),
            &(&old, &new),
            |b, (o, n)| b.iter(|| similar_added(black_box(o), black_box(n))),
        );
    }
    group.finish();
}

criterion_group!(benches, linediff);
criterion_main!(benches);
