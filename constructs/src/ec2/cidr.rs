//! IPv4 and IPv6 CIDR blocks: parsing, checking and splitting, so subnet
//! ranges are computed (and checked) at synthesis rather than at deploy time.

use std::net::{Ipv4Addr, Ipv6Addr};

/// An IPv4 network: a base address with every host bit zero, and a prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ipv4Net {
    base: u32,
    prefix: u8,
}

impl Ipv4Net {
    /// `10.0.0.0/16`, the default VPC range.
    pub(crate) const DEFAULT_VPC: Ipv4Net = Ipv4Net { base: 0x0A00_0000, prefix: 16 };

    /// Parses `a.b.c.d/n`; the address must be the network's first address.
    pub(crate) fn parse(s: &str) -> Result<Self, String> {
        let (addr, prefix) =
            s.split_once('/').ok_or_else(|| "an address and a prefix length, a.b.c.d/n".to_string())?;
        let addr: Ipv4Addr = addr.parse().map_err(|_| format!("{addr:?} is not an IPv4 address"))?;
        let prefix: u8 = prefix
            .parse()
            .ok()
            .filter(|p| *p <= 32)
            .ok_or_else(|| format!("{prefix:?} is not a prefix length from 0 to 32"))?;
        let base = u32::from(addr);
        let net = Ipv4Net { base: base & mask(prefix), prefix };
        if net.base != base {
            return Err(format!("host bits are set: the network is {net}"));
        }
        Ok(net)
    }

    /// The prefix length.
    pub(crate) fn prefix(self) -> u8 {
        self.prefix
    }

    /// The `index`-th block of prefix length `prefix` inside this network.
    pub(crate) fn subnet(self, prefix: u8, index: u32) -> Option<Ipv4Net> {
        if prefix < self.prefix || prefix > 32 {
            return None;
        }
        let bits = u32::from(prefix - self.prefix);
        if bits < 32 && index >= 1u32 << bits {
            return None;
        }
        let size = if prefix == 0 { 0 } else { 1u32 << (32 - u32::from(prefix)) };
        Some(Ipv4Net { base: self.base + index * size, prefix })
    }
}

impl std::fmt::Display for Ipv4Net {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.base), self.prefix)
    }
}

fn mask(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix))
    }
}

/// Checks an IPv6 CIDR block (`2001:db8::/32`): a valid address, a prefix
/// from 0 to 128, and no host bit set.
pub(crate) fn check_ipv6(s: &str) -> Result<(), String> {
    let (addr, prefix) = s.split_once('/').ok_or_else(|| "an address and a prefix length, x:y::/n".to_string())?;
    let addr: Ipv6Addr = addr.parse().map_err(|_| format!("{addr:?} is not an IPv6 address"))?;
    let prefix: u32 = prefix
        .parse()
        .ok()
        .filter(|p| *p <= 128)
        .ok_or_else(|| format!("{prefix:?} is not a prefix length from 0 to 128"))?;
    let bits = u128::from(addr);
    let m = if prefix == 0 { 0 } else { u128::MAX << (128 - prefix) };
    if bits & m != bits {
        return Err(format!("host bits are set: the network is {}/{prefix}", Ipv6Addr::from(bits & m)));
    }
    Ok(())
}

/// The number of bits needed to number `n` blocks (`ceil(log2(n))`).
pub(crate) fn bits_for(n: u32) -> u8 {
    let mut bits = 0u8;
    while (1u64 << bits) < u64::from(n) {
        bits += 1;
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_networks_and_refuses_host_bits() {
        let n = Ipv4Net::parse("10.0.0.0/16").unwrap();
        assert_eq!(n.prefix(), 16);
        assert_eq!(n.to_string(), "10.0.0.0/16");
        assert!(Ipv4Net::parse("10.0.0.1/16").unwrap_err().contains("10.0.0.0/16"));
        assert!(Ipv4Net::parse("10.0.0.0").is_err());
        assert!(Ipv4Net::parse("10.0.0.0/33").is_err());
        assert!(Ipv4Net::parse("300.0.0.0/8").is_err());
    }

    #[test]
    fn splits_into_equal_blocks() {
        let n = Ipv4Net::parse("10.0.0.0/16").unwrap();
        assert_eq!(n.subnet(18, 0).unwrap().to_string(), "10.0.0.0/18");
        assert_eq!(n.subnet(18, 3).unwrap().to_string(), "10.0.192.0/18");
        assert!(n.subnet(18, 4).is_none());
        assert!(n.subnet(15, 0).is_none());
    }

    #[test]
    fn checks_ipv6_blocks() {
        assert!(check_ipv6("::/0").is_ok());
        assert!(check_ipv6("2001:db8::/32").is_ok());
        assert!(check_ipv6("2001:db8::1/32").is_err());
        assert!(check_ipv6("2001:db8::/129").is_err());
    }

    #[test]
    fn counts_bits() {
        assert_eq!(bits_for(1), 0);
        assert_eq!(bits_for(2), 1);
        assert_eq!(bits_for(4), 2);
        assert_eq!(bits_for(6), 3);
    }
}
