//! Names, addresses and demographics as the NM1, N3, N4 and DMG segments carry them, shared by
//! the claim, eligibility and claim-status transaction sets.

use time::Date;

use crate::error::Result;
use crate::interchange::Cursor;
use crate::reader::Segment;
use crate::writer::Writer;

/// A person's name (NM103 last, NM104 first, NM105 middle, NM107 suffix).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName {
    pub last: String,
    pub first: String,
    pub middle: Option<String>,
    pub suffix: Option<String>,
}

/// A person or an organization, as NM102 tells (1 person, 2 non-person entity).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntityName {
    Person(PersonName),
    Organization(String),
}

/// A street address (N3, N4). ZIP codes are 5 or 9 digits without the dash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub state: String,
    pub postal_code: String,
}

/// Administrative sex (DMG03).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sex {
    Female,
    Male,
    Unknown,
}

impl Sex {
    fn code(self) -> &'static str {
        match self {
            Sex::Female => "F",
            Sex::Male => "M",
            Sex::Unknown => "U",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        match code {
            "F" => Some(Sex::Female),
            "M" => Some(Sex::Male),
            "U" => Some(Sex::Unknown),
            _ => None,
        }
    }
}

/// Birth date and sex (DMG).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Demographics {
    pub birth_date: Date,
    pub sex: Option<Sex>,
}

/// Writes `NM1*{entity}*{1|2}*names…*{qualifier}*{id}`; an empty qualifier leaves the ID out.
pub(crate) fn write_name(
    w: &mut Writer,
    entity: &str,
    name: &EntityName,
    qualifier: &str,
    id: &str,
) {
    let segment = w.segment("NM1").el(entity);
    let segment = match name {
        EntityName::Person(p) => segment
            .el("1")
            .max(&p.last, 60)
            .max(&p.first, 35)
            .max(p.middle.as_deref().unwrap_or(""), 25)
            .skip(1)
            .max(p.suffix.as_deref().unwrap_or(""), 10),
        EntityName::Organization(n) => segment.el("2").max(n, 60).skip(4),
    };
    if !qualifier.is_empty() {
        segment.el(qualifier).max(id, 80);
    }
}

/// Writes a person's NM1.
pub(crate) fn write_person(
    w: &mut Writer,
    entity: &str,
    name: &PersonName,
    qualifier: &str,
    id: &str,
) {
    write_name(w, entity, &EntityName::Person(name.clone()), qualifier, id);
}

/// Reads an NM1's name (NM102 decides person or organization).
pub(crate) fn read_name(nm1: &Segment<'_>) -> Result<EntityName> {
    match nm1.element(2) {
        "1" => Ok(EntityName::Person(read_person(nm1)?)),
        "2" => Ok(EntityName::Organization(nm1.required(3)?.to_owned())),
        other => Err(nm1.invalid(2, other, "1 (person) or 2 (organization)")),
    }
}

/// Reads an NM1 that must name a person.
pub(crate) fn read_person(nm1: &Segment<'_>) -> Result<PersonName> {
    if nm1.element(2) != "1" {
        return Err(nm1.invalid(2, nm1.element(2), "1 (person)"));
    }
    Ok(PersonName {
        last: nm1.required(3)?.to_owned(),
        first: nm1.element(4).to_owned(),
        middle: nm1.optional(5).map(str::to_owned),
        suffix: nm1.optional(7).map(str::to_owned),
    })
}

/// Writes N3 and N4.
pub(crate) fn write_address(w: &mut Writer, address: &Address) {
    w.segment("N3")
        .max(&address.line1, 55)
        .max(address.line2.as_deref().unwrap_or(""), 55);
    w.segment("N4")
        .max(&address.city, 30)
        .max(&address.state, 2)
        .max(&address.postal_code, 15);
}

/// Reads N3 and N4 if the next segment is N3.
pub(crate) fn read_address(cursor: &mut Cursor<'_, '_>) -> Result<Option<Address>> {
    let Some(n3) = cursor.take("N3", None) else {
        return Ok(None);
    };
    let n4 = cursor.expect("N4", None, "N4 (city, state, ZIP) after N3")?;
    Ok(Some(Address {
        line1: n3.required(1)?.to_owned(),
        line2: n3.optional(2).map(str::to_owned),
        city: n4.required(1)?.to_owned(),
        state: n4.element(2).to_owned(),
        postal_code: n4.element(3).to_owned(),
    }))
}

/// Writes DMG.
pub(crate) fn write_demographics(w: &mut Writer, demographics: &Demographics) {
    w.segment("DMG")
        .el("D8")
        .date(demographics.birth_date)
        .opt(demographics.sex.map(Sex::code));
}

/// Reads DMG if it is next.
pub(crate) fn read_demographics(cursor: &mut Cursor<'_, '_>) -> Result<Option<Demographics>> {
    let Some(dmg) = cursor.take("DMG", None) else {
        return Ok(None);
    };
    let sex = match dmg.optional(3) {
        None => None,
        Some(code) => Some(Sex::from_code(code).ok_or_else(|| dmg.invalid(3, code, "F, M or U"))?),
    };
    Ok(Some(Demographics {
        birth_date: dmg.date(2)?,
        sex,
    }))
}

/// A payer, submitter or provider in a hierarchical inquiry: its name and its ID (the payer ID,
/// the submitter's ETIN or the provider's NPI, as the loop's qualifier says).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedId {
    pub name: EntityName,
    pub id: String,
}

/// Reads an NM1 as a name and its NM109 ID.
pub(crate) fn read_named_id(nm1: &Segment<'_>) -> Result<NamedId> {
    Ok(NamedId {
        name: read_name(nm1)?,
        id: nm1.element(9).to_owned(),
    })
}
