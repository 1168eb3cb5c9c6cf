//! What a simulated container looks like from inside: its image family (which decides
//! whether bash exists and what `/etc/os-release` says), its environment, and the few
//! files and directories the built-in shell can show.

use serde_json::Value;

/// The kind of root filesystem an image has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Debian-based (most application images): bash and sh.
    Debian,
    /// Alpine: BusyBox sh, no bash.
    Alpine,
    /// The busybox image: BusyBox sh, no bash, no /etc/os-release.
    Busybox,
}

impl Family {
    pub fn of_image(image: &str) -> Family {
        let repo = image
            .rsplit('/')
            .next()
            .unwrap_or(image)
            .to_ascii_lowercase();
        if repo.starts_with("busybox") {
            Family::Busybox
        } else if repo.contains("alpine") || image.to_ascii_lowercase().contains("alpine") {
            Family::Alpine
        } else {
            Family::Debian
        }
    }

    pub fn has_bash(self) -> bool {
        self == Family::Debian
    }

    /// BusyBox tools word their errors differently from GNU coreutils.
    pub fn busybox(self) -> bool {
        self != Family::Debian
    }

    fn os_release(self) -> Option<&'static str> {
        match self {
            Family::Debian => Some(
                "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL=\"https://www.debian.org/\"\nSUPPORT_URL=\"https://www.debian.org/support\"\nBUG_REPORT_URL=\"https://bugs.debian.org/\"\n",
            ),
            Family::Alpine => Some(
                "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\nHOME_URL=\"https://alpinelinux.org/\"\nBUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n",
            ),
            Family::Busybox => None,
        }
    }
}

/// The container an exec runs in.
#[derive(Debug, Clone)]
pub struct System {
    pub pod: String,
    pub namespace: String,
    pub pod_ip: String,
    pub image: String,
    pub family: Family,
    pub workdir: String,
    /// The process environment, in the order `env` prints it.
    pub env: Vec<(String, String)>,
}

/// Programs on the PATH of every simulated container (bash only where the family has it).
const PROGRAMS: [(&str, &str); 20] = [
    ("sh", "/bin/sh"),
    ("bash", "/bin/bash"),
    ("ash", "/bin/ash"),
    ("cat", "/bin/cat"),
    ("echo", "/bin/echo"),
    ("env", "/usr/bin/env"),
    ("false", "/bin/false"),
    ("hostname", "/bin/hostname"),
    ("id", "/usr/bin/id"),
    ("ls", "/bin/ls"),
    ("printenv", "/usr/bin/printenv"),
    ("pwd", "/bin/pwd"),
    ("stty", "/bin/stty"),
    ("true", "/bin/true"),
    ("tput", "/usr/bin/tput"),
    ("uname", "/bin/uname"),
    ("whoami", "/usr/bin/whoami"),
    ("date", "/bin/date"),
    ("clear", "/usr/bin/clear"),
    ("test", "/usr/bin/test"),
];

const ROOT: &[&str] = &[
    "bin", "dev", "etc", "home", "lib", "media", "mnt", "opt", "proc", "root", "run", "sbin",
    "srv", "sys", "tmp", "usr", "var",
];

impl System {
    /// The container `container` (a spec entry) of `pod`.
    pub fn new(pod: &Value, container: &Value, tty: bool) -> System {
        let text = |v: &Value| v.as_str().unwrap_or("").to_string();
        let name = text(&pod["metadata"]["name"]);
        let image = text(&container["image"]);
        let family = Family::of_image(&image);
        let mut env = vec![
            (
                "PATH".to_string(),
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
            ),
            ("HOSTNAME".to_string(), name.clone()),
        ];
        if tty {
            env.push(("TERM".to_string(), "xterm".to_string()));
        }
        for e in container["env"].as_array().into_iter().flatten() {
            let value = match e["valueFrom"]["fieldRef"]["fieldPath"].as_str() {
                Some("metadata.name") => name.clone(),
                Some("metadata.namespace") => text(&pod["metadata"]["namespace"]),
                Some("status.podIP") => text(&pod["status"]["podIP"]),
                Some("spec.nodeName") => text(&pod["spec"]["nodeName"]),
                _ => text(&e["value"]),
            };
            env.push((text(&e["name"]), value));
        }
        for (k, v) in [
            ("KUBERNETES_SERVICE_HOST", "10.96.0.1"),
            ("KUBERNETES_SERVICE_PORT", "443"),
            ("KUBERNETES_SERVICE_PORT_HTTPS", "443"),
            ("KUBERNETES_PORT", "tcp://10.96.0.1:443"),
            ("KUBERNETES_PORT_443_TCP", "tcp://10.96.0.1:443"),
            ("KUBERNETES_PORT_443_TCP_PROTO", "tcp"),
            ("KUBERNETES_PORT_443_TCP_PORT", "443"),
            ("KUBERNETES_PORT_443_TCP_ADDR", "10.96.0.1"),
            ("HOME", "/root"),
        ] {
            env.push((k.to_string(), v.to_string()));
        }
        let workdir = match container["workingDir"].as_str() {
            Some(w) if w.starts_with('/') => w.to_string(),
            _ => "/".to_string(),
        };
        System {
            pod: name,
            namespace: text(&pod["metadata"]["namespace"]),
            pod_ip: text(&pod["status"]["podIP"]),
            image,
            family,
            workdir,
            env,
        }
    }

    /// Where `program` (a name or a path) lives, if the container has it.
    pub fn which(&self, program: &str) -> Option<&'static str> {
        let base = program.rsplit('/').next().unwrap_or(program);
        let (_, path) = PROGRAMS.iter().find(|(n, _)| *n == base)?;
        if base == "bash" && !self.family.has_bash() {
            return None;
        }
        Some(path)
    }

    /// The entries of directory `path` (absolute, normalised), if it is one.
    pub fn dir(&self, path: &str) -> Option<Vec<String>> {
        let own = |names: &[&str]| Some(names.iter().map(|n| n.to_string()).collect());
        match path {
            "/" => own(ROOT),
            "/etc" => {
                let mut names = vec!["hostname", "hosts", "passwd", "resolv.conf"];
                if self.family.os_release().is_some() {
                    names.insert(2, "os-release");
                }
                own(&names)
            }
            "/bin" => {
                let mut names: Vec<String> = PROGRAMS
                    .iter()
                    .filter(|(n, p)| p.starts_with("/bin/") && self.which(n).is_some())
                    .map(|(n, _)| n.to_string())
                    .collect();
                names.sort();
                Some(names)
            }
            "/var" => own(&["cache", "lib", "log", "tmp"]),
            "/usr" => own(&["bin", "lib", "local", "sbin", "share"]),
            p if p == self.workdir && p != "/" => own(&[]),
            p if ROOT.iter().any(|d| p.strip_prefix('/') == Some(d)) => own(&[]),
            _ => None,
        }
    }

    /// The contents of file `path` (absolute, normalised), if it exists.
    pub fn file(&self, path: &str) -> Option<String> {
        match path {
            "/etc/hostname" => Some(format!("{}\n", self.pod)),
            "/etc/os-release" => self.family.os_release().map(str::to_string),
            "/etc/hosts" => Some(format!(
                "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n{}\t{}\n",
                self.pod_ip, self.pod
            )),
            "/etc/resolv.conf" => Some(format!(
                "nameserver 10.96.0.10\nsearch {0}.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n",
                self.namespace
            )),
            "/etc/passwd" => Some("root:x:0:0:root:/root:/bin/sh\n".to_string()),
            _ => None,
        }
    }
}

/// `path` made absolute against `cwd`, with `.`, `..` and repeated slashes resolved.
pub fn resolve(cwd: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{cwd}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}
