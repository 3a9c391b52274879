//! `smriti import` of Anki packages written by Anki itself (tests/fixtures/anki, made by
//! make_fixtures.py there): each format, a re-import, a dry run, broken and wrong files, and
//! the history replayed through the scheduler.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use crate::env::Env;

/// After the fixtures' last review (their cram and set-due-date entries were made on
/// 2026-12-01), in UTC with the 04:00 day start.
const AFTER: &str = "2026-12-10T10:00:00Z";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/anki")
        .join(name)
}

fn env() -> Env {
    let mut env = Env::new();
    env.now = AFTER.to_owned();
    env
}

fn import(env: &Env, args: &[&str]) -> String {
    let out = env.cmd(&[&["import"], args].concat()).output().unwrap();
    assert!(
        out.status.success(),
        "import failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn deck_text(env: &Env, id: &str) -> String {
    fs::read_to_string(env.path().join("decks").join(format!("{id}.toml"))).unwrap()
}

/// Every `[[card]]` of a deck file as id → table.
fn cards(env: &Env, id: &str) -> BTreeMap<String, toml::Table> {
    let doc: toml::Table = deck_text(env, id).parse().unwrap();
    let Some(list) = doc.get("card") else {
        return BTreeMap::new();
    };
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let t = c.as_table().unwrap().clone();
            (t["id"].as_str().unwrap().to_owned(), t)
        })
        .collect()
}

/// The id of the one card whose `field` contains `needle`.
fn card_with(env: &Env, deck: &str, field: &str, needle: &str) -> (String, toml::Table) {
    let found: Vec<_> = cards(env, deck)
        .into_iter()
        .filter(|(_, t)| {
            t.get(field)
                .and_then(|v| v.as_str())
                .is_some_and(|s| s.contains(needle))
        })
        .collect();
    assert_eq!(found.len(), 1, "cards with {field} containing {needle:?}");
    found.into_iter().next().unwrap()
}

/// Journal answers per card key, oldest first: (time, grade, state fields as text).
fn answers(env: &Env) -> BTreeMap<String, Vec<Vec<String>>> {
    let mut out: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for line in env.reviews() {
        let f: Vec<String> = line.split('\t').map(str::to_owned).collect();
        out.entry(f[2].clone()).or_default().push(f);
    }
    out
}

#[test]
fn each_package_format_imports_every_kind_with_its_text_tags_and_history() {
    for package in ["legacy.apkg", "current.apkg", "collection.colpkg"] {
        let env = env();
        let out = import(&env, &[fixture(package).to_str().unwrap()]);
        assert!(
            out.contains("created decks/upsc-polity.toml from “UPSC::Polity”: 4 new"),
            "{package}: {out}"
        );
        assert!(
            out.contains("created decks/india-us-2-2.toml from “India–US 2+2”: 7 new"),
            "{package}: {out}"
        );
        assert!(
            out.contains("(4 basic, 2 cloze, 1 typed)"),
            "{package}: {out}"
        );
        assert!(
            out.contains("Reviews: 22 imported on 7 cards"),
            "{package}: {out}"
        );
        assert!(
            out.contains("Note type “Country facts”: 1 note written as basic"),
            "{package}: {out}"
        );
        assert!(
            out.contains("Suspended in Anki: 1 card, suspended here too"),
            "{package}: {out}"
        );
        // The card suspended in Anki is held here: `decks` counts it under `held`.
        let decks = env.cmd(&["decks"]).output().unwrap();
        let decks = String::from_utf8(decks.stdout).unwrap();
        let row = decks
            .lines()
            .find(|l| l.starts_with("upsc-polity "))
            .unwrap_or_else(|| panic!("{decks}"));
        assert_eq!(
            row.split_whitespace().nth(5),
            Some("1"),
            "{package}: {decks}"
        );
        assert!(out.contains("parliament.png"), "{package}: {out}");
        // The placeholder collection.anki2 of a current package has one note, "please update".
        assert!(
            !deck_text(&env, "upsc-polity").contains("update"),
            "{package}"
        );

        // HTML to text: tags gone, <br> a line break, entities decoded, media named.
        let (_, fc) = card_with(&env, "upsc-polity", "q", "Finance Commission");
        assert_eq!(fc["a"].as_str(), Some("Article 280\n(every five years)"));
        assert_eq!(fc["kind"].as_str(), Some("basic"));
        let (_, pic) = card_with(&env, "upsc-polity", "q", "Which house");
        assert_eq!(
            pic["q"].as_str(),
            Some("Which house is this? [image: parliament.png]")
        );
        assert_eq!(
            pic["a"].as_str(),
            Some("Rajya Sabha & its chairman <the Vice-President>")
        );
        assert_eq!(
            pic["tags"].as_array().unwrap()[0].as_str(),
            Some("polity::parliament"),
            "hierarchical tags kept as written"
        );
        // Reversed: one card each way; type-in: typed; cloze: one gap per card, hint kept.
        let (fwd, _) = card_with(&env, "india-us-2-2", "q", "LEMOA");
        let (back, _) = card_with(&env, "india-us-2-2", "a", "LEMOA");
        assert_eq!((fwd.ends_with("-1"), back.ends_with("-2")), (true, true));
        let (_, typed) = card_with(&env, "india-us-2-2", "q", "BECA was signed");
        assert_eq!(typed["kind"].as_str(), Some("typed"));
        let (c1, cloze) = card_with(&env, "india-us-2-2", "text", "{{2018::year}}");
        assert!(c1.ends_with("-c1"));
        assert_eq!(cloze["explain"].as_str(), Some("foundational pacts"));
        assert!(
            cloze["text"]
                .as_str()
                .unwrap()
                .starts_with("COMCASA was signed in {{2018::year}} at New Delhi;")
        );
        let (c3, repeated) = card_with(&env, "india-us-2-2", "a", "BECA; BECA");
        assert!(c3.ends_with("-c3") && repeated["kind"].as_str() == Some("basic"));

        let check = env.cmd(&["check"]).output().unwrap();
        assert!(
            check.status.success(),
            "{package}: {}",
            String::from_utf8_lossy(&check.stderr)
        );
        assert_eq!(env.reviews().len(), 22, "{package}");
    }
}

#[test]
fn a_reset_cuts_the_history_and_cram_and_manual_entries_are_left_out() {
    let env = env();
    let out = import(&env, &[fixture("current.apkg").to_str().unwrap()]);
    assert!(
        out.contains(
            "1 cram answers in filtered decks, 1 manual or rescheduling entries, 4 before a reset"
        ),
        "{out}"
    );
    let by_key = answers(&env);
    let (pic, _) = card_with(&env, "upsc-polity", "q", "Which house");
    let pic = &by_key[&format!("upsc-polity/{pic}")];
    assert_eq!(pic.len(), 2, "only the answers after the reset");
    assert_eq!(
        pic[0][1], "1792231200000",
        "the first answer after the reset (2026-10-17)"
    );
    assert_eq!(pic[0][10], "r", "learnt afresh with Good");
    let (country, _) = card_with(&env, "india-us-2-2", "q", "United States");
    assert_eq!(
        by_key[&format!("india-us-2-2/{country}")].len(),
        2,
        "the cram answer is not a review"
    );
    let (typed, _) = card_with(&env, "india-us-2-2", "q", "BECA was signed");
    assert_eq!(
        by_key[&format!("india-us-2-2/{typed}")].len(),
        3,
        "set due date is not a review"
    );
}

#[test]
fn imported_states_are_what_the_scheduler_gives_replaying_the_answers() {
    use smriti::clock::{Clock, from_ms};
    use smriti::schedule::{CardState, Grade, Scheduler};
    let env = env();
    import(&env, &[fixture("legacy.apkg").to_str().unwrap()]);
    let scheduler = Scheduler::new(&[], 0.9, 42).unwrap();
    let by_key = answers(&env);
    assert_eq!(by_key.len(), 7);
    for (key, lines) in by_key {
        let mut state: Option<CardState> = None;
        for f in &lines {
            let at: i64 = f[1].parse().unwrap();
            let grade = Grade::parse(&f[3]).unwrap();
            let clock = Clock::new(from_ms(at), jiff::tz::TimeZone::UTC, 4);
            let s = scheduler.answer(state.as_ref(), grade, &clock, &key);
            assert_eq!(f[7], s.due.to_string(), "{key}: due");
            let stability: f32 = f[8].parse().unwrap();
            let difficulty: f32 = f[9].parse().unwrap();
            assert!(
                (stability - s.stability).abs() <= 1e-4 * s.stability.max(1.0),
                "{key}: {stability} vs {}",
                s.stability
            );
            assert!(
                (difficulty - s.difficulty).abs() <= 1e-4 * s.difficulty,
                "{key}: difficulty"
            );
            assert_eq!(f[10], s.phase.code().to_string(), "{key}: phase");
            assert_eq!(f[11], s.reps.to_string(), "{key}: reps");
            state = Some(s);
        }
    }
}

#[test]
fn a_second_import_updates_in_place_keeping_progress_and_the_users_edits() {
    let env = env();
    let package = fixture("legacy.apkg");
    import(&env, &[package.to_str().unwrap()]);
    let journal = fs::read(env.journal_path()).unwrap();
    let path = env.path().join("decks/upsc-polity.toml");
    let (fc, _) = card_with(&env, "upsc-polity", "q", "Finance Commission");
    // The user annotates a card and rewords another; Anki's version of the text comes back.
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace(
            &format!("id = \"{fc}\""),
            &format!("# checked against the Constitution\nid = \"{fc}\"\nas_of = 2026-11-01"),
        )
        .replace("Who appoints the CAG?", "Who appoints the Comptroller?");
    fs::write(&path, text).unwrap();

    let out = import(&env, &[fixture("current.apkg").to_str().unwrap()]);
    assert!(
        out.contains(
            "updated decks/upsc-polity.toml from “UPSC::Polity”: 0 new, 1 updated, 3 unchanged"
        ),
        "{out}"
    );
    assert!(out.contains("Reviews: 0 imported on 0 cards"), "{out}");
    assert!(out.contains("22 already imported"), "{out}");
    assert_eq!(
        fs::read(env.journal_path()).unwrap(),
        journal,
        "no answer recorded twice"
    );
    let after = fs::read_to_string(&path).unwrap();
    assert!(
        after.contains("# checked against the Constitution")
            && after.contains("as_of = 2026-11-01")
    );
    assert!(after.contains("Who appoints the CAG?"));
    assert_eq!(after.matches("[[card]]").count(), 4, "no duplicates");
}

#[test]
fn a_dry_run_reports_and_writes_nothing() {
    let env = env();
    let out = import(
        &env,
        &["--dry-run", fixture("collection.colpkg").to_str().unwrap()],
    );
    assert!(out.contains("would create decks/upsc-polity.toml"), "{out}");
    assert!(out.contains("Reviews: 22 to import on 7 cards"), "{out}");
    assert!(out.contains("Dry run: nothing was written."), "{out}");
    assert!(!env.path().join("decks").exists());
    assert!(!env.journal_path().exists());
}

#[test]
fn deck_puts_every_card_in_one_deck() {
    let env = env();
    let out = import(
        &env,
        &[
            "--deck",
            "from-anki",
            fixture("legacy.apkg").to_str().unwrap(),
        ],
    );
    assert!(out.contains("created decks/from-anki.toml"), "{out}");
    assert_eq!(cards(&env, "from-anki").len(), 11);
    assert!(
        env.reviews()
            .iter()
            .all(|l| l.split('\t').nth(2).unwrap().starts_with("from-anki/"))
    );
    let err = env.fails(
        &[
            "import",
            "--deck",
            "bad id",
            fixture("legacy.apkg").to_str().unwrap(),
        ],
        "",
    );
    assert!(err.contains("`bad id` cannot be a deck id"), "{err}");
}

#[test]
fn a_card_now_in_another_anki_deck_is_taken_out_of_its_old_deck_file() {
    let env = env();
    let package = fixture("legacy.apkg");
    import(&env, &["--deck", "from-anki", package.to_str().unwrap()]);
    let before = deck_text(&env, "from-anki");
    assert_eq!(cards(&env, "from-anki").len(), 11);
    // Imported again by Anki's own decks: every card is in another deck now.
    let out = import(&env, &[package.to_str().unwrap()]);
    assert!(
        out.contains("updated decks/from-anki.toml: 11 cards now in another Anki deck taken out"),
        "{out}"
    );
    assert!(cards(&env, "from-anki").is_empty());
    assert_eq!(
        cards(&env, "india-us-2-2").len() + cards(&env, "upsc-polity").len(),
        11
    );
    // The deck's own table stays as it was; the file is still a valid deck.
    let after = deck_text(&env, "from-anki");
    assert!(before.starts_with(&after), "{after}");
    assert!(env.cmd(&["check"]).output().unwrap().status.success());
    // A dry run says so and writes nothing.
    import(&env, &["--deck", "from-anki", package.to_str().unwrap()]);
    let out = import(&env, &["--dry-run", package.to_str().unwrap()]);
    assert!(out.contains("unchanged"), "{out}");
    assert!(
        out.contains("would update decks/from-anki.toml: 11 cards"),
        "{out}"
    );
    assert_eq!(cards(&env, "from-anki").len(), 11);
}

/// Imports the legacy package, then runs `import BAD`; checks it fails with `message` and
/// leaves the journal and decks as they were.
fn fails_cleanly(bad: &std::path::Path, message: &str) {
    let env = env();
    import(&env, &[fixture("legacy.apkg").to_str().unwrap()]);
    let journal = fs::read(env.journal_path()).unwrap();
    let deck = deck_text(&env, "upsc-polity");
    let err = env.fails(&["import", bad.to_str().unwrap()], "");
    assert!(err.contains(message), "{err}");
    assert!(
        err.starts_with("smriti: ") && !err.contains("panicked"),
        "{err}"
    );
    assert_eq!(fs::read(env.journal_path()).unwrap(), journal);
    assert_eq!(deck_text(&env, "upsc-polity"), deck);
    assert_eq!(fs::read_dir(env.path().join("decks")).unwrap().count(), 2);
}

#[test]
fn a_truncated_package_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    for (name, keep) in [
        ("current.apkg", 0.5),
        ("legacy.apkg", 0.9),
        ("collection.colpkg", 0.2),
    ] {
        let bytes = fs::read(fixture(name)).unwrap();
        let cut = dir.path().join(format!("cut-{name}"));
        fs::write(&cut, &bytes[..(bytes.len() as f64 * keep) as usize]).unwrap();
        fails_cleanly(&cut, "is not an Anki package");
    }
}

#[test]
fn a_damaged_collection_inside_a_package_fails_cleanly() {
    // The zip is intact but the compressed collection in it is not: rewrite the archive with
    // the same members, the collection's bytes scrambled.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("damaged.apkg");
    let mut zin = zip::ZipArchive::new(fs::File::open(fixture("current.apkg")).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(fs::File::create(&bad).unwrap());
    for i in 0..zin.len() {
        let mut member = zin.by_index(i).unwrap();
        let name = member.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut member, &mut bytes).unwrap();
        if name == "collection.anki21b" {
            let mid = bytes.len() / 2;
            bytes[mid..mid + 64].iter_mut().for_each(|b| *b ^= 0x5a);
        }
        zout.start_file(
            name,
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored),
        )
        .unwrap();
        std::io::Write::write_all(&mut zout, &bytes).unwrap();
    }
    zout.finish().unwrap();
    fails_cleanly(&bad, "`collection.anki21b` is damaged");
}

#[test]
fn a_file_of_another_type_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.apkg");
    fs::write(&text, "Front;Back\nLEMOA;2016\n").unwrap();
    fails_cleanly(&text, "is not an Anki package");
    let other = dir.path().join("notes.docx");
    fs::write(&other, "x").unwrap();
    fails_cleanly(&other, "smriti imports Anki packages (.apkg, .colpkg)");
    fails_cleanly(&dir.path().join("missing.apkg"), "cannot read");
}
