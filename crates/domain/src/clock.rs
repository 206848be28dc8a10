//! The one place that reads the wall clock, so tests and billing runs can fix "today".

use time::{Date, OffsetDateTime, UtcOffset};

/// Where "now" comes from.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    fixed: Option<OffsetDateTime>,
    /// The supplier's UTC offset, used to decide which calendar day "today" is.
    offset: UtcOffset,
}

impl Clock {
    /// The system clock, with "today" decided at the given offset from UTC.
    pub fn system(offset: UtcOffset) -> Self {
        Self {
            fixed: None,
            offset,
        }
    }

    /// A clock stopped at `at` (tests, replays, billing runs for a past date).
    pub fn fixed(at: OffsetDateTime) -> Self {
        Self {
            fixed: Some(at),
            offset: at.offset(),
        }
    }

    /// The current instant in UTC.
    pub fn now(&self) -> OffsetDateTime {
        #[allow(clippy::disallowed_methods)] // This is the one sanctioned read of the wall clock.
        let now = self.fixed.unwrap_or_else(OffsetDateTime::now_utc);
        now.to_offset(UtcOffset::UTC)
    }

    /// The supplier's calendar date right now.
    pub fn today(&self) -> Date {
        self.now().to_offset(self.offset).date()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn today_follows_the_supplier_offset() {
        let clock = Clock::fixed(datetime!(2026-03-01 02:00 -05:00));
        assert_eq!(clock.today(), time::macros::date!(2026 - 03 - 01));
        assert_eq!(clock.now(), datetime!(2026-03-01 07:00 UTC));
    }
}
