//! Benchmark for `smriti optimize`: how much closer the fitted parameters predict a learner
//! than FSRS-6's defaults. Each synthetic learner (bench/learner.rs) has a true memory of
//! FSRS-6 with its own parameters (each default weight times a seeded factor in [0.7, 1.3]).
//! Its first `--answers` answers are fitted exactly as `smriti optimize` fits a journal (same
//! items, same readiness check, same `fit`); the answers it gives after them are held out and
//! predicted by the defaults, the fitted parameters and the true ones.
//!
//! Run: `cargo bench --bench optimize -- [--seeds 5] [--answers 5000] [--held-out 2000] [--params]`

use std::time::Instant;

use jiff::tz::TimeZone;
use smriti::clock::Clock;
use smriti::optimize::{self, Progress, Readiness, metrics};
use smriti::schedule::Grade;
use smriti::store::history::History;

mod learner;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Row {
    log_loss: f32,
    rmse: f32,
    /// Mean |predicted recall - true recall| over the held-out answers.
    mae: f32,
}

fn main() {
    let seeds = arg("--seeds", 5);
    let answers = arg("--answers", 5000);
    let held_out = arg("--held-out", 2000);
    let show_parameters = std::env::args().any(|a| a == "--params");
    let day0: jiff::Timestamp = "2025-01-01T04:00:00Z".parse().expect("date");
    println!(
        "optimize benchmark: {seeds} learners, {answers} answers fitted, {held_out} held out\n"
    );
    println!(
        "{:>4} {:>6} | {:>22} | {:>22} | {:>22} | {:>15} | {:>5} | {:>5}",
        "seed",
        "items",
        "defaults: LL RMSE MAE",
        "fitted: LL RMSE MAE",
        "true: LL RMSE MAE",
        "CV LL cur/fit",
        "saved",
        "fit s"
    );
    // Log loss, RMSE and MAE of: defaults, fitted, true, and what optimize leaves in use.
    let mut sums = [0.0f64; 12];
    let mut saved = 0;
    let mut counted = 0;
    for seed in 1..=seeds as u64 {
        let mut learner = learner::Learner::new(learner::perturbed_parameters(seed), seed);
        // About a dozen answers a card, as in a few months of study.
        let cards = (answers + held_out) / 12;
        let all = learner.study(cards, 10, answers + held_out, day0.as_millisecond());
        let cut = all[answers.min(all.len() - 1)].at;
        let keys: Vec<String> = all.iter().map(learner::Answer::key).collect();
        let history = |upto: usize| {
            History::from_reviews(all[..upto].iter().zip(&keys).map(|(a, k)| {
                (
                    a.at,
                    k.as_str(),
                    Grade::from_number(a.grade).expect("grade"),
                    4000,
                )
            }))
        };
        let clock = Clock::new(
            jiff::Timestamp::from_millisecond(all[all.len() - 1].at + learner::DAY_MS)
                .expect("time"),
            TimeZone::UTC,
            4,
        );
        let train = optimize::dataset(&history(answers.min(all.len())), &clock);
        if optimize::readiness(&train) != Readiness::Ready {
            println!(
                "{seed:>4}: not enough data ({:?})",
                optimize::readiness(&train)
            );
            continue;
        }
        let start = Instant::now();
        let fit = optimize::fit(&train, &[], &Progress::default()).expect("fit");
        let secs = start.elapsed().as_secs_f32();

        // Held out: every item whose last answer came after the fitted part, with its true
        // recall (answer times are unique, so the time finds the answer).
        let whole = optimize::dataset(&history(all.len()), &clock);
        let p_true: std::collections::HashMap<i64, f32> =
            all.iter().map(|a| (a.at, a.p_true)).collect();
        let mut test = Vec::new();
        let mut truth = Vec::new();
        let times = answer_times(&all, &whole);
        for (item, at) in whole.items.iter().zip(times) {
            if at > cut {
                test.push(item.clone());
                truth.push(p_true[&at]);
            }
        }
        let score = |parameters: &[f32]| -> Row {
            let m = metrics::evaluate(parameters, &test, None).expect("evaluate");
            let fsrs = fsrs::FSRS::new(parameters).expect("parameters");
            let decay = metrics::decay_of(parameters).expect("decay");
            let mae = test
                .iter()
                .zip(&truth)
                .map(|(item, t)| (metrics::predict(&fsrs, decay, item).expect("predict") - t).abs())
                .sum::<f32>()
                / test.len() as f32;
            Row {
                log_loss: m.log_loss,
                rmse: m.rmse_bins,
                mae,
            }
        };
        if show_parameters {
            let show = |p: &[f32]| {
                let w: Vec<String> = p.iter().map(|w| format!("{w:.3}")).collect();
                w.join(" ")
            };
            println!("       true     {}", show(&learner.parameters));
            println!("       fitted   {}", show(&fit.parameters));
            println!("       defaults {}", show(&fsrs::DEFAULT_PARAMETERS));
        }
        let rows = [
            score(&[]),
            score(&fit.parameters),
            score(&learner.parameters),
            // What the user ends with: the fit only if optimize saved it.
            score(if fit.is_better() {
                &fit.parameters
            } else {
                &[]
            }),
        ];
        saved += usize::from(fit.is_better());
        let cell = |r: &Row| format!("{:.4} {:.4} {:.4}", r.log_loss, r.rmse, r.mae);
        println!(
            "{seed:>4} {:>6} | {:>22} | {:>22} | {:>22} | {:>7.4}/{:<7.4} | {:>5} | {secs:>5.1}",
            train.len(),
            cell(&rows[0]),
            cell(&rows[1]),
            cell(&rows[2]),
            fit.before.log_loss,
            fit.after.log_loss,
            if fit.is_better() { "yes" } else { "no" },
        );
        for (i, r) in rows.iter().enumerate() {
            sums[i * 3] += f64::from(r.log_loss);
            sums[i * 3 + 1] += f64::from(r.rmse);
            sums[i * 3 + 2] += f64::from(r.mae);
        }
        counted += 1;
    }
    if counted == 0 {
        return;
    }
    let n = counted as f64;
    let mean = |i: usize| sums[i] / n;
    println!(
        "\nmean over {counted} learners, on held-out answers (log loss, RMSE over bins, mean |predicted - true recall|):"
    );
    let names = ["defaults", "fitted", "true parameters", "after optimize"];
    for (i, name) in names.iter().enumerate() {
        println!(
            "  {name:<16} {:.4}  {:.2}%  {:.2}%",
            mean(i * 3),
            mean(i * 3 + 1) * 100.0,
            mean(i * 3 + 2) * 100.0
        );
    }
    let closes = |i: usize| 100.0 * (mean(0) - mean(i)) / (mean(0) - mean(6));
    println!(
        "  (\"after optimize\": the fit where optimize saved it, {saved} of {counted}; the defaults elsewhere)"
    );
    println!(
        "  fitted: closes {:.0}% of the defaults' log-loss gap to the truth, cuts the mean recall error by {:.0}%",
        closes(3),
        100.0 * (mean(2) - mean(5)) / mean(2)
    );
    println!(
        "  after optimize: closes {:.0}% of the gap, cuts the mean recall error by {:.0}%",
        closes(9),
        100.0 * (mean(2) - mean(11)) / mean(2)
    );
}

/// The time of each item's last answer: items come in the time order of their last answers,
/// and each is one answer given on a later day than its card's previous one.
fn answer_times(all: &[learner::Answer], data: &optimize::Dataset) -> Vec<i64> {
    let mut last_day: std::collections::HashMap<usize, i64> = std::collections::HashMap::new();
    let mut times = Vec::with_capacity(data.len());
    for a in all {
        let day = (a.at - 4 * 3_600_000).div_euclid(learner::DAY_MS);
        if last_day.insert(a.card, day).is_some_and(|d| d < day) {
            times.push(a.at);
        }
    }
    assert_eq!(times.len(), data.len(), "items and answers disagree");
    times
}
