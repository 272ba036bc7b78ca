//! "Did you mean": the nearest of a set of known names to a mistyped one.

/// The candidate closest to `wanted` (Jaro-Winkler similarity, from the
/// `strsim` crate that clap also uses for its suggestions), if any is close
/// enough to be a plausible typo.
///
/// ```
/// use cfnkit_core::suggest::nearest;
/// assert_eq!(nearest("order-queu", ["order-queue", "payments-dr"]), Some("order-queue"));
/// assert_eq!(nearest("zzz", ["order-queue"]), None);
/// ```
pub fn nearest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&wanted.to_lowercase(), &c.to_lowercase());
        if score >= 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}
