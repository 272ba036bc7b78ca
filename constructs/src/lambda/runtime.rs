//! Lambda runtimes and their lifecycle dates.
//!
//! Dates come from cfn-lint 1.58.0's `LmbdRuntimeLifecycle.json` (the data
//! behind rule W2531), the same source the tests validate against.

/// A calendar date, `YYYY-MM-DD`, comparable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: u16,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day, 1 to 31.
    pub day: u8,
}

impl Date {
    /// A date.
    pub const fn new(year: u16, month: u8, day: u8) -> Self {
        Date { year, month, day }
    }

    /// Today's date (UTC) from the system clock.
    pub fn today() -> Self {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        Self::from_days((secs / 86_400) as i64)
    }

    /// The civil date `days` after 1970-01-01 (Howard Hinnant's algorithm).
    pub fn from_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Date { year, month, day }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The language family of a runtime, which fixes its inline-code conventions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// Node.js: inline code is written to `index.js`; handler `index.handler`.
    NodeJs,
    /// Python: inline code is written to `index.py`; handler `index.handler`.
    Python,
}

/// A Lambda runtime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Runtime {
    /// `nodejs18.x`
    Nodejs18x,
    /// `nodejs20.x`
    Nodejs20x,
    /// `nodejs22.x`
    Nodejs22x,
    /// `nodejs24.x`
    Nodejs24x,
    /// `python3.9`
    Python39,
    /// `python3.10`
    Python310,
    /// `python3.11`
    Python311,
    /// `python3.12`
    Python312,
    /// `python3.13`
    Python313,
    /// `python3.14`
    Python314,
}

/// The lifecycle of a runtime: when AWS deprecates it and when it blocks
/// creating and then updating functions with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifecycle {
    /// Deprecation: no more security patches.
    pub deprecated: Date,
    /// Creating functions is blocked from this date.
    pub create_blocked: Date,
    /// Updating functions is blocked from this date.
    pub update_blocked: Date,
}

impl Runtime {
    /// Every runtime the enum knows.
    pub const ALL: [Runtime; 10] = [
        Runtime::Nodejs18x,
        Runtime::Nodejs20x,
        Runtime::Nodejs22x,
        Runtime::Nodejs24x,
        Runtime::Python39,
        Runtime::Python310,
        Runtime::Python311,
        Runtime::Python312,
        Runtime::Python313,
        Runtime::Python314,
    ];

    /// The identifier Lambda knows.
    pub fn name(self) -> &'static str {
        match self {
            Runtime::Nodejs18x => "nodejs18.x",
            Runtime::Nodejs20x => "nodejs20.x",
            Runtime::Nodejs22x => "nodejs22.x",
            Runtime::Nodejs24x => "nodejs24.x",
            Runtime::Python39 => "python3.9",
            Runtime::Python310 => "python3.10",
            Runtime::Python311 => "python3.11",
            Runtime::Python312 => "python3.12",
            Runtime::Python313 => "python3.13",
            Runtime::Python314 => "python3.14",
        }
    }

    /// The language family.
    pub fn family(self) -> Family {
        match self {
            Runtime::Nodejs18x | Runtime::Nodejs20x | Runtime::Nodejs22x | Runtime::Nodejs24x => Family::NodeJs,
            _ => Family::Python,
        }
    }

    /// Deprecation and blocking dates.
    pub fn lifecycle(self) -> Lifecycle {
        let d = |y, m, d| Date::new(y, m, d);
        let (dep, create, update) = match self {
            Runtime::Nodejs18x => (d(2025, 9, 1), d(2027, 2, 1), d(2027, 3, 3)),
            Runtime::Nodejs20x => (d(2026, 4, 30), d(2027, 2, 1), d(2027, 3, 3)),
            Runtime::Nodejs22x => (d(2027, 4, 30), d(2027, 6, 1), d(2027, 7, 1)),
            Runtime::Nodejs24x => (d(2028, 4, 30), d(2028, 6, 1), d(2028, 7, 1)),
            Runtime::Python39 => (d(2025, 12, 15), d(2027, 2, 1), d(2027, 3, 3)),
            Runtime::Python310 => (d(2026, 10, 31), d(2027, 2, 1), d(2027, 3, 3)),
            Runtime::Python311 => (d(2027, 6, 30), d(2027, 7, 31), d(2027, 8, 31)),
            Runtime::Python312 => (d(2028, 10, 31), d(2028, 11, 30), d(2029, 1, 10)),
            Runtime::Python313 | Runtime::Python314 => (d(2029, 6, 30), d(2029, 7, 31), d(2029, 8, 31)),
        };
        Lifecycle { deprecated: dep, create_blocked: create, update_blocked: update }
    }

    /// True when the runtime is deprecated on `date`.
    pub fn is_deprecated_on(self, date: Date) -> bool {
        date >= self.lifecycle().deprecated
    }

    /// The newest runtime of the same family.
    pub fn successor(self) -> Runtime {
        match self.family() {
            Family::NodeJs => Runtime::Nodejs24x,
            Family::Python => Runtime::Python314,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_from_days() {
        assert_eq!(Date::from_days(0), Date::new(1970, 1, 1));
        assert_eq!(Date::from_days(20_418), Date::new(2025, 11, 26));
        assert_eq!(Date::from_days(11_016), Date::new(2000, 2, 29));
    }

    #[test]
    fn nodejs20_is_deprecated_from_2026_04_30() {
        let r = Runtime::Nodejs20x;
        assert!(!r.is_deprecated_on(Date::new(2026, 4, 29)));
        assert!(r.is_deprecated_on(Date::new(2026, 4, 30)));
        assert_eq!(r.lifecycle().create_blocked.to_string(), "2027-02-01");
        assert_eq!(r.successor(), Runtime::Nodejs24x);
    }
}
