//! The status of an order and the moves between statuses, as a pure state machine
//! (docs/order-states.md): `OrderStatus::apply` returns the next status or a refusal with a
//! stable code and one plain sentence. The application stores the status and the history entry in
//! the same transaction.
//!
//! | from | move | to |
//! |---|---|---|
//! | new, hold, ready | checked | ready when nothing blocks it, else hold |
//! | hold | release | ready |
//! | ready | schedule | scheduled |
//! | scheduled | unschedule | ready |
//! | scheduled | deliver | delivered |
//! | new, hold, ready, scheduled | cancel | cancelled |

use serde::Serialize;

use crate::codes::CodeError;

/// Where an order stands, as people in DME offices know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Taken, not yet checked.
    New,
    /// Waiting for documentation or a decision (the unmet requirements are on its history).
    Hold,
    /// Documented: may be scheduled for delivery.
    Ready,
    /// A delivery is planned.
    Scheduled,
    /// Delivered to the patient (terminal).
    Delivered,
    /// Cancelled with a written reason (terminal).
    Cancelled,
}

/// A move of an order's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderMove {
    /// The documentation check ran after the order or something beside it changed.
    Checked {
        /// Whether nothing blocks the order any more.
        ready: bool,
    },
    /// A permitted user releases a held order over its unmet requirements.
    Release,
    /// A delivery is planned.
    Schedule,
    /// The planned delivery was called off.
    Unschedule,
    /// The equipment reached the patient.
    Deliver,
    /// The order will not be filled.
    Cancel,
}

/// A refused move: a stable code and what to do, in one sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct OrderRefusal {
    /// Stable code, never reused for another reason.
    pub code: &'static str,
    /// The sentence shown to the person.
    pub message: &'static str,
}

impl std::fmt::Display for OrderRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message)
    }
}

/// An order that can no longer be changed.
pub const CHANGE_CLOSED: OrderRefusal = OrderRefusal {
    code: "CHANGE-CLOSED",
    message: "Only new, held or ready orders can be changed; this one is scheduled, delivered or cancelled.",
};
/// Release of an order that is not on hold.
pub const RELEASE_NOT_HELD: OrderRefusal = OrderRefusal {
    code: "RELEASE-NOT-HELD",
    message: "Only an order on hold can be released.",
};
/// Scheduling before the order is ready.
pub const SCHEDULE_NOT_READY: OrderRefusal = OrderRefusal {
    code: "SCHEDULE-NOT-READY",
    message: "Only a ready order can be scheduled for delivery: resolve its hold first.",
};
/// Unscheduling an order that has no planned delivery.
pub const UNSCHEDULE_NOT_SCHEDULED: OrderRefusal = OrderRefusal {
    code: "UNSCHEDULE-NOT-SCHEDULED",
    message: "Only a scheduled order can have its delivery called off.",
};
/// Delivering without a planned delivery.
pub const DELIVER_NOT_READY: OrderRefusal = OrderRefusal {
    code: "DELIVER-NOT-READY",
    message: "Only a Ready order can be delivered: its documentation must be complete first.",
};
/// Cancelling a delivered or cancelled order.
pub const CANCEL_CLOSED: OrderRefusal = OrderRefusal {
    code: "CANCEL-CLOSED",
    message: "A delivered or cancelled order can no longer be cancelled.",
};

/// Every refusal the machine returns.
pub const REFUSALS: [OrderRefusal; 6] = [
    CHANGE_CLOSED,
    RELEASE_NOT_HELD,
    SCHEDULE_NOT_READY,
    UNSCHEDULE_NOT_SCHEDULED,
    DELIVER_NOT_READY,
    CANCEL_CLOSED,
];

impl OrderStatus {
    /// Every status, in the order an order passes them.
    pub const ALL: [OrderStatus; 6] = [
        OrderStatus::New,
        OrderStatus::Hold,
        OrderStatus::Ready,
        OrderStatus::Scheduled,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::New => "new",
            OrderStatus::Hold => "hold",
            OrderStatus::Ready => "ready",
            OrderStatus::Scheduled => "scheduled",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    /// Reads a stored name strictly: an unknown name is an error, never a default.
    pub fn parse(stored: &str) -> Result<OrderStatus, CodeError> {
        OrderStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == stored)
            .ok_or_else(|| CodeError(format!("unknown order status {stored:?}")))
    }

    /// Whether intake still works on the order (documentation may still arrive).
    pub fn awaits_documentation(self) -> bool {
        matches!(self, OrderStatus::New | OrderStatus::Hold)
    }

    /// The status `change` leads to, or why it is refused.
    pub fn apply(self, change: OrderMove) -> Result<OrderStatus, OrderRefusal> {
        use OrderMove as M;
        use OrderStatus as S;
        match (change, self) {
            (M::Checked { ready }, S::New | S::Hold | S::Ready) => {
                Ok(if ready { S::Ready } else { S::Hold })
            }
            (M::Checked { .. }, _) => Err(CHANGE_CLOSED),
            (M::Release, S::Hold) => Ok(S::Ready),
            (M::Release, _) => Err(RELEASE_NOT_HELD),
            (M::Schedule, S::Ready) => Ok(S::Scheduled),
            (M::Schedule, _) => Err(SCHEDULE_NOT_READY),
            (M::Unschedule, S::Scheduled) => Ok(S::Ready),
            (M::Unschedule, _) => Err(UNSCHEDULE_NOT_SCHEDULED),
            (M::Deliver, S::Ready | S::Scheduled) => Ok(S::Delivered),
            (M::Deliver, _) => Err(DELIVER_NOT_READY),
            (M::Cancel, S::Delivered | S::Cancelled) => Err(CANCEL_CLOSED),
            (M::Cancel, _) => Ok(S::Cancelled),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderMove as M;
    use OrderStatus as S;

    const MOVES: [(OrderMove, &str); 7] = [
        (M::Checked { ready: true }, "checked, nothing blocks"),
        (M::Checked { ready: false }, "checked, something blocks"),
        (M::Release, "release"),
        (M::Schedule, "schedule"),
        (M::Unschedule, "unschedule"),
        (M::Deliver, "deliver"),
        (M::Cancel, "cancel"),
    ];

    /// Every legal move, written out; everything else is refused.
    const LEGAL: [(OrderStatus, OrderMove, OrderStatus); 15] = [
        (S::New, M::Checked { ready: true }, S::Ready),
        (S::New, M::Checked { ready: false }, S::Hold),
        (S::Hold, M::Checked { ready: true }, S::Ready),
        (S::Hold, M::Checked { ready: false }, S::Hold),
        (S::Ready, M::Checked { ready: true }, S::Ready),
        (S::Ready, M::Checked { ready: false }, S::Hold),
        (S::Hold, M::Release, S::Ready),
        (S::Ready, M::Schedule, S::Scheduled),
        (S::Scheduled, M::Unschedule, S::Ready),
        (S::Ready, M::Deliver, S::Delivered),
        (S::Scheduled, M::Deliver, S::Delivered),
        (S::New, M::Cancel, S::Cancelled),
        (S::Hold, M::Cancel, S::Cancelled),
        (S::Ready, M::Cancel, S::Cancelled),
        (S::Scheduled, M::Cancel, S::Cancelled),
    ];

    /// The refusal each kind of move gives when it is not legal.
    fn refusal_for(change: OrderMove) -> OrderRefusal {
        match change {
            M::Checked { .. } => CHANGE_CLOSED,
            M::Release => RELEASE_NOT_HELD,
            M::Schedule => SCHEDULE_NOT_READY,
            M::Unschedule => UNSCHEDULE_NOT_SCHEDULED,
            M::Deliver => DELIVER_NOT_READY,
            M::Cancel => CANCEL_CLOSED,
        }
    }

    #[test]
    fn every_move_from_every_status_is_legal_or_refused_with_its_reason() {
        for status in S::ALL {
            for (change, _) in MOVES {
                let legal = LEGAL
                    .iter()
                    .find(|(from, m, _)| *from == status && *m == change)
                    .map(|(_, _, to)| *to);
                let expected = legal.ok_or_else(|| refusal_for(change));
                assert_eq!(status.apply(change), expected, "{status:?} {change:?}");
            }
        }
        for refusal in REFUSALS {
            assert!(
                S::ALL
                    .iter()
                    .any(|s| MOVES.iter().any(|(m, _)| s.apply(*m) == Err(refusal))),
                "{} is never returned",
                refusal.code
            );
        }
    }

    #[test]
    fn the_documented_table_is_the_machine() {
        let page = include_str!("../../../docs/order-states.md");
        let mut documented = Vec::new();
        // Transition rows are the ones with three code cells.
        for row in page
            .lines()
            .filter(|l| l.starts_with("| `") && l.matches('`').count() == 6)
        {
            let cells: Vec<&str> = row.split('|').map(|c| c.trim().trim_matches('`')).collect();
            documented.push((
                cells[1].to_owned(),
                cells[2].to_owned(),
                cells[3].to_owned(),
            ));
        }
        let mut legal: Vec<(String, String, String)> = LEGAL
            .iter()
            .map(|(from, change, to)| {
                let name = MOVES.iter().find(|(m, _)| m == change).map(|(_, n)| *n);
                (
                    from.as_str().into(),
                    name.unwrap_or("").into(),
                    to.as_str().into(),
                )
            })
            .collect();
        documented.sort();
        legal.sort();
        assert_eq!(documented, legal);
        for refusal in REFUSALS {
            let row = format!("| `{}` | {} |", refusal.code, refusal.message);
            assert!(page.contains(&row), "docs/order-states.md lacks {row}");
        }
    }

    #[test]
    fn stored_names_read_back_strictly() {
        for status in S::ALL {
            assert_eq!(S::parse(status.as_str()), Ok(status));
        }
        assert!(S::parse("Ready").is_err());
        assert!(S::parse("").is_err());
        assert!(S::parse("shipped").is_err());
    }
}
