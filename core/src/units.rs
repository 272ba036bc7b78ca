//! Units for construct props: [`Duration`] and [`Size`], so `60` is never
//! ambiguous between seconds and minutes or MB and MiB.
//!
//! Conversions never wrap: a product that does not fit saturates at
//! [`Duration::MAX`] / [`Size::MAX`] (both `i64::MAX`, so the value still
//! converts to a CloudFormation integer without changing sign), which is far
//! outside every AWS range and is reported by the construct that checks it.
//! Use the `checked_*` constructors to detect the overflow yourself.

/// A span of time, stored in seconds.
///
/// ```
/// use cfnkit_core::units::Duration;
/// assert_eq!(Duration::minutes(5).to_seconds(), 300);
/// assert_eq!(Duration::days(14).to_seconds(), 1_209_600);
/// assert_eq!(Duration::minutes(u64::MAX / 30), Duration::MAX); // saturates, never wraps
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(u64);

/// The largest value a unit holds: `i64::MAX`, so `as i64` never changes sign.
const CAP: u64 = i64::MAX as u64;

/// `n * unit`, or `None` when it passes [`CAP`].
const fn times(n: u64, unit: u64) -> Option<u64> {
    match n.checked_mul(unit) {
        Some(v) if v <= CAP => Some(v),
        _ => None,
    }
}

/// `n * unit`, saturating at [`CAP`].
const fn times_sat(n: u64, unit: u64) -> u64 {
    match times(n, unit) {
        Some(v) => v,
        None => CAP,
    }
}

impl Duration {
    /// The largest duration (`i64::MAX` seconds); overflowing constructors give it.
    pub const MAX: Duration = Duration(CAP);

    /// `n` seconds (saturating at [`Duration::MAX`]).
    pub const fn seconds(n: u64) -> Self {
        Duration(times_sat(n, 1))
    }
    /// `n` minutes (saturating at [`Duration::MAX`]).
    pub const fn minutes(n: u64) -> Self {
        Duration(times_sat(n, 60))
    }
    /// `n` hours (saturating at [`Duration::MAX`]).
    pub const fn hours(n: u64) -> Self {
        Duration(times_sat(n, 3600))
    }
    /// `n` days (saturating at [`Duration::MAX`]).
    pub const fn days(n: u64) -> Self {
        Duration(times_sat(n, 86_400))
    }
    /// `n` minutes, or `None` when that many seconds exceeds [`Duration::MAX`].
    pub const fn checked_minutes(n: u64) -> Option<Self> {
        match times(n, 60) {
            Some(v) => Some(Duration(v)),
            None => None,
        }
    }
    /// `n` hours, or `None` when that many seconds exceeds [`Duration::MAX`].
    pub const fn checked_hours(n: u64) -> Option<Self> {
        match times(n, 3600) {
            Some(v) => Some(Duration(v)),
            None => None,
        }
    }
    /// `n` days, or `None` when that many seconds exceeds [`Duration::MAX`].
    pub const fn checked_days(n: u64) -> Option<Self> {
        match times(n, 86_400) {
            Some(v) => Some(Duration(v)),
            None => None,
        }
    }
    /// True when this is [`Duration::MAX`] (usually an overflowed constructor).
    pub const fn is_saturated(self) -> bool {
        self.0 == CAP
    }
    /// Whole seconds (at most `i64::MAX`).
    pub const fn to_seconds(self) -> u64 {
        self.0
    }
    /// Whole milliseconds, saturating at `i64::MAX`.
    pub const fn to_millis(self) -> u64 {
        times_sat(self.0, 1000)
    }
    /// Whole minutes (rounded down).
    pub const fn to_minutes(self) -> u64 {
        self.0 / 60
    }
    /// Whole days (rounded down).
    pub const fn to_days(self) -> u64 {
        self.0 / 86_400
    }
    /// True when the duration is a whole number of days.
    pub const fn is_whole_days(self) -> bool {
        self.0 % 86_400 == 0
    }
    /// The sum, saturating at [`Duration::MAX`].
    pub const fn saturating_add(self, other: Duration) -> Duration {
        Duration(times_sat(self.0.saturating_add(other.0), 1))
    }
    /// `self * n`, saturating at [`Duration::MAX`].
    pub const fn saturating_mul(self, n: u64) -> Duration {
        Duration(times_sat(self.0, n))
    }
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.0;
        if s == CAP {
            write!(f, "{s} seconds (the largest duration: a unit conversion overflowed)")
        } else if s != 0 && s % 86_400 == 0 {
            write!(f, "{} days", s / 86_400)
        } else if s != 0 && s % 60 == 0 {
            write!(f, "{} minutes", s / 60)
        } else {
            write!(f, "{s} seconds")
        }
    }
}

/// An amount of memory or storage, stored in mebibytes.
///
/// ```
/// use cfnkit_core::units::Size;
/// assert_eq!(Size::gibibytes(1).to_mebibytes(), 1024);
/// assert_eq!(Size::gibibytes(u64::MAX), Size::MAX); // saturates, never wraps
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Size(u64);

impl Size {
    /// The largest size (`i64::MAX` MiB); overflowing constructors give it.
    pub const MAX: Size = Size(CAP);

    /// `n` MiB (saturating at [`Size::MAX`]).
    pub const fn mebibytes(n: u64) -> Self {
        Size(times_sat(n, 1))
    }
    /// `n` GiB (saturating at [`Size::MAX`]).
    pub const fn gibibytes(n: u64) -> Self {
        Size(times_sat(n, 1024))
    }
    /// `n` GiB, or `None` when that many MiB exceeds [`Size::MAX`].
    pub const fn checked_gibibytes(n: u64) -> Option<Self> {
        match times(n, 1024) {
            Some(v) => Some(Size(v)),
            None => None,
        }
    }
    /// Whole MiB (at most `i64::MAX`).
    pub const fn to_mebibytes(self) -> u64 {
        self.0
    }
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} MiB", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_saturate_instead_of_wrapping() {
        assert_eq!(Duration::minutes(u64::MAX / 30), Duration::MAX);
        assert_eq!(Duration::minutes(u64::MAX / 60 + 1), Duration::MAX);
        assert_eq!(Duration::hours(u64::MAX), Duration::MAX);
        assert_eq!(Duration::days(u64::MAX / 2), Duration::MAX);
        assert_eq!(Duration::seconds(u64::MAX), Duration::MAX);
        assert_eq!(Size::gibibytes(u64::MAX), Size::MAX);
        assert!(Duration::checked_minutes(u64::MAX / 30).is_none());
        assert_eq!(Duration::checked_minutes(2), Some(Duration::seconds(120)));
        assert!(Size::checked_gibibytes(u64::MAX).is_none());
        assert_eq!(Duration::MAX.to_millis(), i64::MAX as u64);
        assert_eq!(Duration::seconds(3).to_millis(), 3000);
        assert_eq!(Duration::MAX.saturating_add(Duration::seconds(1)), Duration::MAX);
        assert_eq!(Duration::seconds(5).saturating_mul(6), Duration::seconds(30));
        assert!(i64::try_from(Duration::MAX.to_seconds()).is_ok());
    }

    #[test]
    fn display_names_the_saturated_value() {
        assert!(Duration::MAX.to_string().contains("overflowed"));
        assert_eq!(Duration::minutes(2).to_string(), "2 minutes");
    }
}
