//! Names, addresses and demographics as the NM1, N3, N4 and DMG segments carry them, shared by
//! the claim, eligibility and claim-status transaction sets.

use std::borrow::Cow;

use time::Date;

use crate::error::Result;
use crate::interchange::Cursor;
use crate::reader::Segment;
use crate::writer::Writer;

/// A person's name (NM103 last, NM104 first, NM105 middle, NM107 suffix).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName<'a> {
    pub last: Cow<'a, str>,
    pub first: Cow<'a, str>,
    pub middle: Option<Cow<'a, str>>,
    pub suffix: Option<Cow<'a, str>>,
}

/// A person or an organization, as NM102 tells (1 person, 2 non-person entity).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntityName<'a> {
    Person(PersonName<'a>),
    Organization(Cow<'a, str>),
}

/// A street address (N3, N4). ZIP codes are 5 or 9 digits without the dash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address<'a> {
    pub line1: Cow<'a, str>,
    pub line2: Option<Cow<'a, str>>,
    pub city: Cow<'a, str>,
    pub state: Cow<'a, str>,
    pub postal_code: Cow<'a, str>,
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
    name: &EntityName<'_>,
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
    name: &PersonName<'_>,
    qualifier: &str,
    id: &str,
) {
    write_name(w, entity, &EntityName::Person(name.clone()), qualifier, id);
}

/// Reads an NM1's name (NM102 decides person or organization).
pub(crate) fn read_name<'a>(nm1: &Segment<'a>) -> Result<EntityName<'a>> {
    match nm1.element(2) {
        "1" => Ok(EntityName::Person(read_person(nm1)?)),
        "2" => Ok(EntityName::Organization(nm1.required(3)?.into())),
        other => Err(nm1.invalid(2, other, "1 (person) or 2 (organization)")),
    }
}

/// Reads an NM1 that must name a person.
pub(crate) fn read_person<'a>(nm1: &Segment<'a>) -> Result<PersonName<'a>> {
    if nm1.element(2) != "1" {
        return Err(nm1.invalid(2, nm1.element(2), "1 (person)"));
    }
    Ok(PersonName {
        last: nm1.required(3)?.into(),
        first: nm1.element(4).into(),
        middle: nm1.optional(5).map(Cow::Borrowed),
        suffix: nm1.optional(7).map(Cow::Borrowed),
    })
}

/// Writes N3 and N4.
pub(crate) fn write_address(w: &mut Writer, address: &Address<'_>) {
    w.segment("N3")
        .max(&address.line1, 55)
        .max(address.line2.as_deref().unwrap_or(""), 55);
    w.segment("N4")
        .max(&address.city, 30)
        .max(&address.state, 2)
        .max(&address.postal_code, 15);
}

/// Reads N3 and N4 if the next segment is N3.
pub(crate) fn read_address<'a>(cursor: &mut Cursor<'_, 'a>) -> Result<Option<Address<'a>>> {
    let Some(n3) = cursor.take("N3", None) else {
        return Ok(None);
    };
    let n4 = cursor.expect("N4", None, "N4 (city, state, ZIP) after N3")?;
    Ok(Some(Address {
        line1: n3.required(1)?.into(),
        line2: n3.optional(2).map(Cow::Borrowed),
        city: n4.required(1)?.into(),
        state: n4.element(2).into(),
        postal_code: n4.element(3).into(),
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
pub struct NamedId<'a> {
    pub name: EntityName<'a>,
    pub id: Cow<'a, str>,
}

/// Reads an NM1 as a name and its NM109 ID.
pub(crate) fn read_named_id<'a>(nm1: &Segment<'a>) -> Result<NamedId<'a>> {
    Ok(NamedId {
        name: read_name(nm1)?,
        id: nm1.element(9).into(),
    })
}
