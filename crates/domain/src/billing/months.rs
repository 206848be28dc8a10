//! Anniversary rental months (42 CFR 414.229): the one place rental-month dates are computed.
//!
//! Rental month n starts on the (n−1)th monthly anniversary of the anchor date and ends the day
//! before the next anniversary (start Jan 15 → Jan 15–Feb 14, Feb 15–Mar 14, …).
//!
//! Starts on day 29–31: not settled by the published rules (42 CFR 414.229 counts rental months, not their day). Durable
//! clamps the anniversary to the last day of a shorter month and always counts from the anchor,
//! never from the previous clamped date, so Jan 31 → Feb 28 (29 in leap years) → Mar 31 → Apr 30.

use time::{Date, Month};

/// The first and last day of one rental month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonthSpan {
    /// First day (the anniversary date; the claim's date of service).
    pub from: Date,
    /// Last day (the day before the next anniversary).
    pub to: Date,
    /// The start day was moved to the end of a shorter month.
    pub clamped: bool,
}

/// The `k`th monthly anniversary of `anchor` (k = 0 is `anchor` itself), with the day clamped to
/// the month's length; `None` past the supported calendar.
pub fn anniversary(anchor: Date, k: u32) -> Option<(Date, bool)> {
    let months_from_zero =
        i64::from(anchor.year()) * 12 + i64::from(u8::from(anchor.month())) - 1 + i64::from(k);
    let year = i32::try_from(months_from_zero.div_euclid(12)).ok()?;
    let month_index = u8::try_from(months_from_zero.rem_euclid(12) + 1).ok()?;
    let month = Month::try_from(month_index).ok()?;
    let last_day = month.length(year);
    let day = anchor.day().min(last_day);
    let date = Date::from_calendar_date(year, month, day).ok()?;
    Some((date, day != anchor.day()))
}

/// Rental month `n` (1-based) counted from `anchor`; `None` for n = 0 or past the calendar.
pub fn rental_month(anchor: Date, n: u32) -> Option<MonthSpan> {
    let index = n.checked_sub(1)?;
    let (from, clamped) = anniversary(anchor, index)?;
    let (next, _) = anniversary(anchor, n)?;
    let to = next.previous_day()?;
    Some(MonthSpan { from, to, clamped })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn mid_month_start_runs_to_the_day_before_the_next_anniversary() {
        let span = rental_month(date!(2026 - 01 - 15), 1).unwrap();
        assert_eq!(
            (span.from, span.to),
            (date!(2026 - 01 - 15), date!(2026 - 02 - 14))
        );
        let span = rental_month(date!(2026 - 01 - 15), 13).unwrap();
        assert_eq!(
            (span.from, span.to),
            (date!(2027 - 01 - 15), date!(2027 - 02 - 14))
        );
        assert!(!span.clamped);
    }

    #[test]
    fn day_31_start_clamps_to_month_end_and_returns_to_31() {
        let anchor = date!(2026 - 01 - 31);
        let feb = rental_month(anchor, 2).unwrap();
        assert_eq!(
            (feb.from, feb.to, feb.clamped),
            (date!(2026 - 02 - 28), date!(2026 - 03 - 30), true)
        );
        let mar = rental_month(anchor, 3).unwrap();
        assert_eq!((mar.from, mar.clamped), (date!(2026 - 03 - 31), false));
        assert_eq!(rental_month(anchor, 1).unwrap().to, date!(2026 - 02 - 27));
        // Leap year.
        assert_eq!(
            rental_month(date!(2028 - 01 - 30), 2).unwrap().from,
            date!(2028 - 02 - 29)
        );
    }

    #[test]
    fn month_zero_and_the_end_of_the_calendar_are_none() {
        assert_eq!(rental_month(date!(2026 - 01 - 15), 0), None);
        assert_eq!(rental_month(date!(9999 - 12 - 15), 1), None);
    }

    proptest! {
        #[test]
        fn months_tile_without_gaps(day in 0u32..2_900_000, n in 1u32..200) {
            let anchor = Date::from_julian_day(2_400_000 + i32::try_from(day).unwrap()).unwrap();
            let this = rental_month(anchor, n).unwrap();
            let next = rental_month(anchor, n + 1).unwrap();
            prop_assert_eq!(this.to.next_day(), Some(next.from));
            prop_assert!(this.from <= this.to);
        }
    }
}
