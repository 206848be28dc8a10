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

    /// Reads a dollar amount such as `1234.56`, `$1,234.5` or `.47` exactly into cents (never via
    /// a float); blank is `None`. More than two decimals are refused unless the extra ones are
    /// zero, and so are signs: fee schedules and price lists hold no negative amounts.
    pub fn parse_dollars(text: &str) -> Result<Option<Money>, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let refuse = || format!("{text:?} is not an amount in dollars and cents.");
        let digits = text.strip_prefix('$').unwrap_or(text);
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let whole: String = whole.chars().filter(|&c| c != ',').collect();
        if (whole.is_empty() && fraction.is_empty())
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
            || fraction.bytes().skip(2).any(|b| b != b'0')
        {
            return Err(refuse());
        }
        let mut cents: i64 = 0;
        let fraction = fraction.as_bytes();
        let cent_digits = [fraction.first().copied(), fraction.get(1).copied()];
        for digit in whole
            .bytes()
            .chain(cent_digits.into_iter().map(|d| d.unwrap_or(b'0')))
        {
            cents = cents
                .checked_mul(10)
                .and_then(|c| c.checked_add(i64::from(digit - b'0')))
                .ok_or_else(refuse)?;
        }
        Ok(Some(Money(cents)))
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
        let cents = |text: &str| Money::parse_dollars(text).unwrap().map(Money::cents);
        assert_eq!(cents("425"), Some(42_500));
        assert_eq!(cents("$1,425.5"), Some(142_550));
        assert_eq!(cents("0.07"), Some(7));
        assert_eq!(cents(""), None);
        for bad in ["-1", "1.234", "abc", "."] {
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
    fn money_is_read_exactly() {
        let cents = |text: &str| Money::parse_dollars(text).unwrap().map(Money::cents);
        assert_eq!(cents("1234.56"), Some(123_456));
        assert_eq!(cents("$1,234.5"), Some(123_450));
        assert_eq!(cents(".47"), Some(47));
        assert_eq!(cents("12"), Some(1_200));
        assert_eq!(cents("0.10"), Some(10));
        assert_eq!(cents("19.990"), Some(1_999));
        assert_eq!(cents(" "), None);
        for bad in [
            "1.234",
            "-5.00",
            "abc",
            ".",
            "$",
            "1.2.3",
            "1e3",
            "92233720368547758.08",
        ] {
            assert!(
                Money::parse_dollars(bad).is_err(),
                "{bad:?} should be refused"
            );
        }
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
