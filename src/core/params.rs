//! The `params` of an axios-shaped call, serialized into the query the way axios 1.x does it
//! (`buildURL` over `toFormData` with its default visitor): a flat array at the top level is
//! `key[]=a&key[]=b`, nested objects and arrays are `a[b][0]=c`, `null` and `undefined` are left
//! out, a key ending in `{}` sends its value as JSON, and names and values are encoded with
//! `encodeURIComponent` but keep `: $ ,` and turn spaces into `+`.
//!
//! The web side turns the JavaScript value into a [`Param`] tree (a scalar as the string
//! JavaScript makes of it, a `Date` as its ISO string, and the value of a key [`wants_json`] as
//! `JSON.stringify` makes it); this decides the keys and the encoding. `tests/fixtures/
//! axios-params.json` holds what axios itself gives for a table of params: the tests here check
//! this serializer against it, and `tests/pack/axios-params.test.mjs` checks axios against it.

/// Whether the value of the top-level key `key`, when it is an object or an array, is sent as
/// its JSON text (axios' `{}` suffix).
pub fn wants_json(key: &str) -> bool {
    key.trim().ends_with("{}")
}

/// One value of `params`.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    /// `null` or `undefined`: left out.
    Absent,
    /// A scalar, as its string (a `Date` as `toISOString()`, `null` inside a flat array is absent).
    Text(String),
    /// An array.
    List(Vec<Param>),
    /// A plain object, its own enumerable keys in order.
    Map(Vec<(String, Param)>),
    /// The value under a key that ends in `{}`: already `JSON.stringify`'d by the web side.
    Json(String),
}

impl Param {
    /// An array or plain object: axios visits it instead of appending it.
    fn is_visitable(&self) -> bool {
        matches!(self, Param::List(_) | Param::Map(_))
    }
}

/// `key` without a trailing `[]`.
fn remove_brackets(key: &str) -> &str {
    key.strip_suffix("[]").unwrap_or(key)
}

/// The serialized query of `params` (a plain object's entries), without the `?`; empty when
/// nothing is left.
pub fn serialize(params: &[(String, Param)]) -> String {
    let mut pairs: Vec<(String, &str)> = Vec::new();
    for (key, value) in params {
        let key = key.trim();
        match value {
            Param::Absent => {}
            Param::Text(text) | Param::Json(text) => pairs.push((key.to_owned(), text)),
            // A flat array, or any array under a `key[]`: one `key[]` pair per item.
            Param::List(items) if key.ends_with("[]") || !items.iter().any(Param::is_visitable) => {
                let name = format!("{}[]", remove_brackets(key));
                for item in items {
                    // An object inside a `key[]` array would be sent as "[object Object]" by
                    // axios: it is left out here.
                    if let Param::Text(text) = item {
                        pairs.push((name.clone(), text));
                    }
                }
            }
            nested => push_nested(nested, remove_brackets(key).to_owned(), &mut pairs),
        }
    }
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        encode_into(&name, &mut out);
        out.push('=');
        encode_into(value, &mut out);
    }
    out
}

/// A value below the top level, named `name` in full: an array's items are `name[0]`…, an
/// object's values `name[key]`.
fn push_nested<'a>(value: &'a Param, name: String, pairs: &mut Vec<(String, &'a str)>) {
    match value {
        Param::Absent => {}
        Param::Text(text) | Param::Json(text) => pairs.push((name, text)),
        Param::List(items) => {
            for (index, item) in items.iter().enumerate() {
                push_nested(item, format!("{name}[{index}]"), pairs);
            }
        }
        Param::Map(entries) => {
            for (key, item) in entries {
                push_nested(item, format!("{name}[{}]", remove_brackets(key.trim())), pairs);
            }
        }
    }
}

/// Appends `text` encoded as axios' `buildURL` does: `encodeURIComponent`, then `%3A`, `%24`,
/// `%2C` back to `: $ ,` and `%20` to `+`.
fn encode_into(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'():$,".contains(&b) {
            out.push(char::from(b));
        } else if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
}

/// `url` with `query` added as axios does: after a `?` or an `&`, with any `#fragment` dropped.
pub fn with_query(url: &str, query: &str) -> String {
    if query.is_empty() {
        return url.to_owned();
    }
    let url = crate::core::text::split(url, b'#').next().unwrap_or(url);
    let joiner = if url.contains('?') { '&' } else { '?' };
    let mut out = String::with_capacity(url.len() + 1 + query.len());
    out.push_str(url);
    out.push(joiner);
    out.push_str(query);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Param {
        Param::Text(s.to_owned())
    }

    /// A JSON value as the web side hands it over: `null` absent, scalars as JavaScript's
    /// `String()` makes them (the fixture's numbers print alike in both), the value of a
    /// top-level `{}` key as its JSON.
    fn param(value: &serde_json::Value) -> Param {
        use serde_json::Value;
        match value {
            Value::Null => Param::Absent,
            Value::Bool(b) => Param::Text(b.to_string()),
            Value::Number(n) => Param::Text(n.to_string()),
            Value::String(s) => Param::Text(s.clone()),
            Value::Array(items) => Param::List(items.iter().map(param).collect()),
            Value::Object(entries) => {
                Param::Map(entries.iter().map(|(k, v)| (k.clone(), param(v))).collect())
            }
        }
    }

    #[test]
    fn params_serialize_as_axios_does() {
        let fixture: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/axios-params.json")).expect("JSON");
        let cases = fixture.as_array().expect("an array");
        assert!(cases.len() >= 25);
        for case in cases {
            let params: Vec<(String, Param)> = case["params"]
                .as_object()
                .expect("an object")
                .iter()
                .map(|(key, value)| {
                    let value = match value {
                        serde_json::Value::Object(_) | serde_json::Value::Array(_) if wants_json(key) => {
                            Param::Json(value.to_string())
                        }
                        _ => param(value),
                    };
                    (key.clone(), value)
                })
                .collect();
            assert_eq!(serialize(&params), case["query"].as_str().expect("a query"), "{}", case["params"]);
        }
        // A `Date` reaches here as its ISO string.
        let at = vec![("at".to_owned(), text("2020-01-02T03:04:05.000Z"))];
        assert_eq!(serialize(&at), "at=2020-01-02T03:04:05.000Z");
    }

    #[test]
    fn the_query_is_added_after_the_url() {
        let cases = [
            ("/x", "a=1", "/x?a=1"),
            ("/x?b=2", "a=1", "/x?b=2&a=1"),
            ("/x#frag", "a=1", "/x?a=1"),
            ("/x#frag", "", "/x#frag"),
            ("https://api.test/v1/items", "page=2", "https://api.test/v1/items?page=2"),
        ];
        for (url, query, expected) in cases {
            assert_eq!(with_query(url, query), expected, "{url} + {query}");
        }
    }
}
