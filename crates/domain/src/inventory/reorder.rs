//! The suggested-order list: stock lines below their reorder point.
//!
//! **Rule.** A product at a location is suggested when its position (on hand plus still on open
//! purchase orders) is below the reorder point. Counting what is on order keeps a product that is
//! already coming from being ordered twice. The suggested quantity is the smallest multiple of
//! the reorder quantity that lifts the position back to at least the reorder point: usually one
//! reorder quantity, more after a large issue.

use serde::{Deserialize, Serialize};

use super::quantity::Quantity;
use super::stock::OnHand;
use crate::ids::{LocationId, ProductId};

/// When and how much to reorder one product at one location.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReorderRule {
    /// Where.
    pub location: LocationId,
    /// What.
    pub product: ProductId,
    /// Reorder when the position falls below this.
    pub reorder_point: u32,
    /// The usual order size (a case, a pallet).
    pub reorder_quantity: Quantity,
}

/// One line of the suggested-order list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Suggestion {
    /// The rule that fired.
    pub rule: ReorderRule,
    /// On hand now, all lots together.
    pub on_hand: i64,
    /// Still to arrive on open purchase orders.
    pub on_order: u32,
    /// How many to order.
    pub quantity: u64,
}

/// The suggestion for one rule, if its position is below the reorder point.
pub fn suggest(rule: ReorderRule, on_hand: i64, on_order: u32) -> Option<Suggestion> {
    let position = on_hand.saturating_add(i64::from(on_order));
    let short = i64::from(rule.reorder_point).saturating_sub(position);
    // `short` > 0 here, so the conversion cannot fail; 0 would mean "not short" anyway.
    let short = u64::try_from(short).ok().filter(|short| *short > 0)?;
    let batch = u64::from(rule.reorder_quantity.units());
    Some(Suggestion {
        rule,
        on_hand,
        on_order,
        quantity: short.div_ceil(batch).saturating_mul(batch),
    })
}

/// The suggested-order list for every rule, in rule order.
pub fn suggested_orders(
    rules: &[ReorderRule],
    on_hand: &OnHand,
    on_order: impl Fn(LocationId, ProductId) -> u32,
) -> Vec<Suggestion> {
    rules
        .iter()
        .filter_map(|rule| {
            suggest(
                *rule,
                on_hand.of_product(rule.location, rule.product),
                on_order(rule.location, rule.product),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(point: u32, quantity: i64) -> ReorderRule {
        ReorderRule {
            location: LocationId::new(),
            product: ProductId::new(),
            reorder_point: point,
            reorder_quantity: Quantity::new(quantity).unwrap(),
        }
    }

    #[test]
    fn below_the_point_orders_whole_batches_up_to_the_point() {
        let rule = rule(10, 12);
        assert_eq!(suggest(rule, 10, 0), None, "at the point is not below it");
        assert_eq!(suggest(rule, 9, 0).map(|s| s.quantity), Some(12));
        assert_eq!(suggest(rule, 0, 0).map(|s| s.quantity), Some(12));
        assert_eq!(suggest(rule, 2, 5).map(|s| s.quantity), Some(12));
        assert_eq!(suggest(rule, 4, 6), None, "what is on order counts");
        let small_batches = super::tests::rule(30, 4);
        assert_eq!(suggest(small_batches, 3, 0).map(|s| s.quantity), Some(28));
    }

    #[test]
    fn the_list_reads_on_hand_from_the_ledger() {
        let rules = [rule(5, 10), rule(0, 1)];
        let list = suggested_orders(&rules, &OnHand::new(), |_, _| 0);
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].rule, rules[0]);
        assert_eq!(list[0].quantity, 10);
    }
}
