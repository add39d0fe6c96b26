//! A small YAML document tree where every node knows its line and column.
//!
//! This is the only module that knows the YAML parser (saphyr-parser, the
//! event parser under serde-saphyr). serde_yaml-style deserialisers lose node
//! positions, and diagnostics must point at the exact key or value. Anchors
//! and aliases are refused outright: front matter and `site.yaml` never need
//! them, and they are how "billion laughs" inputs blow up. Depth and node
//! counts are capped for the same reason.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::diagnostic::Loc;

/// Most nodes one document may have.
const MAX_NODES: usize = 50_000;
/// Deepest nesting one document may have.
const MAX_DEPTH: usize = 64;

/// A YAML node with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What the node holds.
    pub value: Value,
    /// Where the node starts.
    pub loc: Loc,
}

/// The three YAML node shapes. Scalars keep their text; typing is up to the
/// schema, so that `sdgs: [1, 10]` can mean the slugs `1` and `10`.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A scalar and whether it was written plain (unquoted).
    Scalar {
        /// The scalar's text.
        text: String,
        /// True when unquoted, so `null`, `~` and `true` keep their meaning.
        plain: bool,
    },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order.
    Map(Vec<(Node, Node)>),
}

/// A syntax or limit error at a position.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlError {
    /// Where the problem is.
    pub loc: Loc,
    /// What the problem is.
    pub message: String,
}

impl Node {
    /// The scalar text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// True for an unquoted `null`, `~` or empty scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// A short English name of the node's shape, for messages.
    pub fn shape(&self) -> &'static str {
        match &self.value {
            Value::Scalar { .. } if self.is_null() => "an empty value",
            Value::Scalar { .. } => "a single value",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// Look up a key in a mapping node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Parse one YAML document. `line_offset` is added to every line so that
/// positions are relative to the enclosing file. Returns `None` for an empty
/// document.
pub fn parse(text: &str, line_offset: u32) -> Result<Option<Node>, YamlError> {
    let mut builder = Builder {
        line_offset,
        nodes: 0,
        stack: Vec::new(),
        root: None,
        docs: 0,
    };
    for item in Parser::new_from_str(text) {
        match item {
            Ok((event, span)) => builder.event(event, span)?,
            Err(e) => {
                let m = e.marker();
                return Err(YamlError {
                    loc: loc_of(m.line(), m.col(), line_offset),
                    message: format!("invalid YAML: {}", e.info()),
                });
            }
        }
    }
    Ok(builder.root)
}

fn loc_of(line: usize, col: usize, offset: u32) -> Loc {
    Loc::new((line as u32).saturating_add(offset), col as u32 + 1)
}

enum Frame {
    Seq(Loc, Vec<Node>),
    Map(Loc, Vec<(Node, Node)>, Option<Node>),
}

struct Builder {
    line_offset: u32,
    nodes: usize,
    stack: Vec<Frame>,
    root: Option<Node>,
    docs: usize,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        let loc = loc_of(span.start.line(), span.start.col(), self.line_offset);
        let err = |message: &str| {
            Err(YamlError {
                loc,
                message: message.to_string(),
            })
        };
        match event {
            Event::DocumentStart(_) => {
                self.docs += 1;
                if self.docs > 1 {
                    return err(
                        "more than one YAML document; front matter holds exactly one mapping",
                    );
                }
            }
            Event::Alias(_) => {
                return err("YAML aliases (`*name`) are not allowed here; write the value out");
            }
            Event::Scalar(text, style, anchor, _) => {
                if anchor != 0 {
                    return err("YAML anchors (`&name`) are not allowed here; write the value out");
                }
                let plain = matches!(style, ScalarStyle::Plain);
                self.push(Node {
                    value: Value::Scalar {
                        text: text.into_owned(),
                        plain,
                    },
                    loc,
                })?;
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) if anchor != 0 => {
                return err("YAML anchors (`&name`) are not allowed here; write the value out");
            }
            Event::SequenceStart(..) => self.open(Frame::Seq(loc, Vec::new()), loc)?,
            Event::MappingStart(..) => self.open(Frame::Map(loc, Vec::new(), None), loc)?,
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Frame::Seq(l, items)) => Node {
                        value: Value::Seq(items),
                        loc: l,
                    },
                    Some(Frame::Map(l, entries, _)) => Node {
                        value: Value::Map(entries),
                        loc: l,
                    },
                    None => return err("unbalanced YAML structure"),
                };
                self.attach(node)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn open(&mut self, frame: Frame, loc: Loc) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError {
                loc,
                message: format!("YAML nested deeper than {MAX_DEPTH} levels"),
            });
        }
        self.count(loc)?;
        self.stack.push(frame);
        Ok(())
    }

    fn count(&mut self, loc: Loc) -> Result<(), YamlError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(YamlError {
                loc,
                message: format!("YAML document has more than {MAX_NODES} values"),
            });
        }
        Ok(())
    }

    fn push(&mut self, node: Node) -> Result<(), YamlError> {
        self.count(node.loc)?;
        self.attach(node)
    }

    fn attach(&mut self, node: Node) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq(_, items)) => items.push(node),
            Some(Frame::Map(_, entries, pending)) => match pending.take() {
                None => {
                    if !matches!(node.value, Value::Scalar { .. }) {
                        return Err(YamlError {
                            loc: node.loc,
                            message: "mapping keys must be plain words".into(),
                        });
                    }
                    if entries.iter().any(|(k, _)| k.as_str() == node.as_str()) {
                        return Err(YamlError {
                            loc: node.loc,
                            message: format!(
                                "duplicate key `{}`; each key may appear once, remove or merge the repeated one",
                                node.as_str().unwrap_or_default()
                            ),
                        });
                    }
                    *pending = Some(node);
                }
                Some(key) => entries.push((key, node)),
            },
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_offset() {
        let doc = parse("title: Hallo\nsdgs: [1, 10]\n", 1).unwrap().unwrap();
        let sdgs = doc.get("sdgs").unwrap();
        assert_eq!(sdgs.loc, Loc::new(3, 7));
        match &sdgs.value {
            Value::Seq(items) => assert_eq!(items[1].loc, Loc::new(3, 11)),
            _ => panic!("not a seq"),
        }
    }

    #[test]
    fn anchors_aliases_and_duplicates_are_refused() {
        assert!(parse("a: &x [1]\nb: *x\n", 0).is_err());
        let e = parse("a: 1\na: 2\n", 0).unwrap_err();
        assert_eq!(e.loc, Loc::new(2, 1));
    }
}
