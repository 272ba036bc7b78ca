//! route53 constructs (in progress).
