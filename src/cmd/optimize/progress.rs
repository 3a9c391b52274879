//! A progress bar on stderr while long work runs (the optimiser's fit, an Anki import), shown
//! only on a terminal and only once the work has taken more than a second (a small history
//! fits faster than a bar would flash).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use crate::optimize::Progress;

/// How long the work may take before the bar appears.
const SHOW_AFTER: Duration = Duration::from_secs(1);
const TICK: Duration = Duration::from_millis(100);
const WIDTH: usize = 30;

/// Waits until `done()`, drawing the bar for `progress` meanwhile if stderr is a terminal.
pub fn watch(progress: &Progress, done: impl Fn() -> bool) {
    watch_labelled("fitting", || progress.fraction(), done);
}

/// `watch` for any work: `label` names it on the bar, `fraction` says how far it is (0–1).
pub fn watch_labelled(label: &str, fraction: impl Fn() -> f32, done: impl Fn() -> bool) {
    let terminal = std::io::stderr().is_terminal();
    let start = Instant::now();
    let mut drawn = false;
    while !done() {
        std::thread::sleep(TICK);
        if terminal && start.elapsed() >= SHOW_AFTER {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{}", bar(label, fraction(), start.elapsed()));
            let _ = err.flush();
            drawn = true;
        }
    }
    if drawn {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{}\r", " ".repeat(WIDTH + 24));
        let _ = err.flush();
    }
}

/// `fitting [#########.....................]  31%  12 s`
fn bar(label: &str, fraction: f32, elapsed: Duration) -> String {
    let filled = ((fraction * WIDTH as f32).round() as usize).min(WIDTH);
    format!(
        "{label} [{}{}] {:>3.0}% {:>4} s",
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        fraction * 100.0,
        elapsed.as_secs()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_fills_with_the_fraction_and_keeps_its_width() {
        let empty = bar("fitting", 0.0, Duration::from_secs(2));
        let half = bar("fitting", 0.5, Duration::from_secs(2));
        let full = bar("fitting", 1.0, Duration::from_secs(125));
        assert_eq!(
            empty,
            format!("fitting [{}]   0%    2 s", ".".repeat(WIDTH))
        );
        assert_eq!(half.matches('#').count(), WIDTH / 2);
        assert!(full.contains(&"#".repeat(WIDTH)) && full.ends_with(" 100%  125 s"));
        assert_eq!(empty.len(), half.len());
        assert!(full.len() <= WIDTH + 24);
    }
}
