//! What a simulated container writes: the workload (chosen from the image), deterministic
//! pseudo-randomness per line, and the time formats the real programs use.

use super::workloads;

/// The kind of program a container runs, which decides what its log looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// cozserver / echo-server: an HTTP access log.
    EchoServer,
    /// nginx and other web servers: nginx's combined log format.
    Nginx,
    CoreDns,
    /// etcd's JSON (zap) log.
    Etcd,
    /// Control-plane components logging with klog.
    Klog(Component),
    /// A helper container next to the main one (a log shipper).
    Sidecar,
    /// Lines full of escape sequences, control bytes and invalid UTF-8, for the sanitizer demo.
    Hostile,
    /// Any other program: logfmt lines.
    Generic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Component {
    ApiServer,
    ControllerManager,
    Scheduler,
    Proxy,
    StorageProvisioner,
}

impl Workload {
    pub fn from_image(image: &str) -> Workload {
        let image = image.to_ascii_lowercase();
        // The repository name without registry and tag: `registry.k8s.io/etcd:3.5` → `etcd`.
        let repo = image.split(['@']).next().unwrap_or("");
        let repo = repo.rsplit('/').next().unwrap_or("");
        let repo = repo.split(':').next().unwrap_or("");
        let has = |s: &str| repo.contains(s);
        if has("hostile") {
            Workload::Hostile
        } else if has("coredns") {
            Workload::CoreDns
        } else if has("etcd") {
            Workload::Etcd
        } else if has("kube-apiserver") {
            Workload::Klog(Component::ApiServer)
        } else if has("kube-controller-manager") {
            Workload::Klog(Component::ControllerManager)
        } else if has("kube-scheduler") {
            Workload::Klog(Component::Scheduler)
        } else if has("kube-proxy") {
            Workload::Klog(Component::Proxy)
        } else if has("storage-provisioner") {
            Workload::Klog(Component::StorageProvisioner)
        } else if has("cozserver") || has("echo") || has("hello") {
            Workload::EchoServer
        } else if has("nginx") || has("httpd") || has("web") || has("caddy") {
            Workload::Nginx
        } else if has("sidecar") || has("fluent") || has("envoy") || has("proxy") || has("log") {
            Workload::Sidecar
        } else {
            Workload::Generic
        }
    }

    /// The workload of a container: from its image, or for an image that says nothing
    /// (busybox, an in-house app) from a container name like `log-shipper` or `sidecar`.
    pub fn detect(container: &str, image: &str) -> Workload {
        match Workload::from_image(image) {
            Workload::Generic if Workload::from_image(container) == Workload::Sidecar => {
                Workload::Sidecar
            }
            w => w,
        }
    }

    /// Milliseconds between lines unless the pod's annotation says otherwise.
    pub fn default_interval_ms(self) -> i64 {
        match self {
            Workload::EchoServer => 700,
            Workload::Nginx => 900,
            Workload::CoreDns => 1500,
            Workload::Etcd => 2500,
            Workload::Klog(Component::ApiServer) => 1200,
            Workload::Klog(Component::ControllerManager) => 2000,
            Workload::Klog(Component::Scheduler) => 4000,
            Workload::Klog(Component::Proxy) => 5000,
            Workload::Klog(Component::StorageProvisioner) => 10_000,
            Workload::Sidecar => 3000,
            Workload::Hostile => 1000,
            Workload::Generic => 1500,
        }
    }
}

/// Line `k` of an instance seeded with `seed`, stamped `ts_ns`.
pub fn line(workload: Workload, seed: u64, k: u64, ts_ns: i64) -> Vec<u8> {
    let mut rng = Rng(mix(seed ^ mix(k)));
    let t = Civil::from_ns(ts_ns);
    match workload {
        Workload::EchoServer => workloads::echo_server(&mut rng, k, &t).into_bytes(),
        Workload::Nginx => workloads::nginx(&mut rng, k, &t).into_bytes(),
        Workload::CoreDns => workloads::coredns(&mut rng, k).into_bytes(),
        Workload::Etcd => workloads::etcd(&mut rng, k, &t).into_bytes(),
        Workload::Klog(c) => workloads::klog(c, &mut rng, k, &t).into_bytes(),
        Workload::Sidecar => workloads::sidecar(&mut rng, k, &t).into_bytes(),
        Workload::Hostile => workloads::hostile(&mut rng, k),
        Workload::Generic => workloads::generic(&mut rng, k, &t).into_bytes(),
    }
}

/// How many lines a run that exited with `code` writes last.
pub fn exit_line_count(workload: Workload, code: i64) -> u64 {
    workloads::exit_lines(workload, code, &Civil::from_ns(0)).len() as u64
}

/// Exit line `i` of a run that exited with `code` at `ts_ns`.
pub fn exit_line(workload: Workload, code: i64, i: u64, ts_ns: i64) -> Vec<u8> {
    workloads::exit_lines(workload, code, &Civil::from_ns(ts_ns))
        .into_iter()
        .nth(i as usize)
        .unwrap_or_default()
        .into_bytes()
}

/// SplitMix64's finaliser: a well-spread 64-bit hash of a 64-bit value.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// FNV-1a of a string, mixed.
pub fn hash_str(s: &str) -> u64 {
    let h = s.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    mix(h)
}

/// Deterministic pseudo-random numbers for one line.
pub struct Rng(u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = mix(self.0);
        self.0
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Picks by weight: `items` pairs a weight with a value.
    pub fn weighted<'a, T>(&mut self, items: &'a [(u64, T)]) -> &'a T {
        let total: u64 = items.iter().map(|(w, _)| w).sum();
        let mut r = self.below(total);
        for (w, v) in items {
            if r < *w {
                return v;
            }
            r -= w;
        }
        &items[items.len() - 1].1
    }
}

/// A UTC civil time, split for the formats logs use.
pub struct Civil {
    pub year: i16,
    pub month: i8,
    pub day: i8,
    pub hour: i8,
    pub minute: i8,
    pub second: i8,
    pub nanos: i32,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Civil {
    /// UTC calendar fields of Unix nanoseconds, by Howard Hinnant's `civil_from_days`
    /// (plain arithmetic: a fast log producer formats a million of these a second).
    pub fn from_ns(ns: i64) -> Civil {
        const NANOS_PER_DAY: i64 = 86_400 * 1_000_000_000;
        let days = ns.div_euclid(NANOS_PER_DAY);
        let in_day = ns.rem_euclid(NANOS_PER_DAY);
        let secs = in_day / 1_000_000_000;
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Civil {
            year: year.clamp(0, 9999) as i16,
            month: month as i8,
            day: day as i8,
            hour: (secs / 3600) as i8,
            minute: (secs / 60 % 60) as i8,
            second: (secs % 60) as i8,
            nanos: (in_day % 1_000_000_000) as i32,
        }
    }

    /// `2026-11-25T19:57:19.123456789Z`: the kubelet's fixed-width RFC3339Nano.
    pub fn rfc3339_nano(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second, self.nanos
        )
    }

    /// `2026-11-25T19:57:19.123456Z` (etcd, logfmt).
    pub fn rfc3339_micro(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.nanos / 1000
        )
    }

    /// `1125 19:57:19.123456` (klog header after the level letter).
    pub fn klog(&self) -> String {
        format!(
            "{:02}{:02} {:02}:{:02}:{:02}.{:06}",
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.nanos / 1000
        )
    }

    /// `25/Nov/2026:19:57:19 +0000` (common log format).
    pub fn clf(&self) -> String {
        let month = MONTHS[(self.month.clamp(1, 12) - 1) as usize];
        format!(
            "{:02}/{month}/{:04}:{:02}:{:02}:{:02} +0000",
            self.day, self.year, self.hour, self.minute, self.second
        )
    }

    /// `2026/11/25 19:57:19` (Go's log package, nginx's error log).
    pub fn slashed(&self) -> String {
        format!(
            "{:04}/{:02}/{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workload_from_image() {
        assert_eq!(
            Workload::from_image("registry.k8s.io/coredns/coredns:v1.12.0"),
            Workload::CoreDns
        );
        assert_eq!(
            Workload::from_image("registry.k8s.io/etcd:3.5.21-0"),
            Workload::Etcd
        );
        assert_eq!(
            Workload::from_image("registry.k8s.io/kube-apiserver:v1.33.1"),
            Workload::Klog(Component::ApiServer)
        );
        assert_eq!(
            Workload::from_image("registry.k8s.io/kube-proxy:v1.33.1"),
            Workload::Klog(Component::Proxy)
        );
        assert_eq!(
            Workload::from_image("sebcontents/cozserver:1.0"),
            Workload::EchoServer
        );
        assert_eq!(
            Workload::from_image("kicbase/echo-server:1.0"),
            Workload::EchoServer
        );
        assert_eq!(Workload::from_image("nginx:1.27"), Workload::Nginx);
        assert_eq!(
            Workload::from_image("rkt/hostile-logger"),
            Workload::Hostile
        );
        assert_eq!(
            Workload::from_image("fluent/fluent-bit:3.1"),
            Workload::Sidecar
        );
        assert_eq!(Workload::from_image("busybox:1.36"), Workload::Generic);
        assert_eq!(
            Workload::detect("log-shipper", "busybox:1.36"),
            Workload::Sidecar
        );
        assert_eq!(Workload::detect("app", "busybox:1.36"), Workload::Generic);
        assert_eq!(
            Workload::detect("log-shipper", "nginx:1.27"),
            Workload::Nginx
        );
    }

    #[test]
    fn lines_are_deterministic_and_vary() {
        let a = line(Workload::EchoServer, 7, 10, 1_000_000_000);
        let b = line(Workload::EchoServer, 7, 10, 1_000_000_000);
        assert_eq!(a, b);
        let distinct: std::collections::HashSet<Vec<u8>> = (0..50)
            .map(|k| line(Workload::EchoServer, 7, k, 1_000_000_000))
            .collect();
        assert!(
            distinct.len() > 30,
            "only {} distinct lines",
            distinct.len()
        );
    }

    #[test]
    fn time_formats() {
        // 2026-11-25T19:57:19.123456789Z
        let t = Civil::from_ns(1_795_636_639_123_456_789);
        assert_eq!(t.rfc3339_nano(), "2026-11-25T19:57:19.123456789Z");
        assert_eq!(t.rfc3339_micro(), "2026-11-25T19:57:19.123456Z");
        assert_eq!(t.klog(), "1125 19:57:19.123456");
        assert_eq!(t.clf(), "25/Nov/2026:19:57:19 +0000");
        assert_eq!(t.slashed(), "2026/11/25 19:57:19");
        assert_eq!(
            Civil::from_ns(1_795_636_639_000_000_000).rfc3339_nano(),
            "2026-11-25T19:57:19.000000000Z"
        );
    }

    #[test]
    fn civil_time_agrees_with_jiff() {
        let mut r = Rng(9);
        for _ in 0..2000 {
            // 1970 .. 2200
            let ns =
                (r.below(7_258_118_400) as i64) * 1_000_000_000 + r.below(1_000_000_000) as i64;
            let ours = Civil::from_ns(ns);
            let ts = jiff::Timestamp::from_nanosecond(i128::from(ns)).unwrap();
            assert_eq!(
                ours.rfc3339_nano(),
                ts.strftime("%Y-%m-%dT%H:%M:%S.%9fZ").to_string()
            );
        }
    }

    #[test]
    fn rng_stays_in_range() {
        let mut r = Rng(1);
        for n in 1..100 {
            assert!(r.below(n) < n);
        }
        let items = [(1, "a"), (0, "never"), (3, "b")];
        for _ in 0..200 {
            assert_ne!(*r.weighted(&items), "never");
        }
    }
}
