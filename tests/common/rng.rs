//! A small seedable generator for the harnesses (kill, concurrent): splitmix64, the same
//! everywhere, so a seed replays a run's choices.

use std::time::Duration;

/// splitmix64.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// In `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    pub fn index(&mut self, len: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(len.max(1)).unwrap()).unwrap()
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn millis(&mut self, max: Duration) -> Duration {
        let max = u64::try_from(max.as_millis()).unwrap();
        Duration::from_millis(self.range(0, max))
    }

    /// A new generator for one thread, drawn from this one.
    pub fn fork(&mut self) -> Rng {
        Rng(self.next())
    }
}
