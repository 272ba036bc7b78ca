//! cfnkit
