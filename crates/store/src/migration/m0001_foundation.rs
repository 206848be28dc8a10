//! The foundation: supplier and locations, users, sessions and API tokens, the audit chain,
//! payers and plans, prescribers and referral sources, patients and their coverages.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{address_columns, fk, index, search_key};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0001_foundation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();

        manager
            .create_table(
                Table::create()
                    .table("supplier")
                    .col(pk_uuid("id"))
                    .col(string("name"))
                    .col(string_len("npi", 10))
                    .col(string_len("phone", 10))
                    .take(),
            )
            .await?;
        let mut locations = Table::create()
            .table("locations")
            .col(pk_uuid("id"))
            .col(string("name"))
            .col(string_len("phone", 10))
            .take();
        address_columns(&mut locations);
        manager.create_table(locations).await?;

        manager
            .create_table(
                Table::create()
                    .table("users")
                    .col(pk_uuid("id"))
                    .col(string_uniq("username"))
                    .col(string("display_name"))
                    .col(string("role"))
                    .col(string("password_hash"))
                    .col(integer("failed_logins").default(0))
                    .col(timestamp_with_time_zone_null("locked_until"))
                    .col(boolean("active").default(true))
                    .col(timestamp_with_time_zone("created_at"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("sessions")
                    .col(string("token_hash").primary_key())
                    .col(uuid("user_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("last_seen_at"))
                    .foreign_key(&mut fk(("sessions", "user_id"), ("users", "id")))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("api_tokens")
                    .col(pk_uuid("id"))
                    .col(uuid("user_id"))
                    .col(string("name"))
                    .col(string_uniq("token_hash"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("last_used_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .foreign_key(&mut fk(("api_tokens", "user_id"), ("users", "id")))
                    .take(),
            )
            .await?;

        // The audit chain: `audit_head` holds the last sequence number and hash; appending
        // updates it first, which serialises appenders on both backends. Each event keeps the
        // patients it names inline; `audit_event_patients` is the per-patient index of them,
        // filled in sorted bulk up to `indexed_seq` (see `audit::index_pending`).
        manager
            .create_table(
                Table::create()
                    .table("audit_head")
                    .col(integer("id").primary_key())
                    .col(big_integer("last_seq"))
                    .col(string("last_hash"))
                    .col(big_integer("indexed_seq"))
                    .take(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table("audit_head")
                    .columns(["id", "last_seq", "last_hash", "indexed_seq"])
                    .values_panic([
                        1.into(),
                        0i64.into(),
                        crate::audit::GENESIS_HASH.into(),
                        0i64.into(),
                    ])
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("audit_events")
                    .col(big_integer("seq").primary_key())
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(uuid_null("actor_user_id"))
                    .col(string("actor_name"))
                    .col(string("actor_role"))
                    .col(string("action"))
                    .col(string("entity_type"))
                    .col(string_null("entity_id"))
                    .col(text("detail"))
                    .col(string("source"))
                    .col(text("patients"))
                    .col(string("prev_hash"))
                    .col(string("hash"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("audit_event_patients")
                    .col(uuid("patient_id"))
                    .col(big_integer("seq"))
                    .primary_key(Index::create().col("patient_id").col("seq"))
                    .foreign_key(&mut fk(
                        ("audit_event_patients", "seq"),
                        ("audit_events", "seq"),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "audit_events",
                "audit_events_occurred_at",
                &["occurred_at"],
            ))
            .await?;
        manager
            .create_index(index(
                "audit_events",
                "audit_events_actor",
                &["actor_name", "seq"],
            ))
            .await?;
        manager
            .create_index(index(
                "audit_event_patients",
                "audit_event_patients_seq",
                &["seq"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("payers")
                    .col(pk_uuid("id"))
                    .col(string("name"))
                    .col(string("kind"))
                    .col(string("edi_payer_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("plans")
                    .col(pk_uuid("id"))
                    .col(uuid("payer_id"))
                    .col(string("name"))
                    .col(string("plan_type"))
                    .foreign_key(&mut fk(("plans", "payer_id"), ("payers", "id")))
                    .take(),
            )
            .await?;

        let mut prescribers = Table::create()
            .table("prescribers")
            .col(pk_uuid("id"))
            .col(string_len_uniq("npi", 10))
            .col(string("given_name"))
            .col(string("family_name"))
            .col(string_null("credentials"))
            .col(string_null("taxonomy_code"))
            .col(string_null("specialty"))
            .col(string_len_null("phone", 10))
            .col(string_len_null("fax", 10))
            .col(boolean("pecos_enrolled"))
            .col(search_key("family_key", backend))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .take();
        address_columns(&mut prescribers);
        manager.create_table(prescribers).await?;
        manager
            .create_index(index(
                "prescribers",
                "prescribers_family_key",
                &["family_key"],
            ))
            .await?;

        let mut sources = Table::create()
            .table("referral_sources")
            .col(pk_uuid("id"))
            .col(string("name"))
            .col(string("kind"))
            .col(string_len_null("phone", 10))
            .col(string_len_null("fax", 10))
            .col(search_key("name_key", backend))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .take();
        address_columns(&mut sources);
        manager.create_table(sources).await?;
        manager
            .create_index(index(
                "referral_sources",
                "referral_sources_name_key",
                &["name_key"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("referral_source_prescribers")
                    .col(uuid("referral_source_id"))
                    .col(uuid("prescriber_id"))
                    .primary_key(
                        Index::create()
                            .col("referral_source_id")
                            .col("prescriber_id"),
                    )
                    .foreign_key(&mut fk(
                        ("referral_source_prescribers", "referral_source_id"),
                        ("referral_sources", "id"),
                    ))
                    .foreign_key(&mut fk(
                        ("referral_source_prescribers", "prescriber_id"),
                        ("prescribers", "id"),
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("patients")
                    .col(pk_uuid("id"))
                    .col(string("family_name"))
                    .col(string("given_name"))
                    .col(string_null("middle_name"))
                    .col(search_key("family_key", backend))
                    .col(search_key("given_key", backend))
                    .col(date("birth_date"))
                    .col(string("sex"))
                    .col(string_len_null("mbi", 11))
                    .col(string_null("email"))
                    .col(string("preferred_contact"))
                    .col(string_null("emergency_name"))
                    .col(string_null("emergency_relationship"))
                    .col(string_len_null("emergency_phone", 10))
                    .col(date_null("death_date"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .take(),
            )
            .await?;
        for (name, cols) in [
            // Matches the search's ORDER BY, so a name search reads one index range in order.
            (
                "patients_family_given",
                &["family_key", "given_key", "id"][..],
            ),
            ("patients_birth_date", &["birth_date"][..]),
            ("patients_mbi", &["mbi"][..]),
        ] {
            manager.create_index(index("patients", name, cols)).await?;
        }
        let mut addresses = Table::create()
            .table("patient_addresses")
            .col(uuid("patient_id"))
            .col(string("kind"))
            .primary_key(Index::create().col("patient_id").col("kind"))
            .foreign_key(&mut fk(
                ("patient_addresses", "patient_id"),
                ("patients", "id"),
            ))
            .take();
        address_columns(&mut addresses);
        manager.create_table(addresses).await?;
        manager
            .create_table(
                Table::create()
                    .table("patient_phones")
                    .col(uuid("patient_id"))
                    .col(string("kind"))
                    .col(string_len("number", 10))
                    .primary_key(Index::create().col("patient_id").col("kind"))
                    .foreign_key(&mut fk(
                        ("patient_phones", "patient_id"),
                        ("patients", "id"),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "patient_phones",
                "patient_phones_number",
                &["number"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("patient_diagnoses")
                    .col(uuid("patient_id"))
                    .col(string_len("code", 7))
                    .col(string_null("description"))
                    .col(timestamp_with_time_zone("added_at"))
                    .primary_key(Index::create().col("patient_id").col("code"))
                    .foreign_key(&mut fk(
                        ("patient_diagnoses", "patient_id"),
                        ("patients", "id"),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("coverages")
                    .col(pk_uuid("id"))
                    .col(uuid("patient_id"))
                    .col(uuid("payer_id"))
                    .col(uuid_null("plan_id"))
                    .col(string("member_id"))
                    .col(string_null("group_number"))
                    .col(string("relationship"))
                    .col(string_null("subscriber_name"))
                    .col(string("priority"))
                    .col(date("effective_date"))
                    .col(date_null("termination_date"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(("coverages", "patient_id"), ("patients", "id")))
                    .foreign_key(&mut fk(("coverages", "payer_id"), ("payers", "id")))
                    .foreign_key(&mut fk(("coverages", "plan_id"), ("plans", "id")))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("coverages", "coverages_patient", &["patient_id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // Patient records are retained for years; there is no automatic way back.
        Err(DbErr::Migration(
            "m0001_foundation cannot be reverted: it would delete patient records".into(),
        ))
    }
}
