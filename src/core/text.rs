//! Splitting text at an ASCII separator, byte-wise. `str::split` with a `char` pattern links a
//! general searcher (and its `memchr`); every separator this crate splits at is one ASCII byte.

/// Concatenates `parts` into one string (what `[..].concat()` does, without the generic join
/// code).
pub fn cat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// Splits `text` at the first `separator`: the parts before and after it.
pub fn split_once(text: &str, separator: u8) -> Option<(&str, &str)> {
    let at = text.bytes().position(|b| b == separator)?;
    Some((text.get(..at)?, text.get(at + 1..)?))
}

/// The parts of `text` between `separator`s (all of `text` when there is none).
pub fn split(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    core::iter::from_fn(move || {
        let current = rest?;
        match split_once(current, separator) {
            Some((head, tail)) => {
                rest = Some(tail);
                Some(head)
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// Whether every character of `text` is in ISO-8859-1, as a header value's must be: `Headers.set`
/// throws for any other (a lone surrogate that storage handed over reads as U+FFFD, one of them).
pub fn is_latin1(text: &str) -> bool {
    text.chars().all(|c| u32::from(c) <= 0xFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_must_be_latin1() {
        let cases = [
            ("eyJhbGciOi.J9-_~+/=", true),
            ("", true),
            ("caf\u{e9}\u{ff}", true),
            ("A\u{FFFD}B", false),
            ("\u{100}", false),
            ("\u{1F600}", false),
        ];
        for (text, expected) in cases {
            assert_eq!(is_latin1(text), expected, "{text:?}");
        }
    }

    #[test]
    fn splits_like_str_split() {
        let cases = ["a.b.c", "", ".", "a..b", "no-dot", "é.ü.", ".lead"];
        for text in cases {
            let ours: Vec<&str> = split(text, b'.').collect();
            let std: Vec<&str> = text.split('.').collect();
            assert_eq!(ours, std, "{text:?}");
            assert_eq!(split_once(text, b'.'), text.split_once('.'), "{text:?}");
        }
    }
}
