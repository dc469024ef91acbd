//! The little JSON the core needs without a JSON library: writing string values into the refresh
//! body, reading numeric claims (`exp`) out of a JWT payload, and reading the options (which the
//! browser side hands over as `JSON.stringify` text, so that validating them is plain Rust).
//!
//! Parsing JSON bodies of HTTP responses is not done here: the browser side uses `JSON.parse`,
//! which is faster and costs no bytes. This module only has to be correct on the small inputs
//! above, and it refuses (returns `None`) rather than guesses on anything it does not understand.

use crate::prelude::*;

/// How deeply nested a JWT payload may be before the scanner gives up.
const MAX_DEPTH: usize = 32;

/// Appends `value` to `out` as a JSON string literal, quotes included.
pub fn push_string(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for ch in value.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 0xf] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Parses a plain decimal number (`-12`, `1700000000`, `1.5`). Exponents, `NaN`, signs other than
/// a leading `-`, and anything else are refused: this reads claims and stored timestamps, which
/// are written as plain numbers, without pulling the float parser into the wasm module.
pub fn parse_number(text: &str) -> Option<f64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    if whole.is_empty() || whole.len() > 17 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut value = whole.bytes().fold(0.0, |acc, b| acc * 10.0 + f64::from(b - b'0'));
    if let Some(fraction) = fraction {
        if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut scale = 0.1;
        for b in fraction.bytes().take(9) {
            value += f64::from(b - b'0') * scale;
            scale /= 10.0;
        }
    }
    Some(if negative { -value } else { value })
}

/// Writes a whole number in decimal (`1700000000123`, `-1`), or `None` when `value` is not a whole
/// number below 10^15. Used for stored timestamps and business codes, without the float formatter.
pub fn integer_text(value: f64) -> Option<String> {
    if !value.is_finite() || value % 1.0 != 0.0 || value.abs() >= 1e15 {
        return None;
    }
    let mut digits = Vec::new();
    let mut n = value.abs() as u64;
    loop {
        digits.push(b'0' + (n % 10) as u8);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if value < 0.0 {
        digits.push(b'-');
    }
    digits.reverse();
    String::from_utf8(digits).ok()
}

/// A parsed JSON value. Numbers keep their text: [`Json::as_f64`] reads the plain decimals this
/// crate needs and refuses the rest.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string.
    Text(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, members in order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// Parses a complete JSON text; `None` when it is not well formed (or nested too deeply).
    pub fn parse(text: &str) -> Option<Json> {
        let mut scanner = Scanner { bytes: text.as_bytes(), text, pos: 0 };
        let value = scanner.value(0)?;
        scanner.skip_ws();
        (scanner.pos == scanner.bytes.len()).then_some(value)
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            // The last one wins, as in `JSON.parse`.
            Json::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A plain decimal number (see [`parse_number`]).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(text) => parse_number(text),
            _ => None,
        }
    }

    /// A string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The kind of value, as error messages name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "boolean",
            Json::Number(_) => "number",
            Json::Text(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "object",
        }
    }
}

/// Reads the number stored under `key` at the top level of the JSON object `text`.
///
/// Returns `None` when `text` is not well-formed JSON, when the key is missing, or when its
/// value is not a plain number.
pub fn top_level_number(text: &str, key: &str) -> Option<f64> {
    Json::parse(text)?.get(key)?.as_f64()
}

/// A cursor over JSON text.
struct Scanner<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn eat(&mut self, expected: u8) -> Option<()> {
        (self.next()? == expected).then_some(())
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Reads a string literal and returns its decoded text.
    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while !matches!(self.peek()?, b'"' | b'\\') {
                if self.peek()? < 0x20 {
                    return None;
                }
                self.pos += 1;
            }
            out.push_str(self.text.get(start..self.pos)?);
            if self.next()? == b'"' {
                return Some(out);
            }
            let decoded = match self.next()? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => self.unicode_escape()?,
                _ => return None,
            };
            out.push(decoded);
        }
    }

    /// Decodes the hex digits after `\u`, joining a surrogate pair when one follows.
    fn unicode_escape(&mut self) -> Option<char> {
        let high = self.hex4()?;
        if !(0xD800..0xDC00).contains(&high) {
            return char::from_u32(high);
        }
        self.eat(b'\\')?;
        self.eat(b'u')?;
        let low = self.hex4()?;
        if !(0xDC00..0xE000).contains(&low) {
            return None;
        }
        char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut value = 0;
        for _ in 0..4 {
            value = value * 16 + char::from(self.next()?).to_digit(16)?;
        }
        Some(value)
    }

    /// Reads one value of any kind, after optional white space.
    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_ws();
        match self.peek()? {
            b'"' => self.string().map(Json::Text),
            b'{' | b'[' => self.container(depth),
            b't' => self.literal("true", Json::Bool(true)),
            b'f' => self.literal("false", Json::Bool(false)),
            b'n' => self.literal("null", Json::Null),
            _ => self.number(),
        }
    }

    fn container(&mut self, depth: usize) -> Option<Json> {
        let keyed = self.next()? == b'{';
        let close = if keyed { b'}' } else { b']' };
        let (mut members, mut items) = (Vec::new(), Vec::new());
        self.skip_ws();
        if self.peek()? == close {
            self.pos += 1;
        } else {
            loop {
                if keyed {
                    self.skip_ws();
                    let key = self.string()?;
                    self.skip_ws();
                    self.eat(b':')?;
                    members.push((key, self.value(depth + 1)?));
                } else {
                    items.push(self.value(depth + 1)?);
                }
                self.skip_ws();
                match self.next()? {
                    b',' => continue,
                    b if b == close => break,
                    _ => return None,
                }
            }
        }
        Some(if keyed { Json::Object(members) } else { Json::Array(items) })
    }

    fn literal(&mut self, word: &str, value: Json) -> Option<Json> {
        let end = self.pos + word.len();
        (self.bytes.get(self.pos..end)? == word.as_bytes()).then(|| {
            self.pos = end;
            value
        })
    }

    /// Reads a number token (any JSON number, exponents included: they are valid JSON even
    /// though [`parse_number`] will not read them).
    fn number(&mut self) -> Option<Json> {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')) {
            self.pos += 1;
        }
        (self.pos > start)
            .then(|| self.text.get(start..self.pos).map(|t| Json::Number(t.to_owned())))
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        let cases = [
            ("plain", "\"plain\""),
            ("a\"b\\c", "\"a\\\"b\\\\c\""),
            ("line\nbreak\ttab\r", "\"line\\nbreak\\ttab\\r\""),
            ("\u{1}", "\"\\u0001\""),
            ("日本", "\"日本\""),
        ];
        for (input, expected) in cases {
            let mut out = String::new();
            push_string(&mut out, input);
            assert_eq!(out, expected, "escaping {input:?}");
        }
    }

    #[test]
    fn numbers_parse_or_are_refused() {
        let cases = [
            ("0", Some(0.0)),
            ("1700000000", Some(1_700_000_000.0)),
            ("-5", Some(-5.0)),
            ("1.5", Some(1.5)),
            ("1700000000123", Some(1_700_000_000_123.0)),
            ("", None),
            ("-", None),
            ("1.", None),
            ("1e9", None),
            ("NaN", None),
            ("12a", None),
            (" 12", None),
            ("+3", None),
            ("123456789012345678", None),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_number(input), expected, "parsing {input:?}");
        }
    }

    #[test]
    fn integers_are_written() {
        let cases = [
            (0.0, Some("0")),
            (-1.0, Some("-1")),
            (1_700_000_000_123.0, Some("1700000000123")),
            (1.5, None),
            (f64::INFINITY, None),
            (1e16, None),
        ];
        for (value, expected) in cases {
            assert_eq!(integer_text(value).as_deref(), expected, "{value}");
        }
    }

    #[test]
    fn top_level_numbers_are_found_only_at_the_top() {
        let cases = [
            (r#"{"exp":1700000000}"#, Some(1_700_000_000.0)),
            (r#" { "sub" : "x", "exp" : 42 } "#, Some(42.0)),
            (r#"{"nested":{"exp":1},"exp":2}"#, Some(2.0)),
            (r#"{"nested":{"exp":1}}"#, None),
            (r#"{"list":[1,{"exp":3}],"exp":4}"#, Some(4.0)),
            (r#"{"\u0065xp":5}"#, Some(5.0)),
            (r#"{"exp":"5"}"#, None),
            (r#"{"exp":1e3}"#, None),
            (r#"{"a":true,"b":null,"c":false,"exp":6}"#, Some(6.0)),
            (r#"{"s":"quote\"brace}","exp":7}"#, Some(7.0)),
            (r#"{"exp":8"#, None),
            (r#"{"exp":8} trailing"#, None),
            (r#"[{"exp":9}]"#, None),
            (r#"{"exp":9,}"#, None),
            ("{}", None),
            ("", None),
            (r#"{"bad":"\x"}"#, None),
            (r#"{"emoji":"\ud83d\ude00","exp":10}"#, Some(10.0)),
            (r#"{"lone":"\ud83d","exp":10}"#, None),
        ];
        for (input, expected) in cases {
            assert_eq!(top_level_number(input, "exp"), expected, "scanning {input}");
        }
    }

    #[test]
    fn values_of_every_kind_parse() {
        let parsed = Json::parse(r#"{"a":[1,"x",true,null,{"b":-2.5}],"s":"\u00e9"}"#).expect("valid");
        assert_eq!(parsed.get("s").and_then(Json::as_str), Some("é"));
        let Some(Json::Array(items)) = parsed.get("a") else { panic!("array expected") };
        let kinds: Vec<&str> = items.iter().map(Json::kind).collect();
        assert_eq!(kinds, ["number", "string", "boolean", "null", "object"]);
        assert_eq!(items[4].get("b").and_then(Json::as_f64), Some(-2.5));
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"open", "{} {}", "[1 2]"] {
            assert_eq!(Json::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = format!("{{\"a\":{}1{},\"exp\":1}}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(top_level_number(&deep, "exp"), None);
    }
}
