//! Where statreq may connect on its own (webhooks): never to loopback, private,
//! link-local, unique-local, CGNAT, multicast or otherwise special addresses —
//! including names that resolve to them — unless the operator names the host or
//! network as an exception (`--webhook-allow-hosts`). The check runs when a
//! subscription is registered and again on every connection (a resolver that
//! filters addresses), so a name re-pointed after registration gains nothing.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// One named exception: a host name, or an address or network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allowed {
    Host(String),
    Net(ipnet::IpNet),
}

impl Allowed {
    /// `hooks.example.gov.tw`, `127.0.0.1`, `10.20.0.0/16` or `::1`.
    pub fn parse(s: &str) -> Result<Allowed, String> {
        let s = s.trim().trim_start_matches('[').trim_end_matches(']');
        if s.is_empty() {
            return Err("an empty host".into());
        }
        if let Ok(n) = s.parse::<ipnet::IpNet>() {
            return Ok(Allowed::Net(n));
        }
        if let Ok(a) = s.parse::<IpAddr>() {
            return Ok(Allowed::Net(a.into()));
        }
        if s.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') {
            return Ok(Allowed::Host(s.to_ascii_lowercase()));
        }
        Err(format!("{s:?} is neither a host name, an address nor a CIDR network"))
    }
}

/// The outbound policy of one server.
#[derive(Debug, Clone, Default)]
pub struct OutboundPolicy {
    pub allowed: Vec<Allowed>,
    /// Tests and CI: nothing but loopback (and loopback still only where named).
    pub loopback_only: bool,
}

/// Why a destination is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forbidden(pub IpAddr);

impl OutboundPolicy {
    fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
        self.allowed.iter().any(|a| matches!(a, Allowed::Host(h) if *h == host))
    }

    /// Whether statreq may connect to `addr`, reached through `host`.
    pub fn permits(&self, host: &str, addr: IpAddr) -> bool {
        if self.loopback_only && !canonical(addr).is_loopback() {
            return false;
        }
        let named = self.host_allowed(host)
            || self.allowed.iter().any(|a| matches!(a, Allowed::Net(n) if n.contains(&addr) || n.contains(&canonical(addr))));
        named || is_public(addr)
    }

    /// Whether plain `http://` may be used: only to a host named as an exception.
    pub fn permits_plain_http(&self, host: &str) -> bool {
        self.host_allowed(host)
            || host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .is_ok_and(|a| self.allowed.iter().any(|n| matches!(n, Allowed::Net(net) if net.contains(&a))))
    }

    /// The addresses of `host` statreq may connect to; refused when it has none.
    pub async fn resolve(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, ResolveError> {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let found: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
            Ok(a) => vec![SocketAddr::new(a, port)],
            Err(_) => tokio::net::lookup_host((bare, port)).await.map_err(|_| ResolveError::Unresolved)?.collect(),
        };
        let refused = found.iter().find(|a| !self.permits(bare, a.ip())).map(|a| a.ip());
        let ok: Vec<SocketAddr> = found.into_iter().filter(|a| self.permits(bare, a.ip())).collect();
        match (ok.is_empty(), refused) {
            (true, Some(a)) => Err(ResolveError::Forbidden(Forbidden(a))),
            (true, None) => Err(ResolveError::Unresolved),
            (false, _) => Ok(ok),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    Unresolved,
    Forbidden(Forbidden),
}

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResolveError::Unresolved => write!(f, "the host does not resolve"),
            ResolveError::Forbidden(Forbidden(a)) => write!(f, "{a} is not a public address"),
        }
    }
}

impl std::error::Error for ResolveError {}

/// An IPv4 address carried in IPv6 (mapped, NAT64) is judged as IPv4.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return IpAddr::V4(v4);
            }
            let s = v6.segments();
            if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let [a, b] = s[6].to_be_bytes();
                let [c, d] = s[7].to_be_bytes();
                return IpAddr::V4(Ipv4Addr::new(a, b, c, d));
            }
            IpAddr::V6(v6)
        }
        v4 => v4,
    }
}

/// A globally routable unicast address: none of the special ranges.
pub fn is_public(addr: IpAddr) -> bool {
    match canonical(addr) {
        IpAddr::V4(a) => {
            let [o1, o2, o3, _] = a.octets();
            !(a.is_unspecified()
                || a.is_loopback()
                || a.is_private()
                || a.is_link_local()
                || a.is_multicast()
                || a.is_broadcast()
                || a.is_documentation()
                || o1 == 0
                || (o1 == 100 && (64..128).contains(&o2)) // CGNAT 100.64/10
                || (o1 == 192 && o2 == 0 && o3 == 0) // IETF protocol assignments
                || (o1 == 198 && (18..20).contains(&o2)) // benchmarking 198.18/15
                || o1 >= 240) // reserved
        }
        IpAddr::V6(a) => {
            let first = a.segments()[0];
            !(a.is_unspecified()
                || a.is_loopback()
                || a.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
                || first == 0x2001 && a.segments()[1] == 0x0db8 // documentation
                || first == 0x2002 // 6to4 (can embed private IPv4)
                || a == Ipv6Addr::UNSPECIFIED)
        }
    }
}

/// A resolver for reqwest that only ever yields permitted addresses: every
/// connection is checked, not just the registration.
pub struct CheckedResolver(pub Arc<OutboundPolicy>);

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.0.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs = policy.resolve(&host, 0).await.map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }

    #[test]
    fn special_ranges_are_not_public() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "fe80::1",
            "fd00::1",
            "ff02::1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "::",
        ] {
            assert!(!is_public(ip(a)), "{a}");
        }
        for a in ["8.8.8.8", "163.29.3.1", "2001:4860:4860::8888"] {
            assert!(is_public(ip(a)), "{a}");
        }
    }

    #[test]
    fn exceptions_are_named_hosts_or_networks() {
        let p = OutboundPolicy {
            allowed: vec![Allowed::parse("127.0.0.1").unwrap_or(Allowed::Host(String::new())), Allowed::Host("hooks.internal".into())],
            loopback_only: false,
        };
        assert!(p.permits("127.0.0.1", ip("127.0.0.1")));
        assert!(!p.permits("127.0.0.2", ip("127.0.0.2")));
        assert!(p.permits("hooks.internal", ip("10.0.0.9")));
        assert!(!p.permits("other.internal", ip("10.0.0.9")));
        assert!(p.permits_plain_http("127.0.0.1") && p.permits_plain_http("hooks.internal") && !p.permits_plain_http("example.com"));
        let only = OutboundPolicy {
            allowed: vec![Allowed::Net("127.0.0.0/8".parse().unwrap_or(ipnet::IpNet::V4(Default::default())))],
            loopback_only: true,
        };
        assert!(only.permits("x", ip("127.0.0.9")) && !only.permits("x", ip("8.8.8.8")));
        let unnamed = OutboundPolicy { allowed: vec![], loopback_only: true };
        assert!(!unnamed.permits("x", ip("127.0.0.9")), "loopback still needs naming");
        assert!(Allowed::parse("not a host!").is_err());
    }
}
