use super::*;

fn set(access: &str, refresh: Option<&str>, expires_at: Option<f64>) -> TokenSet {
    TokenSet {
        access: Secret::new(access).expect("usable"),
        refresh: refresh.map(|r| Secret::new(r).expect("usable")),
        expires_at,
        issued_at: None,
    }
}

/// Generation `n` of one session: access `A<n>`, refresh `R<n>`.
fn generation(n: u32) -> TokenSet {
    set(&format!("A{n}"), Some(&format!("R{n}")), Some(1_700_000_000_000.0 + f64::from(n)))
}

/// The record another tab writes after renewing generation `from` into `from + 1`, on top of
/// `previous`.
fn renewed(from: u32, previous: Option<&SharedRecord>) -> SharedRecord {
    record_after(&generation(from), Some(&generation(from + 1)), EndReason::OtherTab, previous)
}

#[test]
fn names_are_per_storage_and_keys() {
    assert_eq!(
        coordination_name("localStorage", "access_token", "refresh_token"),
        "fetch-with-refresh:localStorage:access_token:refresh_token"
    );
    let names = [
        coordination_name("localStorage", "a", "r"),
        coordination_name("sessionStorage", "a", "r"),
        coordination_name("localStorage", "b", "r"),
        coordination_name("localStorage", "a", "s"),
    ];
    for (i, a) in names.iter().enumerate() {
        for b in &names[i + 1..] {
            assert_ne!(a, b);
        }
    }
}

#[test]
fn fingerprints_tell_tokens_apart_and_hide_them() {
    let a = Secret::new("eyJhbGciOiJIUzI1NiJ9.a.b").expect("usable");
    let b = Secret::new("eyJhbGciOiJIUzI1NiJ9.a.c").expect("usable");
    assert_eq!(fingerprint(&a), fingerprint(&a.clone()));
    assert_ne!(fingerprint(&a), fingerprint(&b));
    // The record names replaced tokens by fingerprint only.
    let record = renewed(0, None);
    let text = record.encode();
    assert!(!text.contains("R0") && !text.contains("A0"), "{text}");
    assert!(text.contains("A1") && text.contains("R1"));
}

#[test]
fn records_survive_the_store() {
    let ended = record_after(&generation(3), None, EndReason::RefreshRejected, Some(&renewed(2, None)));
    let cases = [
        renewed(0, None),
        renewed(1, Some(&renewed(0, None))),
        record_after(&set("A", None, None), Some(&set("B", None, None)), EndReason::OtherTab, None),
        record_after(&generation(0), Some(&set("A1", Some("R1"), Some(1.5))), EndReason::OtherTab, None),
        ended,
        record_logout(&generation(0), None),
    ];
    for record in cases {
        let decoded = SharedRecord::decode(&record.encode()).expect("decodes");
        let mut expected = record.clone();
        // Expiry is stored to the millisecond.
        if let Some(tokens) = &mut expected.tokens {
            tokens.expires_at = tokens.expires_at.map(f64::round);
        }
        assert_eq!(decoded, expected);
    }
}

#[test]
fn foreign_or_damaged_records_are_ignored() {
    let good = renewed(0, None).encode();
    let cases = [
        String::new(),
        "2\nA\nR\n\n0123456789abcdef".to_owned(),
        "1\nA\nR".to_owned(),
        "1\nA\nR\nsoon\n0123456789abcdef".to_owned(),
        "1\nA\nR\n1e400\n0123456789abcdef".to_owned(),
        "1\nA\nR\n\nnot-hex".to_owned(),
        "1\n\n\nno-such-reason\n0123456789abcdef".to_owned(),
        "1\nA B\nR\n\n0123456789abcdef".to_owned(),
        good.replace('\n', "\r\n"),
    ];
    for text in cases {
        assert_eq!(SharedRecord::decode(&text), None, "{text:?}");
    }
}

#[test]
fn generations_carry_over_and_are_bounded() {
    let mut record = renewed(0, None);
    for n in 1..20 {
        record = renewed(n, Some(&record));
        assert!(record.replaced(&generation(n)));
        // A tab that slept through up to REMEMBERED_GENERATIONS rotations still knows its tokens
        // were replaced.
        let oldest = (n + 1).saturating_sub(REMEMBERED_GENERATIONS as u32);
        assert!(record.replaced(&generation(oldest)), "{n}: generation {oldest}");
        assert!(record.replaced.len() <= REMEMBERED_GENERATIONS);
        assert!(!record.replaced(&generation(n + 1)), "the newest tokens are not replaced");
    }
    // A record about another session does not carry over.
    let other = record_after(
        &set("X0", Some("Y0"), None),
        Some(&set("X1", Some("Y1"), None)),
        EndReason::OtherTab,
        None,
    );
    let next = renewed(19, Some(&other));
    assert_eq!(next.replaced.len(), 1);
}

#[test]
fn inside_the_lock_a_tab_refreshes_only_what_nobody_replaced() {
    let g0 = generation(0);
    let g1 = generation(1);
    let mine = set("MINE", Some("OWN"), None);
    let after_two = renewed(1, Some(&renewed(0, None)));
    let ended = record_after(&g0, None, EndReason::RefreshRejected, None);
    let logout = record_logout(&g1, Some(&renewed(0, None)));
    let unrelated = record_after(
        &set("X0", Some("Y0"), None),
        Some(&set("X1", Some("Y1"), None)),
        EndReason::OtherTab,
        None,
    );
    type Case = (&'static str, TokenSet, Option<TokenSet>, Option<SharedRecord>, Turn);
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        ("first refresh ever", g0.clone(), Some(g0.clone()), None, Turn::Refresh(g0.clone())),
        ("another tab rotated; storage here is stale", g0.clone(), Some(g0.clone()), Some(renewed(0, None)), Turn::Adopt(g1.clone())),
        ("another tab rotated; storage here already shows it", g0.clone(), Some(g1.clone()), Some(renewed(0, None)), Turn::Adopt(g1.clone())),
        ("a sessionStorage copy two rotations behind", g0.clone(), Some(g0.clone()), Some(after_two.clone()), Turn::Adopt(generation(2))),
        ("the record is this tab's own last refresh", g1.clone(), Some(g1.clone()), Some(renewed(0, None)), Turn::Refresh(g1.clone())),
        ("the session ended in another tab", g0.clone(), Some(g0.clone()), Some(ended.clone()), Turn::Ended(EndReason::RefreshRejected)),
        ("ended, and storage was cleared by that tab", g0.clone(), None, Some(ended), Turn::Ended(EndReason::RefreshRejected)),
        ("a logout in another tab, one generation ahead", g0.clone(), Some(g0.clone()), Some(logout), Turn::Ended(EndReason::Logout)),
        ("a record about another session", mine.clone(), Some(mine.clone()), Some(renewed(0, None)), Turn::Refresh(mine.clone())),
        ("this tab logged in anew since that session", g0.clone(), Some(mine.clone()), Some(unrelated.clone()), Turn::Adopt(mine.clone())),
        ("a record replacing what the app set meanwhile", g0.clone(), Some(set("X0", Some("Y0"), None)), Some(unrelated), Turn::Adopt(set("X1", Some("Y1"), None))),
        ("the app set tokens while the tab waited", g0.clone(), Some(mine.clone()), None, Turn::Adopt(mine.clone())),
        ("the tokens were cleared while the tab waited", g0.clone(), None, None, Turn::Gone),
        ("no record could be read: storage decides", g0.clone(), Some(g0.clone()), None, Turn::Refresh(g0.clone())),
    ];
    for (name, basis, stored, shared, expected) in cases {
        assert_eq!(decide(&basis, stored.as_ref(), shared.as_ref()), expected, "{name}");
    }
}

#[test]
fn custom_refresh_functions_are_recognised_by_their_access_token() {
    let old = set("OLD", None, None);
    let new = set("NEW", None, None);
    let record = record_after(&old, Some(&new), EndReason::OtherTab, None);
    assert_eq!(decide(&old, Some(&old), Some(&record)), Turn::Adopt(new.clone()));
    assert_eq!(decide(&new, Some(&new), Some(&record)), Turn::Refresh(new));
}

#[test]
fn a_tab_that_hears_a_message_follows_only_its_own_session() {
    let g0 = generation(0);
    let g1 = generation(1);
    let mine = set("MINE", Some("OWN"), None);
    let ended = record_after(&g0, None, EndReason::RefreshRejected, None);
    let logout = record_logout(&g0, None);
    type Case = (&'static str, Message, Option<TokenSet>, bool, Option<SharedRecord>, Follow);
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        ("renewed; shared storage already shows it", Message::Renewed, Some(g1.clone()), true, Some(renewed(0, None)), Follow::InStep(g1.clone())),
        ("renewed; a sessionStorage copy takes it", Message::Renewed, Some(g0.clone()), true, Some(renewed(0, None)), Follow::Take(g1.clone())),
        ("renewed; a tab logged in on its own", Message::Renewed, Some(mine.clone()), true, Some(renewed(0, None)), Follow::Ignore),
        ("renewed; a tab without tokens", Message::Renewed, None, false, Some(renewed(0, None)), Follow::Ignore),
        ("ended; this tab holds the dead tokens", Message::Ended, Some(g0.clone()), true, Some(ended.clone()), Follow::End(EndReason::RefreshRejected)),
        ("ended; shared storage cleared, the tab held a session", Message::Ended, None, true, Some(ended.clone()), Follow::End(EndReason::RefreshRejected)),
        ("ended; a tab that never held a session", Message::Ended, None, false, Some(ended.clone()), Follow::Ignore),
        ("ended; a tab logged in on its own", Message::Ended, Some(mine.clone()), true, Some(ended), Follow::Ignore),
        ("logout elsewhere", Message::Ended, None, true, Some(logout), Follow::End(EndReason::Logout)),
        ("ended, but the record shows new tokens (a login since)", Message::Ended, None, true, Some(renewed(0, None)), Follow::Ignore),
        ("renewed, but the record shows the end (a logout since)", Message::Renewed, Some(g0.clone()), true, Some(record_logout(&g0, None)), Follow::Ignore),
        ("no record", Message::Renewed, Some(g0.clone()), true, None, Follow::Ignore),
    ];
    for (name, message, stored, held, shared, expected) in cases {
        assert_eq!(follow(message, stored.as_ref(), held, shared.as_ref()), expected, "{name}");
    }
}

#[test]
fn a_logout_ends_the_newest_tokens_of_the_same_session() {
    // This tab logs out holding generation 0, another tab had rotated to generation 1.
    let record = record_logout(&generation(0), Some(&renewed(0, None)));
    assert_eq!(record.tokens, None);
    assert_eq!(record.ended, Some(EndReason::Logout));
    assert!(record.replaced(&generation(0)) && record.replaced(&generation(1)));
    // A logout in a session unrelated to the record leaves the record's session alone.
    let record = record_logout(&set("X", Some("Y"), None), Some(&renewed(0, None)));
    assert!(!record.replaced(&generation(1)));
}

#[test]
fn messages_are_two_words() {
    for message in [Message::Renewed, Message::Ended] {
        assert_eq!(Message::parse(message.as_str()), Some(message));
    }
    assert_eq!(Message::parse("refresh"), None);
    assert_eq!(Message::parse(""), None);
}

#[test]
fn an_ended_record_names_the_dead_access_token() {
    let refused = record_after(&generation(0), None, EndReason::RefreshRejected, None);
    assert_eq!(refused.ended_for(&generation(0).access), Some(EndReason::RefreshRejected));
    assert_eq!(refused.ended_for(&generation(1).access), None);
    let logout = record_logout(&generation(0), Some(&renewed(0, None)));
    assert_eq!(logout.ended_for(&generation(0).access), Some(EndReason::Logout));
    assert_eq!(logout.ended_for(&generation(1).access), Some(EndReason::Logout), "the newest too");
    assert_eq!(renewed(0, None).ended_for(&generation(0).access), None, "renewed, not ended");
    let decoded = SharedRecord::decode(&logout.encode()).expect("decodes");
    assert_eq!(decoded.ended_for(&generation(1).access), Some(EndReason::Logout));
}
