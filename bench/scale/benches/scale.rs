//! Criterion benchmark: building and synthesizing the scale app in process
//! (100 stacks x 14 groups = 9,800 resources), without writing it.

use criterion::{criterion_main, Criterion};

fn scale(c: &mut Criterion) {
    let mut g = c.benchmark_group("scale");
    g.sample_size(10);
    g.bench_function("build + synth 9,800 resources (100 stacks x 14 groups)", |b| {
        b.iter(|| std::hint::black_box(cfnkit_bench_scale::app(100, 14).synth().expect("valid")));
    });
    g.finish();
}

#[allow(missing_docs)] // criterion_group! expands to an undocumented function
mod group {
    criterion::criterion_group!(benches, super::scale);
}
criterion_main!(group::benches);
