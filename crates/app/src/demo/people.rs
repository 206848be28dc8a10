//! Generating the demo patients: who lives where, their cohort (Medicare, disability, commercial)
//! and the rows of each patient and coverage.

use super::*;

/// The outline of one patient.
#[derive(Clone, Copy, Debug)]
pub(super) struct Outline {
    /// Index in `US_STATES`.
    pub(super) state: usize,
    pub(super) cohort: Cohort,
    pub(super) secondary: Option<Secondary>,
}

/// Outlines `scale` patients: the first 56 one per state and territory, so every one appears,
/// the rest by weight. The one Medicaid payer is Ohio's, so only Ohioans are dual eligible;
/// other Medicare patients' secondary is a Medigap plan.
pub(super) fn outline(rng: &mut StdRng, scale: u32, tables: &Tables) -> AppResult<Vec<Outline>> {
    let by_weight = WeightedIndex::new(tables.places.iter().map(|p| p.weight)).map_err(internal)?;
    let ohio = US_STATES.iter().position(|s| *s == MEDICAID_STATE);
    Ok((0..scale as usize)
        .map(|i| {
            let state = if i < US_STATES.len() {
                i
            } else {
                by_weight.sample(rng)
            };
            let cohort = match rng.random_range(0..100) {
                0..80 => Cohort::Aged,
                80..86 => Cohort::Disabled,
                _ => Cohort::Commercial,
            };
            let secondary = (cohort != Cohort::Commercial && rng.random_bool(0.2)).then(|| {
                if Some(state) == ohio && rng.random_bool(0.5) {
                    Secondary::Medicaid
                } else {
                    Secondary::Medigap
                }
            });
            Outline {
                state,
                cohort,
                secondary,
            }
        })
        .collect())
}

/// One batch of patients and their coverages.
pub(super) type Batch = (Vec<PatientRecord>, Vec<Coverage>);

/// Fills in outlined patients.
pub(super) struct Generator<'a> {
    pub(super) rng: StdRng,
    pub(super) tables: &'a Tables,
    pub(super) payers: &'a PayerIds,
    pub(super) now: OffsetDateTime,
    pub(super) today: Date,
    /// MBIs handed out so far: each beneficiary has their own.
    pub(super) mbis: HashSet<String>,
}

/// Letters an MBI may contain (CMS leaves out S, L, O, I, B and Z).
pub(super) const MBI_LETTERS: &[u8; 20] = b"ACDEFGHJKMNPQRTUVWXY";

/// One of `items`, which the tables guarantee is not empty.
pub(super) fn pick<'t, T>(rng: &mut StdRng, items: &'t [T]) -> &'t T {
    &items[rng.random_range(0..items.len())]
}

/// A day from `from` to `to`, both included (`from` when the range is empty).
pub(super) fn day_between(rng: &mut StdRng, from: Date, to: Date) -> Date {
    let span = (to - from).whole_days().max(0);
    from.saturating_add(Duration::days(rng.random_range(0..=span)))
}

/// 1 January (`last` false) or 31 December (`last` true) of `year`.
pub(super) fn year_end(year: i32, last: bool) -> AppResult<Date> {
    let (month, day) = if last {
        (Month::December, 31)
    } else {
        (Month::January, 1)
    };
    Date::from_calendar_date(year, month, day).map_err(internal)
}

/// The first day of `date`'s month.
pub(super) fn first_of_month(date: Date) -> AppResult<Date> {
    date.replace_day(1).map_err(internal)
}

/// The lower-case ASCII letters and digits of a name, for e-mail addresses.
pub(super) fn ascii_key(name: &str) -> String {
    name_key(name)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

impl Generator<'_> {
    /// The patients of `outlines` with their coverages.
    pub(super) fn batch(&mut self, outlines: &[Outline]) -> AppResult<Batch> {
        let mut records = Vec::with_capacity(outlines.len());
        let mut coverages = Vec::with_capacity(outlines.len() + outlines.len() / 4);
        for outline in outlines {
            let record = self.patient(outline)?;
            self.coverages(outline, &record.patient, &mut coverages)?;
            records.push(record);
        }
        Ok((records, coverages))
    }

    /// A fresh MBI in the CMS format, never handed out before.
    pub(super) fn mbi(&mut self) -> AppResult<String> {
        loop {
            let text: String = b"CAMNAMNAANN"
                .iter()
                .map(|kind| {
                    let letter = |rng: &mut StdRng| char::from(*pick(rng, MBI_LETTERS));
                    let digit =
                        |rng: &mut StdRng, low: u8| char::from(rng.random_range(low..=b'9'));
                    match kind {
                        b'C' => digit(&mut self.rng, b'1'),
                        b'N' => digit(&mut self.rng, b'0'),
                        b'A' => letter(&mut self.rng),
                        _ if self.rng.random_bool(0.5) => digit(&mut self.rng, b'0'),
                        _ => letter(&mut self.rng),
                    }
                })
                .collect();
            let mbi = Mbi::parse(&text).map_err(internal)?.as_str().to_owned();
            if self.mbis.insert(mbi.clone()) {
                return Ok(mbi);
            }
        }
    }

    /// A street address line: "4821 Maple Ave".
    pub(super) fn street(&mut self) -> String {
        let t = self.tables;
        format!(
            "{} {} {}",
            self.rng.random_range(100..10_000),
            pick(&mut self.rng, &t.streets),
            pick(&mut self.rng, &t.suffixes)
        )
    }

    /// An address in a random city of `place` (in `state`), with the city's area code.
    pub(super) fn address(
        &mut self,
        patient_id: Uuid,
        kind: AddressKind,
        place: &Place,
        state: &str,
    ) -> AppResult<(Address, &'static str)> {
        let city = pick(&mut self.rng, &place.cities);
        let line2 = match self.rng.random_range(0..100) {
            0..6 => {
                let floor = self.rng.random_range(1..30);
                Some(format!(
                    "Apt {floor}{}",
                    char::from(*pick(&mut self.rng, b"ABCD"))
                ))
            }
            6..10 => Some(format!("Unit {}", self.rng.random_range(1..250))),
            10..12 => Some(format!("Lot {}", self.rng.random_range(1..120))),
            _ => None,
        };
        let address = Address {
            patient_id,
            kind: kind.as_str().to_owned(),
            line1: self.street(),
            line2,
            city: city.name.to_owned(),
            state: state.to_owned(),
            postal_code: zip(&format!(
                "{:05}",
                city.first_zip + self.rng.random_range(0..city.zips)
            ))?,
        };
        Ok((address, city.area_code))
    }

    /// A phone number in `area`.
    pub(super) fn phone(&mut self, area: &str) -> AppResult<String> {
        phone(area, self.rng.random_range(0..100))
    }

    /// A full name for a relative or subscriber, often sharing the patient's family name.
    pub(super) fn relative(&mut self, family_name: &str) -> String {
        let t = self.tables;
        let names = if self.rng.random_bool(0.5) {
            &t.female
        } else {
            &t.male
        };
        let given = pick(&mut self.rng, names);
        let family = if self.rng.random_bool(0.7) {
            family_name
        } else {
            pick(&mut self.rng, &t.family)
        };
        format!("{given} {family}")
    }

    /// One patient with addresses, phones and diagnoses.
    pub(super) fn patient(&mut self, outline: &Outline) -> AppResult<PatientRecord> {
        let t = self.tables;
        let id = PatientId::new().as_uuid();
        let place = t
            .places
            .get(outline.state)
            .ok_or_else(|| internal("a state outside the table"))?;
        let state = US_STATES
            .get(outline.state)
            .ok_or_else(|| internal("a state outside the table"))?;
        let sex = match self.rng.random_range(0..1000) {
            0..3 => Sex::Unknown,
            3..560 => Sex::Female,
            _ => Sex::Male,
        };
        let given_names = match sex {
            Sex::Female => &t.female,
            Sex::Male => &t.male,
            Sex::Unknown if self.rng.random_bool(0.5) => &t.female,
            Sex::Unknown => &t.male,
        };
        let given_name = (*pick(&mut self.rng, given_names)).to_owned();
        let family_name = (*pick(&mut self.rng, &t.family)).to_owned();
        let middle_name = match self.rng.random_range(0..10) {
            0..4 => None,
            4..7 => Some((*pick(&mut self.rng, given_names)).to_owned()),
            _ => Some(char::from(self.rng.random_range(b'A'..=b'Z')).to_string()),
        };
        let year = self.today.year();
        let (born_from, born_to) = match outline.cohort {
            Cohort::Aged => (year - 96, year - 66),
            Cohort::Disabled => (year - 64, year - 30),
            Cohort::Commercial => (year - 64, year - 19),
        };
        let birth_date = day_between(
            &mut self.rng,
            year_end(born_from, false)?,
            year_end(born_to, true)?,
        );
        // Only patients on Medicare for years die here, so every coverage starts before death.
        let death_date = (outline.cohort == Cohort::Aged
            && birth_date.year() <= year - 70
            && self.rng.random_bool(0.02))
        .then(|| {
            day_between(
                &mut self.rng,
                self.today - Duration::days(700),
                self.today - Duration::days(7),
            )
        });

        let (home, area) = self.address(id, AddressKind::Home, place, state)?;
        let mut addresses = vec![home];
        if self.rng.random_bool(0.15) {
            // Delivered to a relative's or caregiver's home elsewhere in the state.
            let (mut delivery, _) = self.address(id, AddressKind::Delivery, place, state)?;
            if delivery.line2.is_none() && self.rng.random_bool(0.5) {
                delivery.line2 = Some(format!("c/o {}", self.relative(&family_name)));
            }
            addresses.push(delivery);
        }

        let older = outline.cohort == Cohort::Aged;
        let mut phones = Vec::new();
        let phone_row = |kind: PhoneKind, number: String| PhoneNumber {
            patient_id: id,
            kind: kind.as_str().to_owned(),
            number,
        };
        let has_home = self.rng.random_bool(if older { 0.75 } else { 0.25 });
        let has_mobile = !has_home || self.rng.random_bool(if older { 0.6 } else { 0.95 });
        if has_home {
            phones.push(phone_row(PhoneKind::Home, self.phone(area)?));
        }
        if has_mobile {
            phones.push(phone_row(PhoneKind::Mobile, self.phone(area)?));
        }
        if !older && self.rng.random_bool(0.3) {
            phones.push(phone_row(PhoneKind::Work, self.phone(area)?));
        }

        let email = if self.rng.random_bool(if older { 0.3 } else { 0.75 }) {
            let given = ascii_key(&given_name);
            let local = format!(
                "{}.{}{}",
                if given.is_empty() {
                    "patient".into()
                } else {
                    given
                },
                ascii_key(&family_name),
                self.rng.random_range(1..100)
            );
            let domain = pick(&mut self.rng, &t.email_domains);
            Some(
                Email::parse(&format!("{local}@{domain}"))
                    .map_err(internal)?
                    .as_str()
                    .to_owned(),
            )
        } else {
            None
        };
        let preferred_contact = match self.rng.random_range(0..100) {
            0..15 if email.is_some() => PreferredContact::Email,
            15..40 if has_mobile => PreferredContact::Text,
            40..45 => PreferredContact::Mail,
            _ => PreferredContact::Phone,
        };
        let (emergency_name, emergency_relationship, emergency_phone) =
            if self.rng.random_bool(0.85) {
                (
                    Some(self.relative(&family_name)),
                    Some((*pick(&mut self.rng, &t.relationships)).to_owned()),
                    Some(self.phone(area)?),
                )
            } else {
                (None, None, None)
            };

        let first = t.first_diagnosis.sample(&mut self.rng);
        let mut chosen = vec![first];
        if t.diagnoses.get(first).is_some_and(|dx| dx.lung)
            && self.rng.random_bool(0.5)
            && let Some(o2) = t.diagnoses.iter().position(|d| d.code == OXYGEN_DEPENDENCE)
        {
            chosen.push(o2);
        }
        if self.rng.random_bool(0.4) {
            chosen.push(t.first_diagnosis.sample(&mut self.rng));
        }
        chosen.sort_unstable();
        chosen.dedup();
        let diagnoses = chosen
            .into_iter()
            .filter_map(|i| t.diagnoses.get(i))
            .map(|dx| Diagnosis {
                patient_id: id,
                code: dx.code.clone(),
                description: Some(dx.description.to_owned()),
                added_at: self.now,
            })
            .collect();

        let mbi = match outline.cohort {
            Cohort::Aged | Cohort::Disabled => Some(self.mbi()?),
            Cohort::Commercial => None,
        };
        Ok(PatientRecord {
            patient: Patient {
                id,
                family_key: name_key(&family_name),
                given_key: name_key(&given_name),
                family_name,
                given_name,
                middle_name,
                birth_date,
                sex: sex.as_str().to_owned(),
                mbi,
                email,
                preferred_contact: preferred_contact.as_str().to_owned(),
                emergency_name,
                emergency_relationship,
                emergency_phone,
                death_date,
                created_at: self.now,
                updated_at: self.now,
            },
            addresses,
            phones,
            diagnoses,
        })
    }

    /// The patient's coverages: Medicare (the DME MAC of their state, member id = MBI) with an
    /// optional Medicaid or Medigap secondary, or a commercial plan for those under 65.
    pub(super) fn coverages(
        &mut self,
        outline: &Outline,
        patient: &Patient,
        out: &mut Vec<Coverage>,
    ) -> AppResult<()> {
        let (payers, now) = (self.payers, self.now);
        let last_day = patient.death_date.unwrap_or(self.today);
        let coverage =
            |payer_id, plan_id, member_id, priority: CoveragePriority, effective_date| Coverage {
                id: CoverageId::new().as_uuid(),
                patient_id: patient.id,
                payer_id,
                plan_id: Some(plan_id),
                member_id,
                group_number: None,
                relationship: SubscriberRelationship::SelfInsured.as_str().to_owned(),
                subscriber_name: None,
                priority: priority.as_str().to_owned(),
                effective_date,
                termination_date: patient.death_date,
                created_at: now,
                updated_at: now,
            };
        let Some(mbi) = patient.mbi.clone() else {
            return self.commercial(patient, out);
        };
        let (payer, plan) = payers
            .mac_of_state
            .get(outline.state)
            .and_then(|mac| payers.macs.get(*mac))
            .copied()
            .ok_or_else(|| internal("a state without a DME MAC"))?;
        let born = patient.birth_date;
        let medicare_from = match outline.cohort {
            // Part B starts the month a person turns 65.
            Cohort::Aged => {
                Date::from_calendar_date(born.year() + 65, born.month(), 1).map_err(internal)?
            }
            // Disability benefits start after 24 months of disability, as an adult.
            _ => {
                let from =
                    year_end(born.year() + 25, false)?.max(self.today - Duration::days(12 * 365));
                first_of_month(day_between(
                    &mut self.rng,
                    from,
                    self.today - Duration::days(60),
                ))?
            }
        }
        .min(first_of_month(last_day)?);
        out.push(coverage(
            payer,
            plan,
            mbi,
            CoveragePriority::Primary,
            medicare_from,
        ));
        let Some(secondary) = outline.secondary else {
            return Ok(());
        };
        let from = first_of_month(day_between(
            &mut self.rng,
            medicare_from,
            last_day - Duration::days(30),
        ))?
        .max(medicare_from);
        let row = match secondary {
            Secondary::Medicaid => {
                let member = format!(
                    "{:012}",
                    self.rng.random_range(100_000_000_000u64..1_000_000_000_000)
                );
                coverage(
                    payers.medicaid.0,
                    payers.medicaid.1,
                    member,
                    CoveragePriority::Secondary,
                    from,
                )
            }
            Secondary::Medigap => {
                let insurer = pick(&mut self.rng, &payers.commercial);
                let member = format!(
                    "{}{:09}",
                    insurer.member_prefix,
                    self.rng.random_range(0..1_000_000_000u32)
                );
                coverage(
                    insurer.payer,
                    insurer.medigap,
                    member,
                    CoveragePriority::Secondary,
                    medicare_from,
                )
            }
        };
        out.push(row);
        Ok(())
    }

    /// A commercial HMO or PPO coverage, through the patient's own employer, a spouse's or (for
    /// young adults) a parent's.
    pub(super) fn commercial(
        &mut self,
        patient: &Patient,
        out: &mut Vec<Coverage>,
    ) -> AppResult<()> {
        let payers = self.payers;
        let insurer = pick(&mut self.rng, &payers.commercial);
        let plan = *pick(&mut self.rng, &insurer.group_plans);
        let age = self.today.year() - patient.birth_date.year();
        let relationship = match self.rng.random_range(0..100) {
            0..80 if age < 26 => SubscriberRelationship::Child,
            0..15 if age >= 26 => SubscriberRelationship::Spouse,
            _ => SubscriberRelationship::SelfInsured,
        };
        let subscriber_name = (relationship != SubscriberRelationship::SelfInsured)
            .then(|| self.relative(&patient.family_name));
        let suffix = if subscriber_name.is_some() {
            "02"
        } else {
            "01"
        };
        let member_id = format!(
            "{}{:09}{suffix}",
            insurer.member_prefix,
            self.rng.random_range(0..1_000_000_000u32)
        );
        let years_ago = self.rng.random_range(0..8);
        let effective_date =
            year_end(self.today.year() - years_ago, false)?.max(patient.birth_date);
        out.push(Coverage {
            id: CoverageId::new().as_uuid(),
            patient_id: patient.id,
            payer_id: insurer.payer,
            plan_id: Some(plan),
            member_id,
            group_number: Some(format!("G{:06}", self.rng.random_range(10_000..1_000_000))),
            relationship: relationship.as_str().to_owned(),
            subscriber_name,
            priority: CoveragePriority::Primary.as_str().to_owned(),
            effective_date,
            termination_date: None,
            created_at: self.now,
            updated_at: self.now,
        });
        Ok(())
    }
}
