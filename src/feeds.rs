//! Machine-readable outputs: `sitemap.xml`, `atom.xml`, `graph.json`,
//! `robots.txt` and the redirect pages for aliases.
//!
//! They are written directly (XML escaping by hand, JSON with serde_json)
//! rather than through templates, because template engines escape for HTML
//! text only. Nothing here reads the clock: feed dates come from content.

use serde::Serialize;

use crate::build::OutputFile;
use crate::markdown::escape_html;
use crate::page::Role;
use crate::render::{permalink, url};
use crate::site::Site;

/// How many entries `atom.xml` holds.
const FEED_ENTRIES: usize = 30;

/// All machine-readable outputs of a site.
///
/// Each file is made when the iterator reaches it, so a build writes one
/// before it makes the next: at 100,000 pages `graph.json` alone is 130 MB.
pub fn all<'a>(
    site: &'a Site<'a>,
    redirect_title: &'a str,
) -> impl Iterator<Item = OutputFile> + 'a {
    let fixed: [fn(&Site<'_>) -> OutputFile; 4] = [sitemap, atom, graph, robots];
    fixed
        .into_iter()
        .map(move |make| make(site))
        .chain(std::iter::once(()).flat_map(move |()| redirects(site, redirect_title)))
}

fn xml(s: &str) -> String {
    escape_html(s)
}

fn file(path: &str, text: String) -> OutputFile {
    OutputFile {
        path: path.to_string(),
        bytes: text.into_bytes(),
    }
}

fn sitemap(site: &Site<'_>) -> OutputFile {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in &site.pages {
        s.push_str("  <url><loc>");
        s.push_str(&xml(&permalink(site, &p.path)));
        s.push_str("</loc>");
        if let Some(d) = p.updated.as_ref().or(p.date.as_ref()) {
            s.push_str("<lastmod>");
            s.push_str(&xml(d));
            s.push_str("</lastmod>");
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    file("sitemap.xml", s)
}

fn atom(site: &Site<'_>) -> OutputFile {
    let mut dated: Vec<(&str, usize)> = site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.role == Role::Page)
        .filter_map(|(i, p)| p.updated.as_deref().or(p.date.as_deref()).map(|d| (d, i)))
        .collect();
    dated.sort_by(|a, b| {
        b.0.cmp(a.0)
            .then_with(|| site.pages[a.1].path.cmp(&site.pages[b.1].path))
    });
    dated.truncate(FEED_ENTRIES);
    let newest = dated.first().map_or("1970-01-01", |d| d.0);
    let home = permalink(site, "");
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"",
    );
    s.push_str(&format!(" xml:lang=\"{}\">\n", xml(&site.config.language)));
    s.push_str(&format!("  <title>{}</title>\n", xml(&site.config.title)));
    s.push_str(&format!("  <id>{}</id>\n", xml(&home)));
    s.push_str(&format!("  <link href=\"{}\"/>\n", xml(&home)));
    s.push_str(&format!(
        "  <link rel=\"self\" href=\"{}\"/>\n",
        xml(&permalink(site, "atom.xml"))
    ));
    s.push_str(&format!("  <updated>{newest}T00:00:00Z</updated>\n"));
    for (date, i) in dated {
        let p = &site.pages[i];
        let link = permalink(site, &p.path);
        s.push_str("  <entry>\n");
        s.push_str(&format!("    <title>{}</title>\n", xml(&p.title)));
        s.push_str(&format!("    <id>{}</id>\n", xml(&link)));
        s.push_str(&format!("    <link href=\"{}\"/>\n", xml(&link)));
        s.push_str(&format!("    <updated>{}T00:00:00Z</updated>\n", xml(date)));
        s.push_str(&format!(
            "    <author><name>{}</name></author>\n",
            xml(&site.config.title)
        ));
        s.push_str(&format!("    <summary>{}</summary>\n", xml(&p.summary)));
        s.push_str("  </entry>\n");
    }
    s.push_str("</feed>\n");
    file("atom.xml", s)
}

#[derive(Serialize)]
struct GraphNode<'a> {
    url: &'a str,
    title: &'a str,
    kind: &'a str,
}

#[derive(Serialize)]
struct GraphEdge<'a> {
    source: &'a str,
    target: &'a str,
    field: &'a str,
}

#[derive(Serialize)]
struct Graph<'a> {
    nodes: Vec<GraphNode<'a>>,
    edges: Edges<'a>,
}

/// The edges, serialised straight from the site's edge list. A large site
/// has over a million: as owned structs with their URLs copied they were
/// the build's memory peak (about 250 MB at 100,000 pages).
struct Edges<'a> {
    site: &'a Site<'a>,
    urls: &'a [String],
}

impl Serialize for Edges<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.site.edges.iter().map(|e| GraphEdge {
            source: &self.urls[e.source],
            target: &self.urls[e.target],
            field: &e.field,
        }))
    }
}

fn graph(site: &Site<'_>) -> OutputFile {
    let kind_name = |p: &'_ crate::page::Page| -> &'static str {
        match p.role {
            Role::Home => "home",
            Role::Section => "section",
            Role::Page => "",
        }
    };
    let urls: Vec<String> = site.pages.iter().map(|p| url(site, &p.path)).collect();
    let nodes = site
        .pages
        .iter()
        .zip(&urls)
        .map(|(p, url)| GraphNode {
            url,
            title: &p.title,
            kind: p
                .kind
                .as_deref()
                .filter(|_| p.role == Role::Page)
                .unwrap_or_else(|| {
                    if p.role == Role::Page {
                        "page"
                    } else {
                        kind_name(p)
                    }
                }),
        })
        .collect();
    // Sized up front (the URLs and field names plus the JSON around them;
    // titles may need escapes), so the text does not double past its size.
    let edge_bytes: usize = site
        .edges
        .iter()
        .map(|e| urls[e.source].len() + urls[e.target].len() + e.field.len() + 40)
        .sum();
    let node_bytes: usize = site
        .pages
        .iter()
        .zip(&urls)
        .map(|(p, u)| u.len() + p.title.len() + 40)
        .sum();
    let mut json = Vec::with_capacity(edge_bytes + node_bytes + 64);
    let graph = Graph {
        nodes,
        edges: Edges { site, urls: &urls },
    };
    if serde_json::to_writer(&mut json, &graph).is_err() {
        json = b"{}".to_vec();
    }
    json.push(b'\n');
    OutputFile {
        path: "graph.json".to_string(),
        bytes: json,
    }
}

fn robots(site: &Site<'_>) -> OutputFile {
    file(
        "robots.txt",
        format!(
            "User-agent: *\nAllow: /\nSitemap: {}\n",
            permalink(site, "sitemap.xml")
        ),
    )
}

fn redirects(site: &Site<'_>, title: &str) -> Vec<OutputFile> {
    let mut out = Vec::new();
    for p in &site.pages {
        for (alias, _) in &p.aliases {
            let target = url(site, &p.path);
            let canonical = permalink(site, &p.path);
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}: {page}</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n<link rel=\"icon\" href=\"{icon}\" type=\"image/svg+xml\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={target}\">\n</head>\n<body>\n<p><a href=\"{target}\">{page}</a></p>\n</body>\n</html>\n",
                lang = xml(&site.config.language),
                title = xml(title),
                page = xml(&p.title),
                canonical = xml(&canonical),
                target = xml(&target),
                icon = xml(&url(site, "favicon.svg")),
            );
            let path = if alias.ends_with(".html") {
                alias.clone()
            } else {
                format!("{alias}index.html")
            };
            out.push(OutputFile {
                path,
                bytes: html.into_bytes(),
            });
        }
    }
    out
}
