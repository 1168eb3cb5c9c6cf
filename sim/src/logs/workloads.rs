//! The line generators, one per workload. Each gets its own deterministic [`Rng`] per line;
//! the first few lines of a run are the program's start-up banner.

use super::lines::{Civil, Component, Rng, Workload};

const CLIENTS: &[&str] = &[
    "10.244.0.1",
    "10.244.0.1",
    "172.17.0.1",
    "192.168.49.1",
    "10.244.0.14",
    "10.244.0.22",
];
const AGENTS: &[&str] = &[
    "curl/8.5.0",
    "kube-probe/1.33",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Go-http-client/1.1",
    "python-requests/2.32.3",
];
const PATHS: &[&str] = &[
    "/",
    "/",
    "/healthz",
    "/api/items",
    "/api/items?page=2",
    "/api/items/42",
    "/static/app.js",
    "/static/style.css",
    "/favicon.ico",
    "/login",
];
const METHODS: &[(u64, &str)] = &[
    (80, "GET"),
    (12, "POST"),
    (4, "PUT"),
    (3, "DELETE"),
    (1, "HEAD"),
];
const STATUSES: &[(u64, u16)] = &[(85, 200), (5, 304), (4, 404), (3, 201), (2, 500), (1, 302)];

fn request(rng: &mut Rng) -> (&'static str, &'static str, u16, u64) {
    let method = *rng.weighted(METHODS);
    let path = *rng.pick(PATHS);
    let status = if path == "/favicon.ico" {
        404
    } else {
        *rng.weighted(STATUSES)
    };
    let bytes = match status {
        304 => 0,
        404 => 153,
        _ => 120 + rng.below(4000),
    };
    (method, path, status, bytes)
}

pub fn echo_server(rng: &mut Rng, k: u64, t: &Civil) -> String {
    match k {
        0 => return format!("{} cozserver starting (pid 1)", t.slashed()),
        1 => return format!("{} serving HTTP on 0.0.0.0:8080", t.slashed()),
        _ => {}
    }
    let (method, path, status, bytes) = request(rng);
    format!(
        "{} {}:{} \"{method} {path} HTTP/1.1\" {status} {bytes}B {}.{:03}ms \"{}\"",
        t.slashed(),
        rng.pick(CLIENTS),
        32768 + rng.below(28000),
        rng.below(3),
        rng.below(1000),
        rng.pick(AGENTS)
    )
}

pub fn nginx(rng: &mut Rng, k: u64, t: &Civil) -> String {
    const BANNER: &[&str] = &[
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
        "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
        "/docker-entrypoint.sh: Configuration complete; ready for start up",
    ];
    if let Some(b) = BANNER.get(k as usize) {
        return (*b).to_string();
    }
    if k == BANNER.len() as u64 {
        return format!("{} [notice] 1#1: start worker processes", t.slashed());
    }
    let (method, path, status, bytes) = request(rng);
    format!(
        "{} - - [{}] \"{method} {path} HTTP/1.1\" {status} {bytes} \"-\" \"{}\" \"-\"",
        rng.pick(CLIENTS),
        t.clf(),
        rng.pick(AGENTS)
    )
}

pub fn coredns(rng: &mut Rng, k: u64) -> String {
    const BANNER: &[&str] = &[
        ".:53",
        "[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908",
        "CoreDNS-1.12.0",
        "linux/amd64, go1.23.3, 51e11f1",
    ];
    if let Some(b) = BANNER.get(k as usize) {
        return (*b).to_string();
    }
    const NAMES: &[(&str, &str)] = &[
        ("A", "kubernetes.default.svc.cluster.local."),
        ("AAAA", "kubernetes.default.svc.cluster.local."),
        ("A", "hello-minikube.default.svc.cluster.local."),
        ("A", "registry-1.docker.io."),
        ("A", "kube-dns.kube-system.svc.cluster.local."),
        ("A", "api.github.com.default.svc.cluster.local."),
    ];
    let (qtype, name) = *rng.pick(NAMES);
    let nx = name.starts_with("api.github.com");
    let rcode = if nx { "NXDOMAIN" } else { "NOERROR" };
    let flags = if name.ends_with("cluster.local.") {
        "qr,aa,rd"
    } else {
        "qr,rd,ra"
    };
    format!(
        "[INFO] {}:{} - {} \"{qtype} IN {name} udp {} false 512\" {rcode} {flags} {} 0.000{:03}s",
        rng.pick(CLIENTS),
        32768 + rng.below(28000),
        rng.below(65536),
        40 + rng.below(30),
        80 + rng.below(80),
        50 + rng.below(900)
    )
}

pub fn etcd(rng: &mut Rng, k: u64, t: &Civil) -> String {
    let ts = t.rfc3339_micro();
    if k == 0 {
        return format!(
            "{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"etcdmain/etcd.go:73\",\"msg\":\"Running: \",\"args\":[\"etcd\",\"--advertise-client-urls=https://192.168.49.2:2379\",\"--data-dir=/var/lib/minikube/etcd\"]}}"
        );
    }
    let revision = 1000 + k * 7;
    match rng.below(4) {
        0 => format!(
            "{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"mvcc/index.go:214\",\"msg\":\"compact tree index\",\"revision\":{revision}}}"
        ),
        1 => format!(
            "{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"mvcc/kvstore_compaction.go:72\",\"msg\":\"finished scheduled compaction\",\"compact-revision\":{revision},\"took\":\"{}.{:06}ms\",\"hash\":{}}}",
            rng.below(9) + 1,
            rng.below(1_000_000),
            rng.below(4_000_000_000)
        ),
        2 => format!(
            "{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"traceutil/trace.go:171\",\"msg\":\"trace[{}] range\",\"detail\":\"{{range_begin:/registry/pods/default/; range_end:/registry/pods/default0; response_count:{}; response_revision:{revision}; }}\",\"duration\":\"{}.{:06}ms\"}}",
            rng.below(2_000_000_000),
            rng.below(12),
            100 + rng.below(200),
            rng.below(1_000_000)
        ),
        _ => format!(
            "{{\"level\":\"warn\",\"ts\":\"{ts}\",\"caller\":\"etcdserver/util.go:170\",\"msg\":\"apply request took too long\",\"took\":\"{}.{:06}ms\",\"expected-duration\":\"100ms\",\"prefix\":\"read-only range \",\"request\":\"key:\\\"/registry/leases/kube-system/kube-scheduler\\\" \",\"response\":\"range_response_count:1 size:{}\"}}",
            100 + rng.below(150),
            rng.below(1_000_000),
            400 + rng.below(100)
        ),
    }
}

/// A klog source location and message.
type FileMsg = (&'static str, &'static str);

pub fn klog(c: Component, rng: &mut Rng, k: u64, t: &Civil) -> String {
    let (banner, messages): (&[FileMsg], &[FileMsg]) = match c {
        Component::ApiServer => (
            &[("options.go:221", "external host was not specified, using 192.168.49.2"), ("server.go:171", "Version: v1.33.1")],
            &[
                ("controller.go:615", "quota admission added evaluator for: leases.coordination.k8s.io"),
                ("alloc.go:328", "\"allocated clusterIPs\" service=\"default/hello-minikube\" clusterIPs={\"IPv4\":\"10.108.144.78\"}"),
                ("handler.go:286", "Adding GroupVersion apps v1 to ResourceManager"),
                ("cacher.go:479", "cacher (pods): initialized"),
                ("watch.go:243", "watch of *v1.Pod ended with: very short watch"),
            ],
        ),
        Component::ControllerManager => (
            &[("serving.go:386", "Generated self-signed cert in-memory"), ("controllermanager.go:189", "\"Starting\" version=\"v1.33.1\"")],
            &[
                ("replica_set.go:679", "\"Finished syncing\" logger=\"replicaset-controller\" kind=\"ReplicaSet\" key=\"default/hello-minikube-5d8b7c6f9\" duration=\"41.3µs\""),
                ("event.go:389", "\"Event occurred\" object=\"default/hello-minikube\" kind=\"Deployment\" reason=\"ScalingReplicaSet\""),
                ("endpointslice_controller.go:344", "\"Error syncing endpoint slices for service, retrying\" key=\"kube-system/kube-dns\""),
                ("node_lifecycle_controller.go:1236", "\"Controller detected that some Nodes are Ready. Exiting master disruption mode\""),
            ],
        ),
        Component::Scheduler => (
            &[("serving.go:386", "Generated self-signed cert in-memory"), ("server.go:167", "\"Starting Kubernetes Scheduler\" version=\"v1.33.1\"")],
            &[
                ("schedule_one.go:314", "\"Successfully bound pod to node\" pod=\"default/hello-minikube-5d8b7c6f9-x2lmp\" node=\"minikube\" evaluatedNodes=1 feasibleNodes=1"),
                ("leaderelection.go:271", "successfully acquired lease kube-system/kube-scheduler"),
                ("reflector.go:376", "Caches populated for *v1.Pod from k8s.io/client-go/informers/factory.go:160"),
            ],
        ),
        Component::Proxy => (
            &[("server_linux.go:66", "\"Using iptables proxy\""), ("server.go:483", "\"Version info\" version=\"v1.33.1\"")],
            &[
                ("proxier.go:823", "\"SyncProxyRules complete\" elapsed=\"14.21ms\""),
                ("config.go:329", "\"Calling handler.OnServiceSynced()\""),
                ("proxier.go:799", "\"Syncing iptables rules\""),
            ],
        ),
        Component::StorageProvisioner => (
            &[("main.go:38", "Initializing the minikube storage provisioner..."), ("leaderelection.go:243", "attempting to acquire leader lease kube-system/k8s.io-minikube-hostpath...")],
            &[
                ("leaderelection.go:253", "successfully acquired lease kube-system/k8s.io-minikube-hostpath"),
                ("controller.go:835", "Starting provisioner controller k8s.io/minikube-hostpath_minikube_5c3b!"),
                ("controller.go:884", "Started provisioner controller k8s.io/minikube-hostpath_minikube_5c3b!"),
            ],
        ),
    };
    let (level, (file, msg)) = match banner.get(k as usize) {
        Some(b) => ('I', b),
        None => {
            let level = *rng.weighted(&[(90, 'I'), (8, 'W'), (2, 'E')]);
            (level, rng.pick(messages))
        }
    };
    format!("{level}{}       1 {file}] {msg}", t.klog())
}

pub fn sidecar(rng: &mut Rng, k: u64, t: &Civil) -> String {
    let ts = t.slashed();
    if k == 0 {
        return format!("[{ts}] [ info] [fluent bit] version=3.1.9, commit=431fa79ae2, pid=1");
    }
    match rng.below(3) {
        0 => format!(
            "[{ts}] [ info] [input:tail:tail.0] inotify_fs_add(): inode={} watch_fd={} name=/var/log/app/app.log",
            1_000_000 + rng.below(900_000),
            1 + rng.below(4)
        ),
        1 => format!(
            "[{ts}] [ info] [output:forward:forward.0] flushed {} records ({} bytes)",
            1 + rng.below(60),
            200 + rng.below(20_000)
        ),
        _ => format!(
            "[{ts}] [debug] [task] created task=0x{:x} id={} OK",
            0x7f00_0000_0000_u64 + rng.below(0xffff_ffff),
            rng.below(16)
        ),
    }
}

pub fn generic(rng: &mut Rng, k: u64, t: &Civil) -> String {
    let ts = t.rfc3339_micro();
    if k == 0 {
        return format!("time=\"{ts}\" level=info msg=\"starting worker\" version=1.4.2");
    }
    let (level, msg) = *rng.weighted(&[
        (70, ("info", "processed batch")),
        (15, ("debug", "cache refreshed")),
        (10, ("warn", "slow upstream response")),
        (5, ("error", "request failed, will retry")),
    ]);
    format!(
        "time=\"{ts}\" level={level} msg=\"{msg}\" batch={} items={} duration={}ms",
        k,
        rng.below(50),
        1 + rng.below(400)
    )
}

/// Hostile lines: each starts with a plain marker so tests can find it, then carries one
/// kind of attack on the terminal.
pub fn hostile(rng: &mut Rng, k: u64) -> Vec<u8> {
    const PAYLOADS: &[&[u8]] = &[
        b"\x1b[31mred error\x1b[0m and \x1b[1;32mbold green\x1b[0m (SGR colour: allowed)",
        b"clear screen \x1b[2J\x1b[H and home cursor",
        b"cursor up \x1b[10A\x1b[5Coverwrite earlier lines",
        b"OSC 52 clipboard write \x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07",
        b"window title change \x1b]0;pwned\x07 and \x1b]2;pwned too\x1b\\",
        b"bells \x07\x07\x07",
        b"8-bit C1 CSI \x9b2J and UTF-8 C1 \xc2\x9b31m",
        b"invalid UTF-8 \xff\xfe\xc3\x28 bytes",
        b"carriage return hides text\rHIDDEN",
        b"backspaces\x08\x08\x08\x08 over text",
        b"DCS query \x1bP+q544e\x1b\\ and private mode \x1b[?1049h alt screen",
        b"truncated escape at the end \x1b[",
        b"hyperlink \x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\",
        b"device status report \x1b[6n and reset \x1bc",
    ];
    let payload = PAYLOADS[(k as usize) % PAYLOADS.len()];
    let mut out = format!("hostile line {k} (#{}): ", rng.below(1000)).into_bytes();
    out.extend_from_slice(payload);
    out
}

/// The last lines of a run that exited with `code` (0: a clean shutdown).
pub fn exit_lines(workload: Workload, code: i64, t: &Civil) -> Vec<String> {
    // SIGKILL (a failed liveness probe, OOM): the process had no chance to say anything.
    if code == 137 {
        return Vec::new();
    }
    // 143 is SIGTERM: a clean shutdown.
    if code == 0 || code == 143 {
        return vec![match workload {
            Workload::Nginx => format!("{} [notice] 1#1: exiting", t.slashed()),
            Workload::CoreDns => "[INFO] SIGTERM: Shutting down servers then terminating".into(),
            Workload::Klog(_) => format!("I{}       1 server.go:260] \"Shutting down\"", t.klog()),
            _ => format!("{} shutting down: received SIGTERM", t.slashed()),
        }];
    }
    match workload {
        Workload::Nginx => vec![format!(
            "{} [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)",
            t.slashed()
        )],
        Workload::CoreDns => vec![
            "[FATAL] plugin/loop: Loop (127.0.0.1:53 -> :53) detected for zone \".\"".into(),
        ],
        Workload::Klog(_) => vec![format!(
            "F{}       1 server.go:211] failed to start: dial tcp 192.168.49.2:8443: connect: connection refused",
            t.klog()
        )],
        Workload::Etcd => vec![format!(
            "{{\"level\":\"fatal\",\"ts\":\"{}\",\"caller\":\"etcdmain/etcd.go:204\",\"msg\":\"discovery failed\",\"error\":\"member has already been bootstrapped\"}}",
            t.rfc3339_micro()
        )],
        _ => vec![
            "panic: runtime error: invalid memory address or nil pointer dereference".into(),
            "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x6b2f4e]".into(),
            String::new(),
            "goroutine 1 [running]:".into(),
            "main.(*server).handle(0x0, {0x7f3a2c, 0xc0001a2000})".into(),
            "\t/app/server.go:87 +0x2e".into(),
        ],
    }
}
