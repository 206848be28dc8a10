//! A counted quantity of stock: a whole number of units, never zero or negative, so a movement
//! that could drive on-hand the wrong way cannot be built.

use serde::{Deserialize, Serialize};

use crate::codes::CodeError;

/// A positive whole number of units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u32")]
pub struct Quantity(u32);

impl Quantity {
    /// A quantity from a typed number: refuses zero, negatives and absurdly large counts.
    pub fn new(units: i64) -> Result<Self, CodeError> {
        match u32::try_from(units) {
            Ok(0) => Err(CodeError("Enter a quantity of at least 1.".into())),
            Ok(units) => Ok(Self(units)),
            Err(_) if units < 0 => Err(CodeError(
                "A quantity cannot be negative: enter the number of units.".into(),
            )),
            Err(_) => Err(CodeError(format!("A quantity is at most {}.", u32::MAX))),
        }
    }

    /// The number of units.
    pub const fn units(self) -> u32 {
        self.0
    }

    /// The number of units as a ledger delta.
    pub fn signed(self) -> i64 {
        i64::from(self.0)
    }
}

impl TryFrom<i64> for Quantity {
    type Error = CodeError;
    fn try_from(units: i64) -> Result<Self, Self::Error> {
        Self::new(units)
    }
}

impl From<Quantity> for u32 {
    fn from(quantity: Quantity) -> Self {
        quantity.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_positive_whole_numbers_are_quantities() {
        assert_eq!(Quantity::new(3).map(Quantity::units), Ok(3));
        assert!(Quantity::new(0).is_err());
        assert!(
            Quantity::new(-2)
                .unwrap_err()
                .0
                .contains("cannot be negative")
        );
        assert!(Quantity::new(i64::from(u32::MAX) + 1).is_err());
        assert!(serde_json::from_str::<Quantity>("-1").is_err());
        assert_eq!(
            serde_json::to_string(&Quantity::new(7).unwrap()).unwrap(),
            "7"
        );
    }
}
