//! The methods as a report in Kazakh or Russian names them (English and other languages get
//! the spec's own English descriptions, `describe`).

use crate::boundaries::Boundaries;
use crate::spec::{Aggregation, Normalisation, Pooling};

/// Picks the phrase of the language: (kk, ru); `None` for English and others.
fn pick(lang: &str, kk: String, ru: String) -> Option<String> {
    match lang {
        "kk" => Some(kk),
        "ru" => Some(ru),
        _ => None,
    }
}

pub fn normalisation(n: &Normalisation, lang: &str) -> String {
    use Normalisation as N;
    let r = |(l, u): (f64, f64)| format!("[{l}, {u}]");
    let phrase = match n {
        N::MinMax { range } => pick(
            lang,
            format!("мин-макс → {}", r(*range)),
            format!("мин-макс → {}", r(*range)),
        ),
        N::ZScore { mean, sd } => pick(
            lang,
            format!("z-бағалау (орташа {mean}, ст. ауытқу {sd})"),
            format!("z-оценка (среднее {mean}, ст. откл. {sd})"),
        ),
        N::Goalposts {
            lo,
            hi,
            log,
            cap,
            range,
        } => pick(
            lang,
            format!(
                "шекті мәндер {lo}–{hi}{}{} → {}",
                if *log { ", логарифм" } else { "" },
                if *cap { ", шектелген" } else { "" },
                r(*range)
            ),
            format!(
                "пороговые значения {lo}–{hi}{}{} → {}",
                if *log { ", логарифм" } else { "" },
                if *cap {
                    ", с ограничением"
                } else {
                    ""
                },
                r(*range)
            ),
        ),
        N::Rank { ties } => pick(
            lang,
            format!("орын{}", ties_kk(*ties)),
            format!("место{}", ties_ru(*ties)),
        ),
        N::PercentileRank { range, ties } => pick(
            lang,
            format!("процентильдік орын → {}{}", r(*range), ties_kk(*ties)),
            format!("процентильный ранг → {}{}", r(*range), ties_ru(*ties)),
        ),
        N::Borda => pick(lang, "Борда ұпайлары".into(), "баллы Борда".into()),
        N::Target { target, lo, .. } => match lo {
            Some(lo) => pick(
                lang,
                format!("{lo} мәнінен {target} мақсатына дейінгі қашықтық"),
                format!("расстояние до цели {target} от {lo}"),
            ),
            None => pick(
                lang,
                format!("{target} мақсатына дейінгі қашықтық"),
                format!("расстояние до цели {target}"),
            ),
        },
        N::Best { .. } => pick(
            lang,
            "үздік өңірге қатынасы".into(),
            "отношение к лучшему региону".into(),
        ),
        N::Reference { region } => pick(
            lang,
            format!("{region} өңіріне қатынасы × 100"),
            format!("отношение к {region} × 100"),
        ),
        N::FractionMax { .. } => pick(
            lang,
            "ең үлкен мәннің үлесі".into(),
            "доля от максимума".into(),
        ),
        N::BaseYear { year } => pick(
            lang,
            format!("индекс, {year} = 100"),
            format!("индекс, {year} = 100"),
        ),
        N::Piecewise { breakpoints } => pick(
            lang,
            format!("бөлікті-сызықтық, {} нүкте", breakpoints.len()),
            format!("кусочно-линейная, {} точек излома", breakpoints.len()),
        ),
        N::Ampi { reference, delta } => pick(
            lang,
            format!("AMPI: {reference} ± {delta} маңында"),
            format!("AMPI: вокруг {reference} ± {delta}"),
        ),
        N::None => pick(
            lang,
            "жоқ (мән өзгеріссіз)".into(),
            "нет (значение как есть)".into(),
        ),
    };
    phrase.unwrap_or_else(|| n.describe())
}

/// ", тең мәндерге: min" where tied values do not share the average rank.
fn ties_kk(ties: crate::spec::Ties) -> String {
    use crate::named::Named;
    match ties {
        crate::spec::Ties::Average => String::new(),
        t => format!(", тең мәндерге: {}", t.name()),
    }
}

fn ties_ru(ties: crate::spec::Ties) -> String {
    use crate::named::Named;
    match ties {
        crate::spec::Ties::Average => String::new(),
        t => format!(", при равенстве: {}", t.name()),
    }
}

pub fn aggregation(a: &Aggregation, lang: &str) -> String {
    use Aggregation as A;
    let phrase = match a {
        A::Arithmetic => pick(
            lang,
            "арифметикалық орташа".into(),
            "среднее арифметическое".into(),
        ),
        A::Geometric => pick(
            lang,
            "геометриялық орташа".into(),
            "среднее геометрическое".into(),
        ),
        A::ShiftedGeometric { offset } => pick(
            lang,
            format!("геометриялық орташа (ығысу {offset})"),
            format!("среднее геометрическое (сдвиг {offset})"),
        ),
        A::Harmonic => pick(
            lang,
            "гармоникалық орташа".into(),
            "среднее гармоническое".into(),
        ),
        A::Power { p } => pick(
            lang,
            format!("дәрежелік орташа (p = {p})"),
            format!("степенное среднее (p = {p})"),
        ),
        A::Minimum => pick(lang, "ең кіші мән".into(), "минимум".into()),
        A::Sum => pick(lang, "қосынды".into(), "сумма".into()),
        A::Mpi {
            penalty,
            dispersion,
        } => {
            let negative = *penalty == crate::spec::Penalty::Negative;
            let sample = *dispersion == crate::spec::Dispersion::Sample;
            pick(
                lang,
                format!(
                    "Маццотта-Парето{}{}",
                    if negative {
                        ", теріс (M + S cv)"
                    } else {
                        ""
                    },
                    if sample { ", іріктеме sd" } else { "" }
                ),
                format!(
                    "Маццотта-Парето{}{}",
                    if negative {
                        ", негативный (M + S cv)"
                    } else {
                        ""
                    },
                    if sample {
                        ", выборочное sd"
                    } else {
                        ""
                    }
                ),
            )
        }
        A::WeightedSum => pick(
            lang,
            "салмақталған қосынды (салмақтар берілгендей)".into(),
            "взвешенная сумма (веса как заданы)".into(),
        ),
        A::Product => pick(
            lang,
            "көбейтінді (салмақтар дәреже көрсеткіші)".into(),
            "произведение (веса как показатели степени)".into(),
        ),
        A::RankMean => pick(lang, "орындардың орташасы".into(), "среднее мест".into()),
        A::Copeland => pick(lang, "Коупленд".into(), "Коупленд".into()),
    };
    phrase.unwrap_or_else(|| a.describe())
}

pub fn pooling(p: &Pooling, lang: &str) -> String {
    let phrase = match p {
        Pooling::EachYear => pick(
            lang,
            "әр жыл бөлек (шекаралар сол жылдан)".into(),
            "каждый год отдельно (границы по этому году)".into(),
        ),
        Pooling::AllYears => pick(
            lang,
            "барлық жылдар бірге (шекаралар барлық жылдардан)".into(),
            "все годы вместе (границы по всем годам)".into(),
        ),
        Pooling::ReferenceYear(y) => pick(
            lang,
            format!("{y} базалық жылының шекаралары"),
            format!("границы опорного {y} года"),
        ),
    };
    phrase.unwrap_or_else(|| p.to_string())
}

pub fn boundaries(b: Boundaries, lang: &str) -> String {
    let phrase = match b {
        Boundaries::Current => pick(lang, "қазіргі өңірлер".into(), "нынешние регионы".into()),
        Boundaries::Historical => pick(
            lang,
            "өзгерістерге дейінгі өңірлер".into(),
            "регионы до изменений границ".into(),
        ),
    };
    phrase.unwrap_or_else(|| crate::named::Named::name(&b).to_string())
}

/// Why a published value was revised, in the report's language.
pub fn reason(r: &crate::edition::Reason, lang: &str) -> String {
    use crate::edition::Reason as R;
    let phrase = match r {
        R::AnotherSpec { then, now } => pick(
            lang,
            format!("басқа сипаттама: бұрын {then}, қазір {now}"),
            format!("другая спецификация: тогда {then}, сейчас {now}"),
        ),
        R::SpecChanged => pick(
            lang,
            "сипаттама өзгерді (сол нұсқа, басқа мазмұн)".into(),
            "спецификация изменилась (та же версия, другое содержание)".into(),
        ),
        R::DataFileChanged { path } => pick(
            lang,
            format!("{path} деректер файлы өзгерді"),
            format!("файл данных {path} изменился"),
        ),
        R::DataFileNew { path } => pick(
            lang,
            format!("{path} деректер файлы жаңа"),
            format!("новый файл данных {path}"),
        ),
        R::DataFileGone { path } => pick(
            lang,
            format!("{path} деректер файлы енді берілмейді"),
            format!("файл данных {path} больше не передан"),
        ),
        R::YearData { year } => pick(
            lang,
            format!("{year} жылдың деректері өзгерді"),
            format!("данные за {year} год изменились"),
        ),
        R::PooledOver { years } => {
            let list = years
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            pick(
                lang,
                format!(
                    "нормалау шекаралары жаңа жылдарды ({list}) қоса барлық жылдар бойынша алынды"
                ),
                format!("границы нормализации взяты по всем годам, включая новые ({list})"),
            )
        }
        R::Boundaries { .. } => pick(
            lang,
            "өңір шекаралары басқа".into(),
            "другие границы регионов".into(),
        ),
        R::Unexplained => pick(
            lang,
            "манифесттер себебін көрсетпейді (сол сипаттама, деректер мен параметрлер)".into(),
            "манифесты не указывают причину (та же спецификация, данные и параметры)".into(),
        ),
    };
    phrase.unwrap_or_else(|| r.to_string())
}

/// The revisions' one-line summary in the report's language.
pub fn revisions_summary(rev: &crate::edition::Revisions, lang: &str) -> String {
    if !matches!(lang, "kk" | "ru") {
        return rev.summary();
    }
    if rev.rows.is_empty() {
        return pick(
            lang,
            "жарияланған мәндердің ешқайсысы қайта қаралмады".into(),
            "ни одно опубликованное значение не пересмотрено".into(),
        )
        .unwrap_or_default();
    }
    let years: std::collections::BTreeSet<i32> = rev.rows.iter().map(|r| r.year).collect();
    let years = years
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let ranks = rev
        .rows
        .iter()
        .filter(|r| r.rank_now != r.rank_published)
        .count();
    let largest = rev
        .rows
        .iter()
        .filter_map(|r| Some((r.score_now? - r.score_published?).abs()))
        .fold(0.0, f64::max);
    let reasons = rev
        .reasons
        .iter()
        .map(|r| reason(r, lang))
        .collect::<Vec<_>>()
        .join("; ");
    let n = rev.rows.len();
    pick(
        lang,
        format!("{years} жылдары жарияланған {n} мән қайта қаралды ({ranks} орын өзгерді, балдың ең үлкен өзгерісі {largest:.2}): {reasons}"),
        format!("пересмотрено опубликованных значений за {years}: {n} (изменилось мест: {ranks}, наибольший пересмотр балла {largest:.2}): {reasons}"),
    )
    .unwrap_or_default()
}

/// How a cell was changed (the log's `how`: an imputation's name, or a treatment's), in the
/// report's language.
pub fn change(how: &str, lang: &str) -> String {
    let (kk, ru) = match how {
        "mean" => ("орташа мән", "среднее"),
        "median" => ("медиана", "медиана"),
        "group-mean" => ("топтың орташа мәні", "среднее по группе"),
        "group-median" => ("топтың медианасы", "медиана по группе"),
        "interpolate" => ("интерполяция", "интерполяция"),
        "carry" => ("жақын жылдың мәні", "значение ближайшего года"),
        "ln" => ("натурал логарифм", "натуральный логарифм"),
        "sqrt" => ("квадрат түбір", "квадратный корень"),
        "winsorised" => ("винзорландырылған", "винзоризация"),
        h if h.starts_with("winsorised") => (
            "винзорландырылған (шектен тыс мәндер ережесі)",
            "винзоризация (правило для выбросов)",
        ),
        h if h.starts_with("log-transformed") => (
            "логарифмделген (шектен тыс мәндер ережесі)",
            "логарифмирование (правило для выбросов)",
        ),
        _ => return how.to_string(),
    };
    pick(lang, kk.to_string(), ru.to_string()).unwrap_or_else(|| how.to_string())
}
