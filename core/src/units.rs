//! Units for construct props: [`Duration`] and [`Size`], so `60` is never
//! ambiguous between seconds and minutes or MB and MiB.

/// A span of time, stored in seconds.
///
/// ```
/// use cfnkit_core::units::Duration;
/// assert_eq!(Duration::minutes(5).to_seconds(), 300);
/// assert_eq!(Duration::days(14).to_seconds(), 1_209_600);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(u64);

impl Duration {
    /// `n` seconds.
    pub const fn seconds(n: u64) -> Self {
        Duration(n)
    }
    /// `n` minutes.
    pub const fn minutes(n: u64) -> Self {
        Duration(n * 60)
    }
    /// `n` hours.
    pub const fn hours(n: u64) -> Self {
        Duration(n * 3600)
    }
    /// `n` days.
    pub const fn days(n: u64) -> Self {
        Duration(n * 86_400)
    }
    /// Whole seconds.
    pub const fn to_seconds(self) -> u64 {
        self.0
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
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.0;
        if s != 0 && s % 86_400 == 0 {
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
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Size(u64);

impl Size {
    /// `n` MiB.
    pub const fn mebibytes(n: u64) -> Self {
        Size(n)
    }
    /// `n` GiB.
    pub const fn gibibytes(n: u64) -> Self {
        Size(n * 1024)
    }
    /// Whole MiB.
    pub const fn to_mebibytes(self) -> u64 {
        self.0
    }
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} MiB", self.0)
    }
}
