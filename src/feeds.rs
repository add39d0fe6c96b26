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
pub fn all(site: &Site<'_>, redirect_title: &str) -> Vec<OutputFile> {
    let mut out = vec![sitemap(site), atom(site), graph(site), robots(site)];
    out.extend(redirects(site, redirect_title));
    out
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
    url: String,
    title: &'a str,
    kind: &'a str,
}

#[derive(Serialize)]
struct GraphEdge<'a> {
    source: String,
    target: String,
    field: &'a str,
}

#[derive(Serialize)]
struct Graph<'a> {
    nodes: Vec<GraphNode<'a>>,
    edges: Vec<GraphEdge<'a>>,
}

fn graph(site: &Site<'_>) -> OutputFile {
    let kind_name = |p: &'_ crate::page::Page| -> &'static str {
        match p.role {
            Role::Home => "home",
            Role::Section => "section",
            Role::Page => "",
        }
    };
    let nodes = site
        .pages
        .iter()
        .map(|p| GraphNode {
            url: url(site, &p.path),
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
    let edges = site
        .edges
        .iter()
        .map(|e| GraphEdge {
            source: url(site, &site.pages[e.source].path),
            target: url(site, &site.pages[e.target].path),
            field: &e.field,
        })
        .collect();
    let json = serde_json::to_string(&Graph { nodes, edges }).unwrap_or_else(|_| "{}".into());
    file("graph.json", json + "\n")
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
