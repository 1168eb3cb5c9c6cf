//! `:create deployment|namespace`: the objects `kubectl create … --dry-run=client -o json`
//! prints (kubernetes/kubectl `pkg/cmd/create/create_deployment.go`, `create_namespace.go`),
//! the name checks the API server makes, and the command line they are read from.

use serde_json::{json, Value};

use super::args::Args;

/// What `:create deployment` was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentSpec {
    pub name: String,
    /// At least one; each makes a container.
    pub images: Vec<String>,
    pub replicas: i32,
    /// The first container's port (`--port`), if any.
    pub port: Option<i32>,
}

/// What `:create` makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateSpec {
    Deployment(DeploymentSpec),
    Namespace(String),
}

impl CreateSpec {
    /// The command line that makes this (what the form shows before it runs).
    pub fn command_line(&self) -> String {
        match self {
            CreateSpec::Namespace(name) => format!("create namespace {name}"),
            CreateSpec::Deployment(d) => {
                let mut line = format!("create deployment {}", d.name);
                for image in &d.images {
                    line.push_str(&format!(" --image={image}"));
                }
                if d.replicas != 1 {
                    line.push_str(&format!(" --replicas={}", d.replicas));
                }
                if let Some(port) = d.port {
                    line.push_str(&format!(" --port={port}"));
                }
                line
            }
        }
    }

    /// The object to send, as kubectl builds it (no namespace: the request's path names it).
    pub fn object(&self) -> Value {
        match self {
            CreateSpec::Namespace(name) => namespace_object(name),
            CreateSpec::Deployment(d) => deployment_object(d),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            CreateSpec::Namespace(name) => name,
            CreateSpec::Deployment(d) => &d.name,
        }
    }
}

/// `kubectl create namespace NAME`.
pub fn namespace_object(name: &str) -> Value {
    json!({
        "kind": "Namespace",
        "apiVersion": "v1",
        "metadata": {"name": name, "creationTimestamp": null},
        "spec": {},
        "status": {},
    })
}

/// `kubectl create deployment`: labels and selector `app=NAME`, one container per image
/// named after it, the port on the first container.
pub fn deployment_object(d: &DeploymentSpec) -> Value {
    let labels = json!({ "app": d.name });
    let mut containers: Vec<Value> = d
        .images
        .iter()
        .map(|image| json!({"name": container_name(image), "image": image, "resources": {}}))
        .collect();
    if let (Some(port), Some(first)) = (d.port, containers.first_mut()) {
        first["ports"] = json!([{ "containerPort": port }]);
    }
    json!({
        "kind": "Deployment",
        "apiVersion": "apps/v1",
        "metadata": {"name": d.name, "creationTimestamp": null, "labels": labels},
        "spec": {
            "replicas": d.replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"creationTimestamp": null, "labels": labels},
                "spec": {"containers": containers},
            },
            "strategy": {},
        },
        "status": {},
    })
}

/// kubectl's container name for an image: the last path segment without tag or digest.
/// kubectl then replaces `_` and `.` by `-` and appends a random 5-character suffix
/// (`sanitizeAndUniquify`); so does this (from a fixed alphabet, like kubectl's).
pub fn container_name(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    let name = last.split(':').next().unwrap_or(last);
    let name = name.split('@').next().unwrap_or(name);
    if name.contains(['_', '.']) {
        format!("{}-{}", name.replace(['_', '.'], "-"), random_suffix())
    } else {
        name.to_string()
    }
}

/// k8s.io/apimachinery `rand.String(5)`: consonants and digits without look-alikes.
fn random_suffix() -> String {
    use rand::Rng;
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut rng = rand::rng();
    (0..5)
        .map(|_| ALPHANUMS[rng.random_range(0..ALPHANUMS.len())] as char)
        .collect()
}

/// The API server's rules for object names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRule {
    /// Namespaces: lowercase alphanumerics and `-`, at most 63.
    Label1123,
    /// Deployments: labels joined by `.`, at most 253.
    Subdomain1123,
    /// Services: a label that starts with a letter.
    Label1035,
}

/// `None` when `name` is valid under `rule`, else the reason in the API server's words.
pub fn invalid_name(name: &str, rule: NameRule) -> Option<String> {
    let max = if rule == NameRule::Subdomain1123 {
        253
    } else {
        63
    };
    if name.is_empty() {
        return Some("a name is required".to_string());
    }
    if name.len() > max {
        return Some(format!("{name:?}: must be no more than {max} characters"));
    }
    let part_ok = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !p.starts_with('-')
            && !p.ends_with('-')
    };
    let (ok, what) = match rule {
        NameRule::Subdomain1123 => (
            name.split('.').all(part_ok),
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        ),
        NameRule::Label1123 => (
            part_ok(name),
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
        ),
        NameRule::Label1035 => (
            part_ok(name) && name.starts_with(|c: char| c.is_ascii_lowercase()),
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        ),
    };
    if ok {
        None
    } else {
        Some(format!("invalid name {name:?}: {what}"))
    }
}

/// Parses the words after `create`.
pub fn parse(words: &[&str]) -> Result<CreateSpec, String> {
    let usage = "usage: create deployment NAME --image=IMAGE [--replicas=N] [--port=P] | create namespace NAME";
    let Some((what, rest)) = words.split_first() else {
        return Err(usage.to_string());
    };
    let args = Args::parse(rest).map_err(|e| format!("create: {}", e.0))?;
    match *what {
        "deployment" | "deploy" => parse_deployment(args),
        "namespace" | "ns" => {
            let name = args.single_name("create namespace NAME")?;
            args.no_flags_but(&[])?;
            if let Some(why) = invalid_name(&name, NameRule::Label1123) {
                return Err(format!("create namespace: {why}"));
            }
            Ok(CreateSpec::Namespace(name))
        }
        other => Err(format!(
            "create: cannot create {other:?} (deployment or namespace); {usage}"
        )),
    }
}

fn parse_deployment(args: Args) -> Result<CreateSpec, String> {
    let name = args.single_name("create deployment NAME --image=IMAGE")?;
    args.no_flags_but(&["image", "replicas", "port"])?;
    let images: Vec<String> = args.all("image").map(str::to_owned).collect();
    if images.is_empty() || images.iter().any(|i| i.trim().is_empty()) {
        return Err("create deployment: --image is required".to_string());
    }
    let replicas =
        match args.last("replicas") {
            None => 1,
            Some(r) => r.parse::<i32>().ok().filter(|r| *r >= 0).ok_or_else(|| {
                format!("create deployment: --replicas={r:?} is not a number >= 0")
            })?,
        };
    let port = args
        .last("port")
        .map(|p| {
            p.parse::<i32>()
                .ok()
                .filter(|p| (1..=65535).contains(p))
                .ok_or_else(|| format!("create deployment: --port={p:?} is not a port (1-65535)"))
        })
        .transpose()?;
    if let Some(why) = invalid_name(&name, NameRule::Subdomain1123) {
        return Err(format!("create deployment: {why}"));
    }
    Ok(CreateSpec::Deployment(DeploymentSpec {
        name,
        images,
        replicas,
        port,
    }))
}
