//! Amounts of money as whole cents, so sums and percentages never drift the way floats do.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An amount in US cents; serialized as an integer number of cents.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

/// One hundred percent in basis points (1 bp = 0.01 %).
pub const FULL_BASIS_POINTS: u32 = 10_000;

impl Money {
    /// Nothing.
    pub const ZERO: Money = Money(0);

    /// An amount from whole cents.
    pub const fn from_cents(cents: i64) -> Self {
        Self(cents)
    }

    /// The amount in whole cents.
    pub const fn cents(self) -> i64 {
        self.0
    }

    /// Parses a non-negative amount typed in dollars (`425`, `425.5`, `$1,425.00`); more than two
    /// decimals is refused rather than rounded, since a price is never a fraction of a cent.
    pub fn parse_dollars(text: &str) -> Result<Money, crate::codes::CodeError> {
        let bad =
            || crate::codes::CodeError("Enter an amount in dollars and cents, like 425.00.".into());
        let cleaned: String = text
            .trim()
            .trim_start_matches('$')
            .chars()
            .filter(|c| *c != ',')
            .collect();
        let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !(fraction.is_empty() || digits(fraction)) || fraction.len() > 2 {
            return Err(bad());
        }
        let whole: i64 = whole.parse().map_err(|_| bad())?;
        let cents: i64 = format!("{fraction:0<2}").parse().map_err(|_| bad())?;
        whole
            .checked_mul(100)
            .and_then(|c| c.checked_add(cents))
            .map(Money)
            .ok_or_else(bad)
    }

    /// The sum, or `None` if it would overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// The difference, or `None` if it would overflow.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    /// The amount times `units`, or `None` if it would overflow.
    pub fn checked_mul(self, units: u32) -> Option<Money> {
        self.0.checked_mul(i64::from(units)).map(Money)
    }

    /// `basis_points` / 10 000 of this amount (10 % = 1000 bp, 7.5 % = 750 bp), rounded once,
    /// half away from zero, to the cent; `None` only if the result does not fit.
    pub fn percent_bp(self, basis_points: u32) -> Option<Money> {
        // i128 cannot overflow here: |i64| * u32 < 2^95.
        let scaled = i128::from(self.0) * i128::from(basis_points);
        let full = i128::from(FULL_BASIS_POINTS);
        let quotient = scaled / full;
        let remainder = scaled % full;
        let rounded = if remainder.abs() * 2 >= full {
            quotient + scaled.signum()
        } else {
            quotient
        };
        i64::try_from(rounded).ok().map(Money)
    }

    /// Whether the amount is below zero.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }
}

impl fmt::Display for Money {
    /// `$1,234.56`, or `-$1,234.56` for negative amounts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // unsigned_abs so that i64::MIN prints instead of overflowing.
        let abs = self.0.unsigned_abs();
        let dollars = (abs / 100).to_string();
        let cents = abs % 100;
        let sign = if self.0 < 0 { "-" } else { "" };
        let mut grouped = String::with_capacity(dollars.len() + dollars.len() / 3);
        for (i, digit) in dollars.chars().enumerate() {
            if i > 0 && (dollars.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        write!(f, "{sign}${grouped}.{cents:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_parse_to_cents_exactly() {
        assert_eq!(Money::parse_dollars("425").unwrap().cents(), 42_500);
        assert_eq!(Money::parse_dollars("$1,425.5").unwrap().cents(), 142_550);
        assert_eq!(Money::parse_dollars("0.07").unwrap().cents(), 7);
        for bad in ["", "-1", "1.234", "abc", "."] {
            assert!(Money::parse_dollars(bad).is_err(), "{bad}");
        }
    }
    use proptest::prelude::*;

    #[test]
    fn displays_dollars_with_thousands_separators() {
        assert_eq!(Money::from_cents(123_456).to_string(), "$1,234.56");
        assert_eq!(Money::from_cents(5).to_string(), "$0.05");
        assert_eq!(Money::from_cents(100_000_000).to_string(), "$1,000,000.00");
        assert_eq!(Money::from_cents(-99_900).to_string(), "-$999.00");
        assert_eq!(
            Money::from_cents(i64::MIN).to_string(),
            "-$92,233,720,368,547,758.08"
        );
    }

    #[test]
    fn percentages_round_half_up_once() {
        // 10 % of $1,234.55 = $123.455 → $123.46.
        assert_eq!(
            Money::from_cents(123_455).percent_bp(1000),
            Some(Money::from_cents(12_346))
        );
        // 7.5 % of $1,000.00 = $75.00 exactly.
        assert_eq!(
            Money::from_cents(100_000).percent_bp(750),
            Some(Money::from_cents(7_500))
        );
        // 7.5 % of $0.06 = 0.45 cents → 0.
        assert_eq!(Money::from_cents(6).percent_bp(750), Some(Money::ZERO));
        // 7.5 % of $0.20 = 1.5 cents → 2.
        assert_eq!(
            Money::from_cents(20).percent_bp(750),
            Some(Money::from_cents(2))
        );
        assert_eq!(
            Money::from_cents(-20).percent_bp(750),
            Some(Money::from_cents(-2))
        );
        assert_eq!(Money::from_cents(i64::MAX).percent_bp(20_000), None);
    }

    #[test]
    fn checked_arithmetic_refuses_overflow() {
        assert_eq!(
            Money::from_cents(i64::MAX).checked_add(Money::from_cents(1)),
            None
        );
        assert_eq!(
            Money::from_cents(i64::MIN).checked_sub(Money::from_cents(1)),
            None
        );
        assert_eq!(
            Money::from_cents(150).checked_sub(Money::from_cents(200)),
            Some(Money::from_cents(-50))
        );
    }

    #[test]
    fn multiplies_by_units_and_refuses_overflow() {
        assert_eq!(
            Money::from_cents(1_250).checked_mul(3),
            Some(Money::from_cents(3_750))
        );
        assert_eq!(Money::from_cents(i64::MAX).checked_mul(2), None);
        assert_eq!(Money::from_cents(-5).checked_mul(0), Some(Money::ZERO));
    }

    #[test]
    fn serializes_as_integer_cents() {
        let json = serde_json::to_string(&Money::from_cents(12_345)).unwrap();
        assert_eq!(json, "12345");
        let back: Money = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Money::from_cents(12_345));
        assert!(serde_json::from_str::<Money>("12.5").is_err());
    }

    proptest! {
        #[test]
        fn percent_is_within_half_a_cent(cents in -10_000_000_000i64..10_000_000_000, bp in 0u32..=10_000) {
            let got = Money::from_cents(cents).percent_bp(bp).unwrap();
            let exact = i128::from(cents) * i128::from(bp);
            let diff = (i128::from(got.cents()) * 10_000 - exact).abs();
            prop_assert!(diff <= 5_000);
        }
    }
}
