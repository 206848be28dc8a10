//! The demo tables: compact text of prescribers, referral sources, places, names and
//! diagnoses, read at load time through the same parsers as typed input.

use super::*;

/// The prescribers (fictional): given|family|credentials|specialty|NUCC taxonomy|line1|line2|
/// city|state|ZIP|area code|PECOS enrolled (y/n).
pub(super) const PRESCRIBERS: &str = "\
Anita|Deshmukh|MD|Pulmonary Disease|207RP1001X|3555 Olentangy River Rd|Suite 300|Columbus|OH|43214|614|y
Michael|O'Rourke|DO|Pulmonary Disease|207RP1001X|30 E Apple St|Suite 4200|Dayton|OH|45409|937|y
Sarah|Lindqvist|MD|Sleep Medicine|207RS0012X|3555 Olentangy River Rd|Suite 300|Columbus|OH|43214|614|y
James|Whitaker|MD|Sleep Medicine|2084S0012X|260 Stetson St|Suite 2300|Cincinnati|OH|45219|513|y
Olusegun|Adeyemi|MD|Cardiovascular Disease|207RC0000X|473 W 12th Ave|Suite 200|Columbus|OH|43210|614|y
Rebecca|Hartman|DO|Cardiovascular Disease|207RC0000X|2400 Miami Valley Dr|Suite 300|Dayton|OH|45459|937|y
David|Kowalski|MD|Family Medicine|207Q00000X|780 S 3rd St||Columbus|OH|43206|614|y
Linh|Tran|DO|Family Medicine|207Q00000X|780 S 3rd St||Columbus|OH|43206|614|y
Jennifer|McAllister|NP|Nurse Practitioner, Family|363LF0000X|1040 Delaware Ave||Marion|OH|43302|740|n
Carlos|Mendoza|MD|Internal Medicine|207R00000X|2100 N Limestone St|Suite 110|Springfield|OH|45503|937|y
Hannah|Goldberg|MD|Neurology|2084N0400X|3600 Tremont Rd|Suite 250|Columbus|OH|43221|614|y
Rajesh|Venkataraman|MD|Neurology|2084N0400X|9600 Carnegie Ave||Cleveland|OH|44106|216|y
Emily|Castellano|DO|Physical Medicine & Rehabilitation|208100000X|2600 Burnet Ave||Cincinnati|OH|45219|513|y
Thomas|Brennan|MD|Physical Medicine & Rehabilitation|208100000X|20 Medical Village Dr|Suite 310|Edgewood|KY|41017|859|y
Grace|Okafor|NP|Nurse Practitioner, Adult Health|363LA2200X|618 Pleasantville Rd||Lancaster|OH|43130|740|y
William|Hughes|MD|Geriatric Medicine|207QG0300X|1320 W Main St||Newark|OH|43055|740|y
Mei-Ling|Chen|MD|Endocrinology, Diabetes & Metabolism|207RE0101X|5665 Parkcenter Cir||Dublin|OH|43017|614|y
Patrick|Sullivan-Reyes|DO|Orthopaedic Surgery|207X00000X|2951 Maple Ave||Zanesville|OH|43701|740|n
Aaliyah|Washington|NP|Nurse Practitioner, Family|363LF0000X|1730 27th St||Portsmouth|OH|45662|740|y
Steven|Park|MD|Critical Care Medicine|207RC0200X|1400 Hal Greer Blvd||Huntington|WV|25701|304|y";

/// The prescribers, with valid NPIs drawn from their own seeded stream.
pub(super) fn prescribers(now: OffsetDateTime) -> AppResult<Vec<Prescriber>> {
    let mut rng = StdRng::seed_from_u64(SEED ^ 0x4E50_4900);
    let mut npis = HashSet::new();
    let mut rows = Vec::new();
    for (i, line) in (0u32..).zip(PRESCRIBERS.lines()) {
        let [
            given,
            family,
            credentials,
            specialty,
            taxonomy,
            line1,
            line2,
            city,
            state,
            postal,
            area,
            pecos,
        ] = fields(line, '|')?;
        if taxonomy.len() != 10 || !taxonomy.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(internal(format!("bad taxonomy code in {line}")));
        }
        let npi = loop {
            let npi = Npi::from_first_nine(rng.random_range(100_000_000..300_000_000))
                .map_err(internal)?;
            if npis.insert(npi.as_str().to_owned()) {
                break npi;
            }
        };
        rows.push(Prescriber {
            id: PrescriberId::new().as_uuid(),
            npi: npi.as_str().to_owned(),
            given_name: given.to_owned(),
            family_name: family.to_owned(),
            credentials: Some(credentials.to_owned()),
            taxonomy_code: Some(taxonomy.to_owned()),
            specialty: Some(specialty.to_owned()),
            phone: Some(phone(area, 10 + 2 * i)?),
            fax: Some(phone(area, 11 + 2 * i)?),
            pecos_enrolled: pecos == "y",
            family_key: name_key(family),
            created_at: now,
            updated_at: now,
            line1: line1.to_owned(),
            line2: (!line2.is_empty()).then(|| line2.to_owned()),
            city: city.to_owned(),
            state: UsState::parse(state).map_err(internal)?.as_str().to_owned(),
            postal_code: zip(postal)?,
        });
    }
    Ok(rows)
}

/// The referral sources (fictional): name|kind|line1|line2|city|state|ZIP|area code|the rows of
/// `PRESCRIBERS` (from 0) who refer from there.
pub(super) const REFERRAL_SOURCES: &str = "\
Riverside Pulmonary & Sleep Associates|practice|3555 Olentangy River Rd|Suite 300|Columbus|OH|43214|614|0 2 19
Miami Valley Heart & Vascular|practice|2400 Miami Valley Dr|Suite 300|Dayton|OH|45459|937|5 1 9
Scioto Valley Regional Medical Center|hospital|1730 27th St||Portsmouth|OH|45662|740|18 14 19 1
German Village Family Practice|practice|780 S 3rd St||Columbus|OH|43206|614|6 7
Maple Grove Skilled Nursing & Rehabilitation|snf|255 Maple Grove Ave||Westerville|OH|43081|614|15 8
Heartland Home Health Services|home_health|1500 Lake Shore Dr|Suite 120|Columbus|OH|43204|614|8 15 14 9
Central Ohio Neurology & MS Center|practice|3600 Tremont Rd|Suite 250|Columbus|OH|43221|614|10 11
Queen City Rehabilitation Hospital|hospital|2600 Burnet Ave||Cincinnati|OH|45219|513|12 13 3";

/// The referral sources, each with the ids of its prescribers.
pub(super) fn referral_sources(
    now: OffsetDateTime,
    prescribers: &[Prescriber],
) -> AppResult<Vec<(ReferralSource, Vec<Uuid>)>> {
    let mut sources = Vec::new();
    for (i, line) in (0u32..).zip(REFERRAL_SOURCES.lines()) {
        let [name, kind, line1, line2, city, state, postal, area, linked] = fields(line, '|')?;
        let prescriber_ids = linked
            .split_whitespace()
            .map(|n| {
                n.parse::<usize>()
                    .ok()
                    .and_then(|n| prescribers.get(n))
                    .map(|p| p.id)
                    .ok_or_else(|| internal(format!("no prescriber {n} for {name}")))
            })
            .collect::<AppResult<Vec<Uuid>>>()?;
        let row = ReferralSource {
            id: ReferralSourceId::new().as_uuid(),
            name: name.to_owned(),
            kind: ReferralSourceKind::parse(kind)
                .map_err(internal)?
                .as_str()
                .to_owned(),
            phone: Some(phone(area, 60 + 2 * i)?),
            fax: Some(phone(area, 61 + 2 * i)?),
            name_key: name_key(name),
            created_at: now,
            updated_at: now,
            line1: line1.to_owned(),
            line2: (!line2.is_empty()).then(|| line2.to_owned()),
            city: city.to_owned(),
            state: UsState::parse(state).map_err(internal)?.as_str().to_owned(),
            postal_code: zip(postal)?,
        };
        sources.push((row, prescriber_ids));
    }
    Ok(sources)
}

/// Where patients live: state|weight (roughly population, the supplier's Ohio boosted)|cities as
/// name:first ZIP:how many ZIPs from there:area code.
pub(super) const PLACES: &str = "\
AL|50|Birmingham:35203:30:205,Montgomery:36104:14:334,Mobile:36602:18:251,Huntsville:35801:16:256
AK|7|Anchorage:99501:15:907,Fairbanks:99701:9:907,Juneau:99801:1:907
AZ|72|Phoenix:85003:40:602,Tucson:85701:40:520,Mesa:85201:14:480,Flagstaff:86001:4:928
AR|30|Little Rock:72201:25:501,Fayetteville:72701:4:479,Fort Smith:72901:8:479,Jonesboro:72401:4:870
CA|395|Los Angeles:90001:60:213,San Diego:92101:30:619,Sacramento:95814:20:916,Fresno:93701:25:559,San Jose:95110:20:408
CO|58|Denver:80202:30:303,Colorado Springs:80903:15:719,Pueblo:81001:8:719,Grand Junction:81501:7:970
CT|36|Hartford:06103:10:860,New Haven:06510:10:203,Bridgeport:06604:5:203,Waterbury:06702:5:203
DE|10|Wilmington:19801:10:302,Dover:19901:4:302,Newark:19711:3:302
DC|7|Washington:20001:30:202
FL|215|Miami:33125:30:305,Tampa:33602:20:813,Orlando:32801:30:407,Jacksonville:32202:25:904,Sarasota:34231:10:941
GA|107|Atlanta:30303:30:404,Savannah:31401:10:912,Macon:31201:10:478,Augusta:30901:9:706
HI|14|Honolulu:96813:10:808,Hilo:96720:1:808,Kailua:96734:1:808
ID|18|Boise:83702:15:208,Pocatello:83201:4:208,Idaho Falls:83401:4:208,Coeur d'Alene:83814:2:208
IL|128|Chicago:60601:60:312,Springfield:62701:10:217,Peoria:61602:12:309,Rockford:61101:10:815
IN|68|Indianapolis:46201:50:317,Fort Wayne:46802:20:260,South Bend:46601:15:574,Evansville:47708:8:812
IA|32|Des Moines:50309:20:515,Cedar Rapids:52401:5:319,Davenport:52801:6:563
KS|29|Wichita:67202:20:316,Topeka:66603:15:785,Overland Park:66204:10:913
KY|45|Louisville:40202:20:502,Lexington:40502:15:859,Bowling Green:42101:4:270
LA|47|New Orleans:70112:20:504,Baton Rouge:70801:15:225,Shreveport:71101:15:318,Lafayette:70501:8:337
ME|14|Portland:04101:3:207,Bangor:04401:1:207,Augusta:04330:1:207
MD|62|Baltimore:21201:30:410,Annapolis:21401:3:410,Frederick:21701:3:301,Hagerstown:21740:2:301
MA|70|Boston:02108:20:617,Worcester:01602:8:508,Springfield:01103:7:413,Lowell:01850:5:978
MI|101|Detroit:48201:30:313,Grand Rapids:49503:5:616,Lansing:48906:8:517,Flint:48502:6:810
MN|57|Minneapolis:55401:15:612,Saint Paul:55101:15:651,Duluth:55802:5:218,Rochester:55901:4:507
MS|30|Jackson:39201:15:601,Gulfport:39501:7:228,Hattiesburg:39401:2:601,Tupelo:38801:4:662
MO|62|St. Louis:63101:40:314,Kansas City:64105:25:816,Springfield:65802:7:417,Columbia:65201:3:573
MT|11|Billings:59101:5:406,Missoula:59801:4:406,Great Falls:59401:4:406,Helena:59601:2:406
NE|20|Omaha:68102:30:402,Lincoln:68502:20:402,Grand Island:68801:3:308
NV|31|Las Vegas:89101:30:702,Reno:89501:12:775,Carson City:89701:3:775
NH|14|Manchester:03101:4:603,Nashua:03060:4:603,Concord:03301:3:603
NJ|93|Newark:07102:13:973,Trenton:08608:11:609,Camden:08102:4:856,Paterson:07501:14:973
NM|21|Albuquerque:87102:20:505,Santa Fe:87501:7:505,Las Cruces:88001:6:575
NY|202|New York:10001:40:212,Buffalo:14201:20:716,Rochester:14604:20:585,Albany:12203:8:518,Syracuse:13202:9:315
NC|104|Charlotte:28202:20:704,Raleigh:27601:15:919,Greensboro:27401:10:336,Asheville:28801:6:828
ND|8|Fargo:58102:4:701,Bismarck:58501:4:701,Grand Forks:58201:3:701
OH|600|Columbus:43201:30:614,Cleveland:44102:20:216,Cincinnati:45202:30:513,Toledo:43604:20:419,Dayton:45402:20:937,Akron:44301:20:330,Zanesville:43701:1:740,Chillicothe:45601:1:740
OK|40|Oklahoma City:73102:40:405,Tulsa:74103:30:918,Norman:73069:3:405
OR|42|Portland:97201:30:503,Eugene:97401:5:541,Salem:97301:10:503,Medford:97501:4:541
PA|130|Philadelphia:19102:50:215,Pittsburgh:15201:30:412,Harrisburg:17101:12:717,Erie:16501:10:814,Allentown:18101:10:610
RI|11|Providence:02903:6:401,Warwick:02886:4:401,Newport:02840:1:401
SC|51|Columbia:29201:10:803,Charleston:29401:7:843,Greenville:29601:15:864
SD|9|Sioux Falls:57103:6:605,Rapid City:57701:3:605,Aberdeen:57401:1:605
TN|69|Nashville:37201:20:615,Memphis:38103:30:901,Knoxville:37902:20:865,Chattanooga:37402:10:423
TX|291|Houston:77002:60:713,Dallas:75201:50:214,San Antonio:78201:50:210,Austin:78701:50:512,El Paso:79901:30:915
UT|33|Salt Lake City:84101:20:801,Provo:84601:6:801,Ogden:84401:5:801
VT|6|Burlington:05401:1:802,Montpelier:05602:1:802,Rutland:05701:1:802
VA|86|Richmond:23219:10:804,Norfolk:23502:20:757,Roanoke:24011:10:540,Alexandria:22301:14:703
WA|77|Seattle:98101:20:206,Spokane:99201:20:509,Tacoma:98402:20:253,Olympia:98501:6:360
WV|18|Charleston:25301:10:304,Huntington:25701:5:304,Morgantown:26501:5:304
WI|59|Milwaukee:53202:20:414,Madison:53703:15:608,Green Bay:54301:10:920
WY|6|Cheyenne:82001:7:307,Casper:82601:9:307,Laramie:82070:3:307
AS|1|Pago Pago:96799:1:684
GU|2|Hagåtña:96910:1:671,Tamuning:96913:1:671,Dededo:96929:1:671
MP|1|Saipan:96950:1:670,Tinian:96952:1:670,Rota:96951:1:670
PR|33|San Juan:00901:30:787,Ponce:00716:15:787,Bayamón:00956:6:787,Mayagüez:00680:3:787
VI|1|Charlotte Amalie:00802:1:340,Christiansted:00820:1:340,Frederiksted:00840:1:340";

/// Given names of women (and of patients recorded with unknown sex, with `MALE_NAMES`).
pub(super) const FEMALE_NAMES: &str = "Mary,Patricia,Linda,Barbara,Elizabeth,Jennifer,Maria,Susan,Margaret,\
Dorothy,Lisa,Nancy,Karen,Betty,Helen,Sandra,Donna,Carol,Ruth,Sharon,Michelle,Laura,Sarah,Kimberly,\
Deborah,Jessica,Shirley,Cynthia,Angela,Melissa,Brenda,Amy,Anna,Rebecca,Virginia,Kathleen,Pamela,\
Martha,Debra,Amanda,Stephanie,Carolyn,Christine,Marie,Janet,Catherine,Frances,Ann,Joyce,Diane,\
Alice,Juanita,Guadalupe,Mei,Yolanda,Gloria,Evelyn,Jean,Cheryl,Mildred,Lorraine,Rosa,Hazel,Bernice,\
Thi,Aiko,Fatima,Esperanza,Gwendolyn,Loretta,Mary Ann,Zoë";
/// Given names of men.
pub(super) const MALE_NAMES: &str = "James,John,Robert,Michael,William,David,Richard,Charles,Joseph,Thomas,\
Christopher,Daniel,Paul,Mark,Donald,George,Kenneth,Steven,Edward,Brian,Ronald,Anthony,Kevin,Jason,\
Matthew,Gary,Timothy,José,Larry,Jeffrey,Frank,Scott,Eric,Stephen,Andrew,Raymond,Gregory,Joshua,\
Jerry,Dennis,Walter,Patrick,Peter,Harold,Douglas,Henry,Carl,Arthur,Ryan,Roger,Juan,Luis,Hiroshi,\
Kwame,Tyrone,Earl,Willie,Leroy,Francisco,Ahmed,Wei,Rajesh,Sione,Billy Ray";
/// Family names, including the hyphens, apostrophes and spaces that name search must handle.
pub(super) const FAMILY_NAMES: &str = "Smith,Johnson,Williams,Brown,Jones,Garcia,Miller,Davis,Rodriguez,\
Martinez,Hernandez,Lopez,Gonzalez,Wilson,Anderson,Thomas,Taylor,Moore,Jackson,Martin,Lee,Perez,\
Thompson,White,Harris,Sanchez,Clark,Ramirez,Lewis,Robinson,Walker,Young,Allen,King,Wright,Scott,\
Torres,Nguyen,Hill,Flores,Green,Adams,Nelson,Baker,Hall,Rivera,Campbell,Mitchell,Carter,Roberts,\
Gomez,Phillips,Evans,Turner,Diaz,Parker,Cruz,Edwards,Collins,Reyes,Stewart,Morris,Morales,Murphy,\
Cook,Rogers,Gutierrez,Ortiz,Morgan,Cooper,Peterson,Bailey,Reed,Kelly,Howard,Ramos,Kim,Cox,Ward,\
Richardson,Watson,Brooks,Chavez,Wood,James,Bennett,Gray,Mendoza,Ruiz,Hughes,Price,Alvarez,Castillo,\
Sanders,Patel,Myers,Long,Ross,Foster,Jimenez,O'Brien,O'Connor,O'Neill,D'Angelo,McDonald,MacKenzie,\
Smith-Jones,García-López,Williams-Brown,Van Buren,De La Cruz,St. Clair,Schmidt,Müller,Kowalski,\
Nowak,Yamamoto,Tanaka,Chen,Wang,Li,Zhang,Liu,Singh,Shah,Khan,Ali,Cohen,Levy,Goldstein,Becker,\
Schneider,Fischer,Weber,Wagner,Hoffmann,Schultz,Olson,Larson,Johansson,Lindqvist,Jensen,Hansen,\
Nielsen,Russo,Romano,Esposito,Ricci,Kaczmarek,Walsh,Byrne,Fitzgerald,Kealoha,Tupou,Begay,Yazzie,\
Okafor,Mensah,Abdullah,Haddad,Papadopoulos,Ivanov,Petrov";
/// Street names.
pub(super) const STREETS: &str = "Maple,Oak,Main,High,Elm,Washington,Lincoln,Park,Lake,Hillcrest,Sunset,\
Cedar,Pine,Church,Mill,River,Spring,Ridge,Meadow,Walnut,Chestnut,Franklin,Jefferson,Madison,\
Center,Broad,Market,Union,Cherry,Willow,Highland,Forest,Jackson,Adams,Locust,Sycamore,Dogwood,\
Magnolia,Orchard,Valley,Martin Luther King Jr,Old Mill";
/// Street suffixes.
pub(super) const STREET_SUFFIXES: &str = "St,Ave,Rd,Dr,Ln,Ct,Blvd,Way,Pl,Cir,Pike,Trl";
/// How emergency contacts are related to the patient.
pub(super) const RELATIONSHIPS: &str = "Daughter,Son,Spouse,Sister,Brother,Niece,Nephew,Granddaughter,\
Grandson,Friend,Neighbor,Caregiver";
/// Reserved e-mail domains (RFC 2606), so no demo message can reach anyone.
pub(super) const EMAIL_DOMAINS: &str = "example.com,example.net,example.org";

/// Common DME diagnoses: ICD-10-CM code, weight as a first diagnosis, whether it is a lung
/// disease (oxygen patients), description. G35 (multiple sclerosis) became a header on
/// 2025-10-01 and is no longer billable; G35.D is its unspecified code.
pub(super) const DIAGNOSES: [(&str, u32, bool, &str); 10] = [
    (
        "G47.33",
        30,
        false,
        "Obstructive sleep apnea (adult) (pediatric)",
    ),
    (
        "J44.9",
        18,
        true,
        "Chronic obstructive pulmonary disease, unspecified",
    ),
    (
        "J96.11",
        6,
        true,
        "Chronic respiratory failure with hypoxia",
    ),
    ("I50.9", 10, false, "Heart failure, unspecified"),
    (
        "E11.9",
        14,
        false,
        "Type 2 diabetes mellitus without complications",
    ),
    (
        "M17.11",
        7,
        false,
        "Unilateral primary osteoarthritis, right knee",
    ),
    ("G35.D", 3, false, "Multiple sclerosis, unspecified"),
    ("R26.81", 9, false, "Unsteadiness on feet"),
    ("Z99.81", 2, false, "Dependence on supplemental oxygen"),
    ("J84.10", 3, true, "Pulmonary fibrosis, unspecified"),
];
/// The oxygen-dependence code added to many lung patients.
pub(super) const OXYGEN_DEPENDENCE: &str = "Z9981";

/// A city patients can live in.
pub(super) struct City {
    pub(super) name: &'static str,
    pub(super) first_zip: u32,
    pub(super) zips: u32,
    pub(super) area_code: &'static str,
}

/// A state's cities and its share of patients.
pub(super) struct Place {
    pub(super) weight: u32,
    pub(super) cities: Vec<City>,
}

/// A diagnosis the generator can assign.
pub(super) struct Dx {
    pub(super) code: String,
    pub(super) lung: bool,
    pub(super) description: &'static str,
}

/// The text tables, read and checked once per load.
pub(super) struct Tables {
    /// By index in `US_STATES`.
    pub(super) places: Vec<Place>,
    pub(super) female: Vec<&'static str>,
    pub(super) male: Vec<&'static str>,
    pub(super) family: Vec<&'static str>,
    pub(super) streets: Vec<&'static str>,
    pub(super) suffixes: Vec<&'static str>,
    pub(super) relationships: Vec<&'static str>,
    pub(super) email_domains: Vec<&'static str>,
    pub(super) diagnoses: Vec<Dx>,
    pub(super) first_diagnosis: WeightedIndex<u32>,
}

impl Tables {
    /// Reads every table, refusing an empty list or a value intake would refuse.
    pub(super) fn read() -> AppResult<Tables> {
        let diagnoses = DIAGNOSES
            .iter()
            .map(|&(code, _, lung, description)| {
                Ok(Dx {
                    code: Icd10Cm::parse(code).map_err(internal)?.as_str().to_owned(),
                    lung,
                    description,
                })
            })
            .collect::<AppResult<Vec<Dx>>>()?;
        let first_diagnosis =
            WeightedIndex::new(DIAGNOSES.iter().map(|d| d.1)).map_err(internal)?;
        Ok(Tables {
            places: read_places()?,
            female: list(FEMALE_NAMES)?,
            male: list(MALE_NAMES)?,
            family: list(FAMILY_NAMES)?,
            streets: list(STREETS)?,
            suffixes: list(STREET_SUFFIXES)?,
            relationships: list(RELATIONSHIPS)?,
            email_domains: list(EMAIL_DOMAINS)?,
            diagnoses,
            first_diagnosis,
        })
    }
}

/// A comma-separated list; never empty.
pub(super) fn list(text: &'static str) -> AppResult<Vec<&'static str>> {
    let items: Vec<&'static str> = text.split(',').map(str::trim).collect();
    if items.iter().any(|item| item.is_empty()) {
        return Err(internal(format!("an empty entry in {text}")));
    }
    Ok(items)
}

/// Reads `PLACES` into one entry per `US_STATES` code, in that order.
pub(super) fn read_places() -> AppResult<Vec<Place>> {
    let mut places: Vec<Option<Place>> = US_STATES.iter().map(|_| None).collect();
    for line in PLACES.lines() {
        let [state, weight, cities] = fields(line, '|')?;
        let bad = || internal(format!("bad place row: {line}"));
        let weight: u32 = weight.parse().map_err(|_| bad())?;
        let cities = cities
            .split(',')
            .map(|city| {
                let [name, first_zip, zips, area_code] = fields(city, ':')?;
                let first_zip: u32 = first_zip.parse().map_err(|_| bad())?;
                let zips: u32 = zips.parse().map_err(|_| bad())?;
                if name.is_empty() || zips == 0 {
                    return Err(bad());
                }
                zip(&format!("{first_zip:05}"))?;
                zip(&format!("{:05}", first_zip + zips - 1))?;
                phone(area_code, 0)?;
                Ok(City {
                    name,
                    first_zip,
                    zips,
                    area_code,
                })
            })
            .collect::<AppResult<Vec<City>>>()?;
        let slot = US_STATES
            .iter()
            .position(|s| *s == state)
            .and_then(|i| places.get_mut(i))
            .ok_or_else(bad)?;
        if cities.is_empty() || slot.replace(Place { weight, cities }).is_some() {
            return Err(bad());
        }
    }
    US_STATES
        .iter()
        .zip(places)
        .map(|(state, place)| place.ok_or_else(|| internal(format!("no places in {state}"))))
        .collect()
}

/// Who a patient is, decided up front so the counts are known before anything is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cohort {
    /// 65 or older, on Medicare by age.
    Aged,
    /// Under 65, on Medicare through disability.
    Disabled,
    /// Under 65, commercially insured.
    Commercial,
}

/// A Medicare patient's second coverage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Secondary {
    /// Dual eligible.
    Medicaid,
    /// A Medicare supplement plan.
    Medigap,
}
