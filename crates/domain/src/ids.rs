//! One newtype per entity id so that swapping a `PatientId` for a `PrescriberId` does not compile.
//! Ids are UUIDv7: time-ordered, so new rows land at the end of B-tree indexes.

use std::fmt;
use std::str::FromStr;

/// Declares an id newtype around a UUIDv7.
macro_rules! entity_id {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(uuid::Uuid);

        impl $name {
            /// A new, time-ordered id.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7())
            }
            /// Wraps an id read from storage.
            pub fn from_uuid(id: uuid::Uuid) -> Self {
                Self(id)
            }
            /// The underlying UUID, for storage.
            pub fn as_uuid(&self) -> uuid::Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map(Self)
            }
        }
    )+};
}

entity_id!(
    /// A supplier location (branch or warehouse).
    LocationId,
    /// A staff user.
    UserId,
    /// A patient (Medicare beneficiary or other insured person).
    PatientId,
    /// A payer (Medicare DME MAC, Medicaid, commercial insurer).
    PayerId,
    /// A plan offered by a payer.
    PlanId,
    /// A patient's insurance coverage.
    CoverageId,
    /// An ordering / treating practitioner.
    PrescriberId,
    /// A practice, hospital or other source of referrals.
    ReferralSourceId,
    /// An API bearer token.
    ApiTokenId,
    /// A product in the supplier's catalog.
    ProductId,
    /// A physician's order for a patient.
    OrderId,
    /// A stored document (order, notes, study, decision letter).
    DocumentId,
    /// A prior-authorization request.
    PriorAuthId,
    /// A serialized unit of equipment.
    AssetId,
    /// A vendor the supplier buys from.
    VendorId,
    /// A purchase order to a vendor.
    PurchaseOrderId,
    /// A recall campaign.
    RecallId,
    /// How a payer (or one of its plans) prices a HCPCS code: kind and month bands.
    PriceOptionId,
    /// A delivery ticket: one trip that hands an order's items to the patient.
    DeliveryTicketId,
    /// A background job.
    JobId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text_and_are_time_ordered() {
        let first = PatientId::new();
        let second = PatientId::new();
        assert!(first < second, "UUIDv7 ids sort by creation time");
        assert_eq!(first.to_string().parse::<PatientId>().unwrap(), first);
        assert!("not-a-uuid".parse::<PatientId>().is_err());
    }
}
