//! `vakwerk new`: the skeleton of a new page of a kind, with the kind's
//! required fields stubbed in. The skeleton itself is pure; the CLI writes
//! it without ever overwriting a file.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::config::{Config, FieldType};
use crate::error::Error;
use crate::slug;

/// The relative path and text of a new page of `kind` (a kind name or its
/// section folder) with `slug`.
pub fn skeleton(
    config: &Config,
    kind: &str,
    slug: &str,
    title: Option<&str>,
    today: &str,
) -> Result<(String, String), Error> {
    let k = config
        .kind(kind)
        .or_else(|| config.kind_by_section(kind))
        .ok_or_else(|| {
            let names: Vec<&str> = config.kinds.iter().map(|k| k.name.as_str()).collect();
            Error::New(format!(
                "unknown kind `{kind}`{}; site.yaml declares: {}",
                crate::diagnostic::hint(kind, names.iter().copied()),
                names.join(", ")
            ))
        })?;
    slug::check(slug).map_err(Error::New)?;
    let title = title.map_or_else(|| crate::config::humanize(slug), str::to_string);
    let mut text = String::from("---\n");
    text.push_str(&format!("title: {}\n", yaml_string(&title)));
    text.push_str("summary: \"\"\n");
    text.push_str(&format!("date: {today}\n"));
    for f in k.fields.iter().filter(|f| f.required) {
        let stub = match &f.ty {
            FieldType::Ref(to) => format!("\"\"  # verplicht: slug van een {to}-pagina"),
            FieldType::Refs(to) => format!("[]  # verplicht: slugs van {to}-pagina's"),
            FieldType::Enum(values) => format!("\"\"  # verplicht, een van: {}", values.join(", ")),
            FieldType::List => "[]  # verplicht: lijst".to_string(),
            other => format!("\"\"  # verplicht: {}", other.name()),
        };
        text.push_str(&format!("{}: {stub}\n", f.name));
    }
    text.push_str("---\n\n## Inleiding\n\n");
    Ok((format!("content/{}/{slug}.md", k.section), text))
}

fn yaml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Today's date (UTC) as `YYYY-MM-DD`. Only `new` reads the clock.
pub fn today() -> String {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
