//! The one place that reads the wall clock, so tests and billing runs can fix "today".

use std::sync::{Arc, RwLock};

use time::{Date, OffsetDateTime, UtcOffset};

use crate::organization::TimeZoneName;

/// Where "now" comes from, and the supplier's time zone that decides which calendar day it is.
/// Clones share the zone, so a change of the organization's setting reaches every use case.
#[derive(Clone, Debug)]
pub struct Clock {
    fixed: Option<OffsetDateTime>,
    zone: Arc<RwLock<TimeZoneName>>,
}

impl Clock {
    /// The system clock, with "today" decided at the given offset from UTC until a time zone is
    /// set.
    pub fn system(offset: UtcOffset) -> Self {
        Self {
            fixed: None,
            zone: Arc::new(RwLock::new(TimeZoneName::fixed(offset))),
        }
    }

    /// A clock stopped at `at` (tests, replays, billing runs for a past date); "today" is
    /// decided at `at`'s offset until a time zone is set.
    pub fn fixed(at: OffsetDateTime) -> Self {
        Self {
            fixed: Some(at),
            zone: Arc::new(RwLock::new(TimeZoneName::fixed(at.offset()))),
        }
    }

    /// Decides "today" in `zone` from now on, for this clock and every clone of it.
    pub fn set_time_zone(&self, zone: TimeZoneName) {
        match self.zone.write() {
            Ok(mut current) => *current = zone,
            // A writer that panicked left a whole value behind; replace it all the same.
            Err(poisoned) => *poisoned.into_inner() = zone,
        }
    }

    /// The time zone "today" is decided in.
    pub fn time_zone(&self) -> TimeZoneName {
        match self.zone.read() {
            Ok(zone) => zone.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The current instant in UTC.
    pub fn now(&self) -> OffsetDateTime {
        #[allow(clippy::disallowed_methods)] // This is the one sanctioned read of the wall clock.
        let now = self.fixed.unwrap_or_else(OffsetDateTime::now_utc);
        now.to_offset(UtcOffset::UTC)
    }

    /// An instant as the supplier's local time (for showing times to the minute).
    pub fn local(&self, at: OffsetDateTime) -> OffsetDateTime {
        at.to_offset(self.time_zone().offset_at(at))
    }

    /// The supplier's calendar date right now.
    pub fn today(&self) -> Date {
        self.local(self.now()).date()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly on purpose.
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn today_follows_the_supplier_offset() {
        let clock = Clock::fixed(datetime!(2026-03-01 02:00 -05:00));
        assert_eq!(clock.today(), date!(2026 - 03 - 01));
        assert_eq!(clock.now(), datetime!(2026-03-01 07:00 UTC));
    }

    #[test]
    fn today_turns_over_at_local_midnight_in_the_chosen_zone() {
        // 03:30 UTC on 3 December is still the evening of 2 December in New York.
        let clock = Clock::fixed(datetime!(2026-12-03 03:30 UTC));
        assert_eq!(clock.today(), date!(2026 - 12 - 03));
        let shared = clock.clone();
        clock.set_time_zone(TimeZoneName::parse("America/New_York").unwrap());
        assert_eq!(shared.today(), date!(2026 - 12 - 02));
        assert_eq!(shared.local(shared.now()).hour(), 22);
    }
}
