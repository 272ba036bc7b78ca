//! Which property changes replace a resource, from the generated table of
//! the schemas' `createOnlyProperties` (see `tests/diff_table.rs`).

use super::create_only::CREATE_ONLY;

/// The create-only property paths of `cfn_type` (`None` for a type the
/// vendored schemas do not cover, so nothing can be said).
pub fn create_only(cfn_type: &str) -> Option<&'static [&'static str]> {
    CREATE_ONLY.binary_search_by(|(t, _)| (*t).cmp(cfn_type)).ok().map(|i| CREATE_ONLY[i].1)
}

#[cfg(test)]
mod tests {
    use super::create_only;

    #[test]
    fn table_is_sorted_and_knows_the_table_name() {
        assert!(super::CREATE_ONLY.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(create_only("AWS::DynamoDB::Table").is_some_and(|p| p.contains(&"TableName")));
        assert!(create_only("AWS::SQS::Queue").is_some_and(|p| p.contains(&"FifoQueue")));
        assert!(create_only("Custom::Thing").is_none());
    }
}
