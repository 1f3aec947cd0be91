//! Matcher throughput: the built-in catalogue over a mixed corpus of
//! source code, configuration and data files, with a few secrets planted.
//!
//! `cargo bench --bench matcher` reports MB/s for the keyword prefilter
//! alone and for the whole detector (prefilter, regexes, filters).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hamburglar::detect::ruleset::{Catalogue, RuleSelection};
use hamburglar::detect::DetectScratch;

/// A deterministic mixed corpus of about `size` bytes in files of a few
/// KiB: Rust and Python code, YAML/INI config, CSV data, minified JS,
/// and one file in fifty with a planted credential.
fn corpus(size: usize) -> Vec<Vec<u8>> {
    let code = "fn handle(req: &Request) -> Result<Response> {\n    let user = \
                req.user_id()?;\n    let token = session.token_for(user);\n    \
                log::debug!(\"serving {}\", user);\n    Ok(Response::ok())\n}\n";
    let python = "def connect(host, port=5432):\n    password = os.environ['DB_PASS']\n    \
                  return psycopg2.connect(host=host, port=port, password=password)\n";
    let config = "server:\n  host: api.internal.example\n  port: 8443\n  timeout: 30s\n\
                  database:\n  user: app\n  password: ${DB_PASSWORD}\n";
    let csv = "id,name,email,created\n1042,Ada,ada@example.org,2024-01-02\n\
               1043,Linus,linus@example.org,2024-01-03\n";
    let js = "var a=function(b){return b.map(function(c){return c.key+c.value})};\
              window.config={apiBase:\"/v1\",retries:3,token:null};\n";
    let secrets = [
        "AWS_ACCESS_KEY_ID=AKIAQ4TZ7XJ2KD5RMN3W\n",
        "github_token = \"ghp_R7fK2pQ9xW4mZ8vT1yL6nB3cH5jD0sAeUgVi\"\n",
        "DATABASE_URL=postgres://app:Zq8#vN2!pL5w@db.internal:5432/prod\n",
        "stripe.api_key = \"sk_live_51Hq8ZpLk3Vt9XwR2mN7bY4cJ6dF0gS1aE\"\n",
    ];
    let kinds = [code, python, config, csv, js];
    let mut files = Vec::new();
    let mut total = 0;
    let mut i = 0usize;
    while total < size {
        let part = kinds[i % kinds.len()];
        let mut file = part.repeat(4096 / part.len() + 1).into_bytes();
        if i % 50 == 7 {
            let at = file.len() / 2;
            let at = at + file[at..].iter().position(|&b| b == b'\n').unwrap_or(0) + 1;
            let s = secrets[(i / 50) % secrets.len()].as_bytes();
            file.splice(at..at, s.iter().copied());
        }
        total += file.len();
        files.push(file);
        i += 1;
    }
    files
}

fn matcher(c: &mut Criterion) {
    let selection = RuleSelection::default();
    let detector = Catalogue::load(&selection)
        .unwrap()
        .detector(&selection)
        .unwrap();
    let files = corpus(8 << 20);
    let bytes: usize = files.iter().map(Vec::len).sum();

    let mut group = c.benchmark_group("matcher");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function("prefilter", |b| {
        let mut scratch = DetectScratch::default();
        b.iter(|| {
            let mut n = 0;
            for f in &files {
                n += detector.candidate_rules(black_box(f), &mut scratch).len();
            }
            n
        })
    });
    group.bench_function("detector", |b| {
        let mut scratch = DetectScratch::default();
        let mut out = Vec::new();
        b.iter(|| {
            out.clear();
            for f in &files {
                detector.scan(black_box(f), false, &mut scratch, &mut out);
            }
            out.len()
        })
    });
    group.finish();
}

criterion_group!(benches, matcher);
criterion_main!(benches);
