//! Throttled sign-in: failed attempts are counted per account and client address,
//! and per client address alone (a spray over many usernames), with `governor`'s
//! GCRA limiters. Once a limiter runs dry, attempts from that key are refused with
//! 429 and `Retry-After` *before* any password is hashed. Only failures count, so
//! an agency behind one NAT address signs in freely, and an attacker at one address
//! cannot lock a person out at another.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::app::InputError;

/// What a failure is counted against.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
enum Key {
    Account(String, IpAddr),
    Address(IpAddr),
}

pub struct SignInThrottle {
    /// Failures for one account from one address: 5 at once, then one per 12 s.
    account: DefaultKeyedRateLimiter<(String, IpAddr)>,
    /// Failures from one address, any account: 30 at once, then one per 2 s.
    address: DefaultKeyedRateLimiter<IpAddr>,
    /// Keys whose limiter ran dry, until when they are refused.
    blocked: moka::sync::Cache<Key, Instant>,
}

impl Default for SignInThrottle {
    fn default() -> Self {
        Self::new(5, Duration::from_secs(12), 30, Duration::from_secs(2))
    }
}

fn quota(burst: u32, every: Duration) -> Quota {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(every).unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN)).allow_burst(burst)
}

impl SignInThrottle {
    pub fn new(account_burst: u32, account_every: Duration, address_burst: u32, address_every: Duration) -> Self {
        SignInThrottle {
            account: RateLimiter::keyed(quota(account_burst, account_every)),
            address: RateLimiter::keyed(quota(address_burst, address_every)),
            blocked: moka::sync::Cache::builder().max_capacity(100_000).time_to_live(Duration::from_secs(3600)).build(),
        }
    }

    /// Admits an attempt, or refuses it (429) while its account or address is blocked.
    pub fn admit(&self, account: Option<&str>, addr: IpAddr) -> Result<(), InputError> {
        let now = Instant::now();
        let mut keys = vec![Key::Address(addr)];
        if let Some(a) = account {
            keys.push(Key::Account(normalise(a), addr));
        }
        let wait = keys.iter().filter_map(|k| self.blocked.get(k)).filter(|until| *until > now).map(|until| until - now).max();
        match wait {
            Some(w) => Err(InputError::TooManyAttempts { retry_after: w.as_secs() + 1 }),
            None => Ok(()),
        }
    }

    /// Counts a failed attempt; a limiter that runs dry blocks its key until it refills.
    pub fn failed(&self, account: Option<&str>, addr: IpAddr) {
        let clock = DefaultClock::default();
        let now = Instant::now();
        if let Err(not_until) = self.address.check_key(&addr) {
            self.blocked.insert(Key::Address(addr), now + not_until.wait_time_from(clock.now()));
        }
        if let Some(a) = account {
            let a = normalise(a);
            if let Err(not_until) = self.account.check_key(&(a.clone(), addr)) {
                self.blocked.insert(Key::Account(a, addr), now + not_until.wait_time_from(clock.now()));
            }
        }
    }

    /// Forgets limiter state that has fully refilled (call now and then).
    pub fn forget_idle(&self) {
        self.account.retain_recent();
        self.address.retain_recent();
    }
}

/// Usernames are compared as the store compares them (exactly), but bounded so a
/// spray of huge names cannot grow the table.
fn normalise(account: &str) -> String {
    account.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 1));
    const AWAY: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));

    #[test]
    fn an_account_is_blocked_at_one_address_only() {
        let t = SignInThrottle::new(3, Duration::from_secs(60), 100, Duration::from_secs(1));
        for _ in 0..4 {
            assert!(t.admit(Some("a"), HOME).is_ok());
            t.failed(Some("a"), HOME);
        }
        let refused = t.admit(Some("a"), HOME).err();
        assert!(matches!(refused, Some(InputError::TooManyAttempts { retry_after }) if (1..=61).contains(&retry_after)), "{refused:?}");
        assert!(t.admit(Some("a"), AWAY).is_ok(), "another address is not locked out");
        assert!(t.admit(Some("b"), HOME).is_ok(), "another account from the same address is not blocked");
    }

    #[test]
    fn a_spray_over_usernames_blocks_the_address() {
        let t = SignInThrottle::new(5, Duration::from_secs(60), 10, Duration::from_secs(60));
        for i in 0..11 {
            let name = format!("user{i}");
            assert!(t.admit(Some(&name), HOME).is_ok(), "attempt {i}");
            t.failed(Some(&name), HOME);
        }
        assert!(t.admit(Some("someone-else"), HOME).is_err());
        assert!(t.admit(Some("someone-else"), AWAY).is_ok());
    }
}
