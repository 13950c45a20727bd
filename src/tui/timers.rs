//! The runtime's clocks, none of which makes an idle reader write anything: the minute clock
//! for relative dates, the look every few seconds at the database's commit counter (other
//! readers, cron), and the automatic refresh.

use std::time::Duration;

use tokio::time::{Instant, Interval, MissedTickBehavior, interval_at};

/// How often the runtime looks whether another connection wrote to the database.
const WATCH_EVERY: Duration = Duration::from_secs(2);
const CLOCK_EVERY: Duration = Duration::from_secs(60);

/// Which clock went off.
pub enum Tick {
    Clock,
    Watch,
    Refresh,
}

pub struct Timers {
    clock: Interval,
    watch: Interval,
    refresh: Option<Interval>,
}

fn every(period: Duration, first: Instant) -> Interval {
    let mut timer = interval_at(first, period);
    timer.set_missed_tick_behavior(MissedTickBehavior::Delay);
    timer
}

impl Timers {
    /// The clocks, with the automatic refresh every `refresh` (none: never).
    pub fn new(refresh: Option<Duration>) -> Self {
        let now = Instant::now();
        Self {
            clock: every(CLOCK_EVERY, now + CLOCK_EVERY),
            watch: every(WATCH_EVERY, now + WATCH_EVERY),
            refresh: refresh.map(|period| every(period, now + period)),
        }
    }

    /// Waits for the next clock to go off.
    pub async fn next(&mut self) -> Tick {
        let refresh = async {
            match &mut self.refresh {
                Some(timer) => {
                    timer.tick().await;
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = self.clock.tick() => Tick::Clock,
            _ = self.watch.tick() => Tick::Watch,
            () = refresh => Tick::Refresh,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_refresh_clock_goes_off_at_its_period_and_never_without_one() {
        let mut t = Timers::new(Some(Duration::from_millis(10)));
        assert!(matches!(t.next().await, Tick::Refresh));
        let mut t = Timers::new(None);
        let waited = tokio::time::timeout(Duration::from_millis(50), t.next()).await;
        assert!(waited.is_err(), "nothing goes off in the first 50 ms");
    }
}
