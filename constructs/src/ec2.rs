//! ec2 constructs (in progress).
