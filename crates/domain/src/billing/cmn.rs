//! Certificates of medical necessity (CMN) and DME information forms (DIF): required for certain
//! items with dates of service before 2023-01-01, never after, when CMS retired them (CMS Change
//! Request 12954, MLN Matters MM12954;
//! <https://www.cgsmedicare.com/jc/claims/cmn_dif_elimination.html>). The list of forms is closed
//! history, so it is code rather than data.

use time::{Date, macros::date};

use super::input::{Category, RentalInput};
use super::output::{Finding, InputError, Line, Severity};
use super::rules;

/// The first date of service without CMNs and DIFs.
pub const CMN_RETIRED_FROM: Date = date!(2023 - 01 - 01);

/// The retired CMN or DIF forms and the HCPCS codes each covered (oxygen is found by category).
const FORMS: &[(&str, &str, &str)] = &[
    ("E0650", "E0652", "CMS-846 (pneumatic compression devices)"),
    ("E0747", "E0748", "CMS-847 (osteogenesis stimulators)"),
    ("E0760", "E0760", "CMS-847 (osteogenesis stimulators)"),
    ("E0720", "E0730", "CMS-848 (TENS)"),
    ("E0627", "E0629", "CMS-849 (seat lift mechanisms)"),
    ("E0779", "E0781", "CMS-10125 DIF (external infusion pumps)"),
    ("E0784", "E0784", "CMS-10125 DIF (external infusion pumps)"),
    ("E0791", "E0791", "CMS-10125 DIF (external infusion pumps)"),
    (
        "B4034",
        "B9999",
        "CMS-10126 DIF (enteral and parenteral nutrition)",
    ),
];

/// The CMN or DIF the item needed before 2023, if any.
pub fn form_for(input: &RentalInput) -> Option<&'static str> {
    if input.item.category == Category::Oxygen {
        return Some("CMS-484 (oxygen)");
    }
    let hcpcs = input.item.hcpcs.as_str();
    FORMS
        .iter()
        .find(|(from, to, _)| *from <= hcpcs && hcpcs <= *to)
        .map(|(_, _, form)| *form)
}

/// Cites the CMN rule on every Medicare line dated before 2023-01-01 of an item that needed one,
/// and finds a missing or late CMN. CMN facts on a schedule with no such line are refused: CMS
/// rejects claims that carry a retired form.
pub(super) fn check(input: &RentalInput, lines: &mut [Line]) -> Result<Vec<Finding>, InputError> {
    let form = form_for(input);
    let mut first_before: Option<Date> = None;
    if form.is_some() {
        for line in lines.iter_mut().filter(|l| l.from < CMN_RETIRED_FROM) {
            line.rules.push(rules::CMN_REQUIRED);
            first_before = Some(first_before.map_or(line.from, |d| d.min(line.from)));
        }
    }
    let cmn = input.documentation.cmn;
    let (Some(form), Some(first)) = (form, first_before) else {
        if cmn.is_some() {
            return Err(InputError::new(
                "documentation.cmn",
                "CMNs and DIFs were retired for dates of service from 2023-01-01 (and are needed only for the items that had one); leave cmn out.",
            ));
        }
        return Ok(Vec::new());
    };
    let problem = match cmn {
        None => format!(
            "Dates of service before 2023-01-01 need the {form} certificate on file, from {first}."
        ),
        Some(cmn) if cmn.initial_date > first => format!(
            "The initial {form} certificate is dated {}, after the first date of service {first}.",
            cmn.initial_date
        ),
        Some(cmn) => {
            for (field, date) in [
                ("revised_date", cmn.revised_date),
                ("recertification_date", cmn.recertification_date),
            ] {
                if date.is_some_and(|d| d < cmn.initial_date) {
                    return Err(InputError::new(
                        format!("documentation.cmn.{field}"),
                        "Comes on or after the initial CMN's date.",
                    ));
                }
            }
            return Ok(Vec::new());
        }
    };
    Ok(vec![
        Finding::new(
            rules::CMN_REQUIRED,
            Severity::Blocking,
            problem,
            "Record the initial CMN or DIF date (and any revised or recertification date); the claim for these dates of service carries it.",
        )
        .at("documentation.cmn"),
    ])
}
