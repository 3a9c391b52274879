//! `stats`: where the user stands, computed from card states and the review history. Pure: no
//! I/O, no clock reads, so every figure is unit-tested by hand. The text renderer (`render`,
//! with its charts in `charts`) and `--json` both print the `Stats` made here.
//!
//! Cost is O(reviews + cards): card keys are mapped to indices once, each review is one hash
//! lookup (FxHash: keys are our own ids) and a day lookup through a `DayCursor`, and nothing is allocated per review.
//!
//! The `--json` schema is these structs' serde form; each field's doc comment is its
//! documentation. Shares are numbers in 0..=1 rounded to 4 places, dates are `YYYY-MM-DD`
//! study days, and `null` means "no data" (see each field).

pub mod cards;
pub mod charts;
pub mod render;

use rustc_hash::FxHashMap;

use jiff::civil::{Date, Weekday};
use serde::Serialize;

use crate::clock::{Clock, DayCursor, Millis};
use crate::config::Config;
use crate::deck::Exam;
use crate::plan::{Plan, PlanPace};
use crate::sanitize::clean_line;
use crate::schedule::{CardState, Grade, Phase, Scheduler};
use crate::store::history::{History, streak_of_days};
use crate::store::journal::Hold;
use crate::store::{Holds, States};
pub use cards::Cards;

/// Days (today included) over which `accuracy_30d` is measured.
pub const ACCURACY_DAYS: i32 = 30;
/// Days (today first) in the due forecast.
pub const FORECAST_DAYS: i32 = 14;
/// Weeks (columns) in the review heatmap, the current week last.
pub const HEATMAP_WEEKS: i32 = 26;
/// A topic is ranked among the weak ones only with this many reviews…
pub const RANK_MIN_REVIEWS: u64 = 5;
/// …or this many cards seen; with less, one unlucky answer would top the list.
pub const RANK_MIN_SEEN: usize = 3;
/// How many of the weakest topics get their most at-risk cards listed, and how many cards each.
pub const AT_RISK_TOPICS: usize = 3;
pub const AT_RISK_CARDS: usize = 3;
/// The name under which cards without tags are grouped.
pub const UNTAGGED: &str = "(untagged)";

/// How many days before today `compute` looks at reviews, besides the streak: the heatmap's
/// first Monday is at most this far back, and the accuracy window is shorter.
pub fn window_days() -> i32 {
    (7 * HEATMAP_WEEKS).max(ACCURACY_DAYS)
}

/// What `compute` works on.
pub struct StatsInput<'a> {
    /// The selected cards (after `--deck`, `--tag`, `--exam`), in deck order.
    pub cards: &'a dyn Cards,
    pub states: &'a States,
    /// The held cards (suspended, buried): suspended ones are counted apart, buried ones are
    /// not due before their bury ends.
    pub holds: &'a Holds,
    pub history: &'a History,
    /// `history` holds every review. If not, it is only the recent part (see
    /// `history::read_recent`: the heatmap's weeks, the accuracy window and the streak), and
    /// review counts are the card states' `reps` instead (answers kept: an undo restores the
    /// state before, `reps` included).
    pub whole_history: bool,
    /// No filter was given: reviews of cards no longer in any deck still count towards the
    /// heatmap, streak and totals. With a filter, only the selected cards' reviews count.
    pub all_reviews: bool,
    pub sched: &'a Scheduler,
    pub clock: &'a Clock,
    pub config: &'a Config,
    /// `plan`'s simulation of the same cards, for the exam view's "on schedule" figures;
    /// `None` leaves them `null`.
    pub plan: Option<&'a Plan>,
    /// New cards paced to the exams (`queue::Goals::pace`), worked out by the caller from the
    /// selected cards whether or not `plan` ran.
    pub pace: &'a [PlanPace],
    /// When the quiz asks each selected card (by position; with an exam ahead its
    /// exam-serving due date, see `cmd::asked`), which the due counts and forecast go by;
    /// `None`: the stored due.
    pub asked: Option<&'a [Millis]>,
}

impl StatsInput<'_> {
    /// The instant selected card `i`, in `state`, is next asked.
    fn asked_on(&self, i: usize, state: &CardState) -> Millis {
        self.asked.map_or(state.due, |a| a[i])
    }
}

/// Everything `stats` shows. The top-level object of `smriti stats --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// The study day the figures are for (`YYYY-MM-DD`; days start at `day_start_hour`).
    pub today: String,
    /// One row per tag, weakest first: ranked topics by `recall_now` ascending, then topics
    /// with too few reviews to rank (`ranked: false`), then topics with no card seen.
    pub topics: Vec<Topic>,
    /// One row per deck, in the same order and with the same fields as `topics`.
    pub decks: Vec<DeckRow>,
    /// The most at-risk cards (lowest `recall_now`) of the weakest ranked topics.
    pub at_risk: Vec<AtRisk>,
    pub counts: Counts,
    /// Reviews due on each of the next 14 study days, today first; overdue cards and cards in
    /// a learning step count today.
    pub forecast: Vec<ForecastDay>,
    pub heatmap: Heatmap,
    /// Study days in a row, ending today (or yesterday), with at least one review.
    pub streak: u32,
    /// Reviews ever given (of the selected cards, when filtered), undone ones excluded.
    pub reviews_total: u64,
    /// One entry per exam with a date in `config.toml` and selected cards.
    pub exams: Vec<ExamView>,
    /// New cards paced to their exams, one entry per paced exam (as `plan`'s `pace`): empty
    /// when `new_per_day` keeps up.
    pub new_pace: Vec<PlanPace>,
}

/// A topic (tag) row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Topic {
    /// The tag; cards without tags are grouped under `(untagged)`.
    pub tag: String,
    #[serde(flatten)]
    pub row: Row,
}

/// A deck row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeckRow {
    /// The deck's id.
    pub deck: String,
    #[serde(flatten)]
    pub row: Row,
}

/// The figures of one topic or deck.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Selected cards in the group.
    pub cards: usize,
    /// Of those, cards answered at least once.
    pub seen: usize,
    /// Reviews ever given to the group's cards.
    pub reviews: u64,
    /// Lapses (a review card forgotten) summed over the group's cards.
    pub lapses: u64,
    /// Keys (`deck/card`) of the group's leeches: cards with 8 or more lapses.
    pub leeches: Vec<String>,
    /// Reviews in the last 30 study days, today included.
    pub reviews_30d: u64,
    /// Share of `reviews_30d` answered Hard, Good or Easy; `null` with no review in that time.
    pub accuracy_30d: Option<f64>,
    /// Mean predicted recall now over the seen cards (FSRS retrievability); `null` if none seen.
    pub recall_now: Option<f64>,
    /// Mean predicted recall at the start of each exam day over the seen cards of that exam,
    /// assuming no further review; `null` when the exam has no date, is past, or no card of it
    /// was seen.
    pub recall_on_exam: ExamRecall,
    /// Enough data to rank: at least 5 reviews or 3 cards seen. Unranked rows come after.
    pub ranked: bool,
}

/// A figure per exam.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ExamRecall {
    pub prelims: Option<f64>,
    pub mains: Option<f64>,
}

impl ExamRecall {
    pub fn get(&self, exam: Exam) -> Option<f64> {
        match exam {
            Exam::Prelims => self.prelims,
            Exam::Mains => self.mains,
        }
    }
}

/// The cards most at risk in one weak topic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AtRisk {
    pub tag: String,
    /// Up to 3 seen cards, lowest `recall_now` first.
    pub cards: Vec<RiskCard>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskCard {
    /// `deck/card` (`deck/card#2` for a cloze gap).
    pub key: String,
    /// The question as shown, on one line, control characters replaced.
    pub prompt: String,
    /// Predicted recall now, 0..=1.
    pub recall_now: f64,
    pub lapses: u32,
    pub leech: bool,
    /// The study day the card is next due: the day the quiz asks it (with an exam ahead, its
    /// exam-serving due date, as `card`'s `next_review`).
    pub due: String,
}

/// Cards by where they are in their life, and today's work.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Counts {
    /// Selected cards.
    pub cards: usize,
    /// Never answered.
    pub new: usize,
    /// In a learning or relearning step.
    pub learning: usize,
    /// Graduated to day intervals.
    pub review: usize,
    /// With 8 or more lapses (also counted in `learning` or `review`).
    pub leech: usize,
    /// Suspended (`smriti suspend`, `@` in the quiz): counted in none of new, learning,
    /// review, due today nor the forecast, since they are not studied.
    pub suspended: usize,
    /// Due today (overdue and learning steps included); the same as `forecast[0].due`. With
    /// an exam ahead, a card of that exam is due on its exam-serving due date, the day the
    /// quiz asks it, not on its stored FSRS due (the forecast counts so too).
    pub due_today: usize,
    /// Reviews given today.
    pub reviews_today: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastDay {
    pub date: String,
    /// Cards due that study day.
    pub due: usize,
}

/// Reviews per study day, for a calendar grid of 26 week columns (Monday to Sunday).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Heatmap {
    /// The Monday the grid starts on.
    pub first_day: String,
    /// Today: the grid's last filled cell.
    pub last_day: String,
    /// Reviews on each day from `first_day` to `last_day` inclusive, one number per day.
    pub reviews: Vec<u32>,
    /// The largest number in `reviews`.
    pub max: u32,
}

/// Where the user stands for one exam.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExamView {
    pub exam: Exam,
    pub date: String,
    /// Study days from today to the exam day (0 on the day, negative once past).
    pub days_left: i32,
    /// Selected cards for this exam, and how many of them were seen.
    pub cards: usize,
    pub seen: usize,
    /// Predicted share of the exam's cards recalled on the day with no further review (new
    /// cards count as not recalled); `null` once the exam is past.
    pub recall_no_review: Option<f64>,
    /// Expected share recalled on the day if the user keeps to the schedule, by `plan`'s
    /// simulation (recall drawn from the model's probabilities, within the daily budget): the
    /// median of its runs; `null` once the exam is past, or when `stats` did not simulate
    /// (more than `cmd::stats::SIMULATE_UP_TO` cards selected: `plan` gives it).
    pub recall_on_schedule: Option<f64>,
    /// The lowest and highest run of that simulation; `null` with it.
    pub recall_on_schedule_range: Option<[f64; 2]>,
    /// New cards the simulation introduces before the exam (within `new_per_day` and the budget).
    pub new_introduced: usize,
}

/// Per-group running totals.
#[derive(Default, Clone)]
struct Acc {
    cards: usize,
    seen: usize,
    reviews: u64,
    lapses: u64,
    leeches: Vec<usize>,
    reviews_30d: u64,
    passed_30d: u64,
    recall_sum: f64,
    exam_sum: [(f64, usize); 2],
}

/// A card's state and predictions, worked out once (not once per topic it counts in).
#[derive(Clone, Copy)]
struct CardFacts {
    /// Whether the card has a state (was ever answered); the state itself is read again
    /// where it is needed (`Cards::state`), not copied for every card.
    seen: bool,
    /// As the scheduler gives it (f32): kept so, 100k cards take half the memory.
    recall_now: f32,
    /// Its exam's slot (`queue::exam_slot`): the exam view counts its cards from these
    /// lists rather than by reading every card's exam from the deck index again.
    slot: u8,
    /// Its recall on its exam's morning, when the exam is ahead.
    recall_on_exam: Option<f32>,
}

/// The id of `name` among `names` (its place there), added if new. Few distinct tags and
/// decks: owned names cost an allocation per name, not per card.
fn intern(ids: &mut FxHashMap<String, usize>, names: &mut Vec<String>, name: &str) -> u32 {
    let id = match ids.get(name) {
        Some(id) => *id,
        None => {
            names.push(name.to_owned());
            ids.insert(name.to_owned(), names.len() - 1);
            names.len() - 1
        }
    };
    id as u32
}

fn exam_slot(exam: Exam) -> usize {
    match exam {
        Exam::Prelims => 0,
        Exam::Mains => 1,
    }
}

/// Rounds a share to 4 places, so the JSON carries no f32 noise.
fn share(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

pub fn compute(input: &StatsInput) -> Stats {
    let clock = input.clock;
    let today = clock.today();
    let now = clock.now_ms();
    let cards = input.cards;

    // Exam days still ahead (or today), as instants their study day starts.
    let exam_at: [Option<(Date, Millis)>; 2] = [Exam::Prelims, Exam::Mains].map(|e| {
        input
            .config
            .exam_date(e)
            .filter(|d| *d >= today)
            .map(|d| (d, clock.day_start_ms(d)))
    });

    // Each card's facts, gathered in the main pass below where its state is read (once).
    let mut facts: Vec<CardFacts> = Vec::with_capacity(cards.len());
    let facts_of = |state: Option<CardState>, slot: usize| CardFacts {
        seen: state.is_some(),
        recall_now: state.map_or(0.0, |s| input.sched.retrievability(&s, now)),
        slot: slot as u8,
        recall_on_exam: state
            .zip(exam_at[slot])
            .map(|(s, (_, at))| input.sched.retrievability(&s, at)),
    };
    // The reviews the seen cards' states count (where no history is read for them).
    let mut reps_seen = 0;

    // Groups: topic and deck indices per card, flattened.
    // Few distinct tags and decks: owned names cost an allocation per name, not per card.
    let mut topic_ids: FxHashMap<String, usize> = FxHashMap::default();
    let mut topic_names: Vec<String> = Vec::new();
    let mut deck_ids: FxHashMap<String, usize> = FxHashMap::default();
    let mut deck_names: Vec<String> = Vec::new();
    // Ids as u32: at 100k cards these lists are megabytes.
    // Sized for two tags a card: untouched capacity costs nothing, regrowing copies it all.
    let mut card_topics: Vec<u32> = Vec::with_capacity(cards.len() * 2);
    let mut card_topic_start: Vec<u32> = Vec::with_capacity(cards.len() + 1);
    let mut card_deck: Vec<u32> = Vec::with_capacity(cards.len());
    // What each deck's numbered tags and each numbered deck came to (`Cards::deck_number`):
    // each name is hashed once per deck, not once per card.
    const UNKNOWN: u32 = u32::MAX;
    let mut tag_memo: Vec<Vec<u32>> = Vec::new();
    let mut deck_memo: Vec<u32> = Vec::new();
    for card in 0..cards.len() {
        let start = card_topics.len();
        card_topic_start.push(start as u32);
        let number = cards.deck_number(card);
        // Iterated in place: collecting them would cost an allocation per card.
        let mut add_topic = |n: Option<u16>, tag: &str, card_topics: &mut Vec<u32>| {
            let memo = number.zip(n).map(|(d, n)| {
                if tag_memo.len() <= d {
                    tag_memo.resize_with(d + 1, Vec::new);
                }
                let tags = &mut tag_memo[d];
                if tags.len() <= usize::from(n) {
                    tags.resize(usize::from(n) + 1, UNKNOWN);
                }
                &mut tags[usize::from(n)]
            });
            let id = match memo {
                Some(&mut id) if id != UNKNOWN => id,
                memo => {
                    let id = intern(&mut topic_ids, &mut topic_names, tag);
                    if let Some(m) = memo {
                        *m = id;
                    }
                    id
                }
            };
            // A tag written twice on one card counts once.
            if !card_topics[start..].contains(&id) {
                card_topics.push(id);
            }
        };
        cards.each_tag_numbered(card, &mut |n, tag| add_topic(n, tag, &mut card_topics));
        if card_topics.len() == start {
            add_topic(None, UNTAGGED, &mut card_topics);
        }
        if let Some(d) = number
            && deck_memo.get(d).is_some_and(|&id| id != UNKNOWN)
        {
            card_deck.push(deck_memo[d]);
            continue;
        }
        let id = intern(&mut deck_ids, &mut deck_names, cards.deck(card));
        if let Some(d) = number {
            if deck_memo.len() <= d {
                deck_memo.resize(d + 1, UNKNOWN);
            }
            deck_memo[d] = id;
        }
        card_deck.push(id);
    }
    card_topic_start.push(card_topics.len() as u32);
    let topics_of =
        |i: usize| &card_topics[card_topic_start[i] as usize..card_topic_start[i + 1] as usize];

    let mut topic_acc = vec![Acc::default(); topic_names.len()];
    let mut deck_acc = vec![Acc::default(); deck_names.len()];
    let mut counts = Counts {
        cards: cards.len(),
        new: 0,
        learning: 0,
        review: 0,
        leech: 0,
        suspended: 0,
        due_today: 0,
        reviews_today: 0,
    };
    let mut forecast = vec![0usize; FORECAST_DAYS as usize];
    let mut due_cursor = DayCursor::new(clock);
    let bounds = forecast_bounds(clock);

    for i in 0..cards.len() {
        let state = cards.state(i, input.states);
        let f = facts_of(state, exam_slot(cards.exam(i)));
        facts.push(f);
        reps_seen += state.map_or(0, |s| u64::from(s.reps));
        let add = |acc: &mut Acc| {
            acc.cards += 1;
            if let Some(s) = state {
                acc.seen += 1;
                acc.lapses += u64::from(s.lapses);
                if !input.whole_history {
                    acc.reviews += u64::from(s.reps);
                }
                if s.is_leech() {
                    acc.leeches.push(i);
                }
                acc.recall_sum += f64::from(f.recall_now);
                if let Some(r) = f.recall_on_exam {
                    acc.exam_sum[usize::from(f.slot)].0 += f64::from(r);
                    acc.exam_sum[usize::from(f.slot)].1 += 1;
                }
            }
        };
        for t in topics_of(i) {
            add(&mut topic_acc[*t as usize]);
        }
        add(&mut deck_acc[card_deck[i] as usize]);

        let hold = cards.hold(i, input.holds);
        if hold == Some(Hold::Suspended) {
            counts.suspended += 1;
            continue;
        }
        let Some(s) = state else {
            counts.new += 1;
            continue;
        };
        match s.phase {
            Phase::Learning | Phase::Relearning => counts.learning += 1,
            Phase::Review => counts.review += 1,
            Phase::New => counts.new += 1,
        }
        if s.is_leech() {
            counts.leech += 1;
        }
        let due = input.asked_on(i, &s);
        let day = if s.in_step() {
            0
        } else if let Some(bounds) = &bounds {
            // Days before the first bound are overdue (today); past the last, not shown.
            bounds.partition_point(|b| *b <= due).saturating_sub(1) as i32
        } else {
            due_cursor.offset(due).max(0)
        };
        // A card buried today comes back on the next study day at the earliest.
        let day = match hold {
            Some(Hold::BuriedUntil(until)) if until > clock.now_ms() => day.max(1),
            _ => day,
        };
        if let Some(slot) = forecast.get_mut(day as usize) {
            *slot += 1;
        }
    }
    counts.due_today = forecast[0];

    // The review history, in one pass, after finding the cards of the reviews that count per
    // card: those of the last `ACCURACY_DAYS` (all of them when every review counts, or when
    // a filter leaves reviews of other cards out). Their keys are gathered first and the
    // cards looked up among them in one pass, which costs a small map instead of one of
    // every card's key (6 MB at 100k cards); with no such review, no pass at all.
    let recent_from = clock.day_start_ms(Clock::add_days(today, 1 - ACCURACY_DAYS));
    let recent_to = clock.day_start_ms(Clock::add_days(today, 1));
    let per_card = |at: Millis| {
        input.whole_history || !input.all_reviews || (recent_from..recent_to).contains(&at)
    };
    let mut key_index: FxHashMap<&str, usize> = FxHashMap::default();
    for (key, review) in input.history.iter() {
        if per_card(review.at) {
            key_index.entry(key).or_insert(usize::MAX);
        }
    }
    if !key_index.is_empty() {
        for i in 0..cards.len() {
            if let Some(card) = key_index.get_mut(cards.key(i)) {
                *card = i;
            }
        }
    }
    let heat_first = monday_of(Clock::add_days(today, -7 * (HEATMAP_WEEKS - 1)));
    let heat_first_offset = (heat_first - today).get_days();
    let mut heat = vec![0u32; (1 - heat_first_offset) as usize];
    let mut review_days: Vec<i32> = Vec::new();
    let mut reviews_total = if input.whole_history {
        0
    } else if input.all_reviews {
        input.states.values().map(|s| u64::from(s.reps)).sum()
    } else {
        reps_seen
    };
    let mut cursor = DayCursor::new(clock);
    for (key, review) in input.history.iter() {
        let card = key_index.get(key).copied().filter(|&i| i != usize::MAX);
        if card.is_none() && !input.all_reviews {
            continue;
        }
        let day = cursor.offset(review.at);
        reviews_total += u64::from(input.whole_history);
        if day == 0 {
            counts.reviews_today += 1;
        }
        if let Some(cell) = usize::try_from(day - heat_first_offset)
            .ok()
            .and_then(|d| heat.get_mut(d))
        {
            *cell += 1;
        }
        if review_days.last() != Some(&day) {
            review_days.push(day);
        }
        let Some(i) = card else { continue };
        let recent = (recent_from..recent_to).contains(&review.at);
        let passed = u64::from(review.grade != Grade::Again);
        let add = |acc: &mut Acc| {
            acc.reviews += u64::from(input.whole_history);
            if recent {
                acc.reviews_30d += 1;
                acc.passed_30d += passed;
            }
        };
        for t in topics_of(i) {
            add(&mut topic_acc[*t as usize]);
        }
        add(&mut deck_acc[card_deck[i] as usize]);
    }

    // Sorted with their ids, so the at-risk lists can test membership by id.
    let mut topics: Vec<(usize, Topic)> = topic_names
        .iter()
        .zip(&topic_acc)
        .enumerate()
        .map(|(id, (name, acc))| {
            (
                id,
                Topic {
                    tag: clean_line(name),
                    row: row_of(acc, cards),
                },
            )
        })
        .collect();
    topics.sort_by(|(_, a), (_, b)| weakest_first(&a.row, &a.tag, &b.row, &b.tag));
    let mut decks: Vec<DeckRow> = deck_names
        .iter()
        .zip(&deck_acc)
        .map(|(name, acc)| DeckRow {
            deck: clean_line(name),
            row: row_of(acc, cards),
        })
        .collect();
    decks.sort_by(|a, b| weakest_first(&a.row, &a.deck, &b.row, &b.deck));

    // The weakest seen cards of each at-risk topic, gathered in one pass over the cards
    // (not one per topic): each topic keeps its `AT_RISK_CARDS` lowest as it goes.
    let risky: Vec<(u32, &Topic)> = topics
        .iter()
        .filter(|(_, t)| t.row.ranked)
        .take(AT_RISK_TOPICS)
        .map(|(id, t)| (*id as u32, t))
        .collect();
    let mut weakest: Vec<Vec<usize>> = vec![Vec::new(); risky.len()];
    let weaker = |a: usize, b: usize| {
        facts[a]
            .recall_now
            .total_cmp(&facts[b].recall_now)
            .then(a.cmp(&b))
    };
    for (i, f) in facts.iter().enumerate() {
        if !f.seen {
            continue;
        }
        for t in topics_of(i) {
            let Some(k) = risky.iter().position(|(id, _)| id == t) else {
                continue;
            };
            let low = &mut weakest[k];
            if low.len() < AT_RISK_CARDS {
                low.push(i);
            } else if let Some(worst) = low.iter_mut().max_by(|a, b| weaker(**a, **b))
                && weaker(i, *worst).is_lt()
            {
                *worst = i;
            }
        }
    }
    let at_risk = risky
        .iter()
        .zip(weakest)
        .map(|((_, t), low)| at_risk_in(t, low.into_iter(), input, &facts))
        .collect();

    let exams = [Exam::Prelims, Exam::Mains]
        .into_iter()
        .filter_map(|e| exam_view(input, e, &facts))
        .collect();

    let heat_max = heat.iter().copied().max().unwrap_or(0);
    Stats {
        new_pace: input.pace.to_vec(),
        today: today.to_string(),
        topics: topics.into_iter().map(|(_, t)| t).collect(),
        decks,
        at_risk,
        counts,
        forecast: forecast
            .into_iter()
            .zip(0..)
            .map(|(due, d)| ForecastDay {
                date: Clock::add_days(today, d).to_string(),
                due,
            })
            .collect(),
        heatmap: Heatmap {
            first_day: heat_first.to_string(),
            last_day: today.to_string(),
            reviews: heat,
            max: heat_max,
        },
        streak: streak_of_days(review_days),
        reviews_total,
        exams,
    }
}

/// The start of each forecast day and of the day after the last, if the time zone starts
/// each of them cleanly (no DST gap or overlap at the day start hour). Due times are scattered,
/// so finding a card's day among these costs a few comparisons where a `DayCursor` would
/// convert time zones for nearly every card.
fn forecast_bounds(clock: &Clock) -> Option<Vec<Millis>> {
    let today = clock.today();
    let day = |d: i32| Clock::add_days(today, d);
    let bounds: Vec<Millis> = (0..=FORECAST_DAYS)
        .map(|d| clock.day_start_ms(day(d)))
        .collect();
    let clean = bounds.windows(2).all(|w| w[0] < w[1])
        && bounds.iter().zip(0..).all(|(b, d)| {
            clock.study_day_ms(*b) == day(d) && clock.study_day_ms(b - 1) == day(d - 1)
        });
    clean.then_some(bounds)
}

fn monday_of(day: Date) -> Date {
    let back = i32::from(day.weekday().to_monday_zero_offset());
    Clock::add_days(day, -back)
}

/// The weekday rows of the heatmap, Monday first.
pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

fn row_of(acc: &Acc, cards: &dyn Cards) -> Row {
    let mean = |sum: f64, n: usize| (n > 0).then(|| share(sum / n as f64));
    let recall_now = mean(acc.recall_sum, acc.seen);
    Row {
        cards: acc.cards,
        seen: acc.seen,
        reviews: acc.reviews,
        lapses: acc.lapses,
        leeches: acc
            .leeches
            .iter()
            .map(|i| cards.key(*i).to_owned())
            .collect(),
        reviews_30d: acc.reviews_30d,
        accuracy_30d: (acc.reviews_30d > 0)
            .then(|| share(acc.passed_30d as f64 / acc.reviews_30d as f64)),
        recall_now,
        recall_on_exam: ExamRecall {
            prelims: mean(acc.exam_sum[0].0, acc.exam_sum[0].1),
            mains: mean(acc.exam_sum[1].0, acc.exam_sum[1].1),
        },
        ranked: recall_now.is_some()
            && (acc.reviews >= RANK_MIN_REVIEWS || acc.seen >= RANK_MIN_SEEN),
    }
}

/// Ranked rows by recall now (lowest first), then unranked rows with a recall, then rows with
/// nothing seen; ties by name.
fn weakest_first(a: &Row, a_name: &str, b: &Row, b_name: &str) -> std::cmp::Ordering {
    let tier = |r: &Row| match (r.ranked, r.recall_now) {
        (true, _) => 0,
        (false, Some(_)) => 1,
        (false, None) => 2,
    };
    tier(a)
        .cmp(&tier(b))
        .then(
            a.recall_now
                .unwrap_or(0.0)
                .total_cmp(&b.recall_now.unwrap_or(0.0)),
        )
        .then_with(|| a_name.cmp(b_name))
}

fn at_risk_in(
    topic: &Topic,
    members: impl Iterator<Item = usize>,
    input: &StatsInput,
    facts: &[CardFacts],
) -> AtRisk {
    let (cards, clock) = (input.cards, input.clock);
    let mut seen: Vec<(usize, CardState)> = members
        .filter_map(|i| cards.state(i, input.states).map(|s| (i, s)))
        .collect();
    let order = |a: &(usize, CardState), b: &(usize, CardState)| {
        facts[a.0]
            .recall_now
            .total_cmp(&facts[b.0].recall_now)
            .then(a.0.cmp(&b.0))
    };
    // Only the first few are listed: those are picked out, not the whole topic sorted.
    if seen.len() > AT_RISK_CARDS {
        seen.select_nth_unstable_by(AT_RISK_CARDS, order);
        seen.truncate(AT_RISK_CARDS);
    }
    seen.sort_by(order);
    AtRisk {
        tag: topic.tag.clone(),
        cards: seen
            .into_iter()
            .take(AT_RISK_CARDS)
            .map(|(i, s)| RiskCard {
                key: clean_line(cards.key(i)),
                prompt: clean_line(&cards.prompt(i)),
                recall_now: share(f64::from(facts[i].recall_now)),
                lapses: s.lapses,
                leech: s.is_leech(),
                due: clock.study_day_ms(input.asked_on(i, &s)).to_string(),
            })
            .collect(),
    }
}

/// The exam view: seen cards, recall with no more reviews, and `plan`'s simulation of keeping
/// to the schedule.
fn exam_view(input: &StatsInput, exam: Exam, facts: &[CardFacts]) -> Option<ExamView> {
    let date = input.config.exam_date(exam)?;
    let clock = input.clock;
    let today = clock.today();
    let slot = exam_slot(exam) as u8;
    let of_exam = || facts.iter().filter(|f| f.slot == slot);
    let cards = of_exam().count();
    if cards == 0 {
        return None;
    }
    let days_left = (date - today).get_days();
    let seen = of_exam().filter(|f| f.seen).count();
    let mut view = ExamView {
        exam,
        date: date.to_string(),
        days_left,
        cards,
        seen,
        recall_no_review: None,
        recall_on_schedule: None,
        recall_on_schedule_range: None,
        new_introduced: 0,
    };
    if days_left < 0 {
        return Some(view);
    }
    // Each seen card's recall on this exam's morning was worked out with its facts (the exam
    // is ahead or today, as there).
    let no_review: f64 = of_exam()
        .filter_map(|f| f.recall_on_exam)
        .map(f64::from)
        .sum();
    view.recall_no_review = Some(share(no_review / cards as f64));
    if let Some(p) = input
        .plan
        .and_then(|p| p.exams.iter().find(|e| e.exam == exam))
    {
        view.recall_on_schedule = Some(p.recall.median);
        view.recall_on_schedule_range = Some([p.recall.low, p.recall.high]);
        view.new_introduced = p.introduced_by_exam.saturating_sub(seen);
    }
    Some(view)
}

#[cfg(test)]
mod tests;
