//! The addresses one simulated cluster hands out: pod IPs (10.244.0.0/16, as minikube's
//! pod network), service cluster IPs (10.96.0.0/12) and node ports (30000-32767).
//!
//! They belong to the store, not to the process: two simulated clusters in one process
//! allocate independently. An address is taken when it is handed out or when a stored
//! object shows it (seeded objects carry their own), and given back when the object that
//! holds it is deleted, as the apiserver's allocators and the node's IPAM do.

use std::collections::HashSet;
use std::net::Ipv4Addr;
use std::sync::{Mutex, MutexGuard};

use serde_json::Value;

use super::{EventType, Res};
use crate::resources;

/// Pod IPs are numbered 1.. in 10.244.0.0/16, skipping the .0 and .255 of each /24
/// (10.244.0.1, the node's bridge, is never handed out).
const POD_IPS: u32 = 65_000;
const NODE_PORTS: std::ops::RangeInclusive<u16> = 30000..=32767;

/// The `n`th pod IP.
fn pod_ip(n: u32) -> Ipv4Addr {
    Ipv4Addr::new(10, 244, (n / 254) as u8, (n % 254 + 1) as u8)
}

#[derive(Debug, Default)]
struct Pools {
    pod_ips: HashSet<Ipv4Addr>,
    /// Where the search for the next pod IP starts: addresses are handed out in turn, so a
    /// freed one is not reused at once (as the node's host-local IPAM does).
    next_pod_ip: u32,
    cluster_ips: HashSet<Ipv4Addr>,
    node_ports: HashSet<u16>,
}

/// What one create or update took, to give back if it fails.
#[derive(Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct Taken {
    cluster_ip: Option<Ipv4Addr>,
    node_ports: Vec<u16>,
}

/// Counts of taken addresses (see [`Addresses::in_use`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InUse {
    pub pod_ips: usize,
    pub cluster_ips: usize,
    pub node_ports: usize,
}

/// The address allocators of one simulated cluster.
#[derive(Debug, Default)]
pub struct Addresses {
    pools: Mutex<Pools>,
}

impl Addresses {
    fn lock(&self) -> MutexGuard<'_, Pools> {
        // Every change is a single insert or remove: a poisoned lock is still consistent.
        self.pools.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many addresses of each pool are taken now.
    pub fn in_use(&self) -> InUse {
        let pools = self.lock();
        InUse {
            pod_ips: pools.pod_ips.len(),
            cluster_ips: pools.cluster_ips.len(),
            node_ports: pools.node_ports.len(),
        }
    }

    /// A free pod IP, taken until the pod that gets it is deleted; `None` when all are
    /// in use.
    pub fn take_pod_ip(&self) -> Option<String> {
        let mut pools = self.lock();
        for _ in 1..POD_IPS {
            pools.next_pod_ip = pools.next_pod_ip % (POD_IPS - 1) + 1;
            let ip = pod_ip(pools.next_pod_ip);
            if pools.pod_ips.insert(ip) {
                return Some(ip.to_string());
            }
        }
        None
    }

    /// Gives back a pod IP that no stored pod got (its status write failed).
    pub fn give_back_pod_ip(&self, ip: &str) {
        if let Ok(ip) = ip.parse::<Ipv4Addr>() {
            self.lock().pod_ips.remove(&ip);
        }
    }

    /// Fills a Service spec's missing cluster IP and node ports (for types that have
    /// them), as the apiserver's allocators do on create. With `reserve` false (a dry
    /// run) the addresses are picked but not taken.
    pub fn assign_service(&self, spec: &mut Value, reserve: bool) -> Taken {
        let ty = spec["type"].as_str().unwrap_or("ClusterIP");
        let wants_ip = ty != "ExternalName";
        let wants_ports = ty == "NodePort" || ty == "LoadBalancer";
        let mut pools = self.lock();
        let mut taken = Taken::default();
        if wants_ip && spec["clusterIP"].as_str().is_none_or(str::is_empty) {
            if let Some(ip) = free_cluster_ip(&pools.cluster_ips) {
                spec["clusterIP"] = Value::String(ip.to_string());
                if reserve {
                    pools.cluster_ips.insert(ip);
                    taken.cluster_ip = Some(ip);
                }
            }
        }
        if !wants_ports {
            return taken;
        }
        let ports = spec.get_mut("ports").and_then(Value::as_array_mut);
        for p in ports.into_iter().flatten() {
            if p["nodePort"].as_i64().is_some_and(|n| n != 0) {
                continue;
            }
            let Some(port) = free_node_port(&pools.node_ports, &taken.node_ports) else {
                break;
            };
            p["nodePort"] = Value::from(port);
            taken.node_ports.push(port);
            if reserve {
                pools.node_ports.insert(port);
            }
        }
        if !reserve {
            taken.node_ports.clear();
        }
        taken
    }

    /// Gives back what a failed create or update took.
    pub fn give_back(&self, taken: Taken) {
        let mut pools = self.lock();
        if let Some(ip) = taken.cluster_ip {
            pools.cluster_ips.remove(&ip);
        }
        for port in taken.node_ports {
            pools.node_ports.remove(&port);
        }
    }

    /// Follows a stored change: addresses an object shows are taken, those it no
    /// longer shows (or a deleted object showed) are free again.
    pub(super) fn observe(&self, kind: EventType, res: Res, now: &Value, before: Option<&Value>) {
        let (before, after) = match kind {
            // A deleted object holds nothing any more: all it showed is free again.
            EventType::Deleted => (held_by(res, now), Held::default()),
            _ => (
                before.map(|b| held_by(res, b)).unwrap_or_default(),
                held_by(res, now),
            ),
        };
        if after == before {
            return;
        }
        let mut pools = self.lock();
        for ip in before.pod_ip.iter().filter(|ip| after.pod_ip != Some(**ip)) {
            pools.pod_ips.remove(ip);
        }
        for ip in before
            .cluster_ips
            .iter()
            .filter(|ip| !after.cluster_ips.contains(ip))
        {
            pools.cluster_ips.remove(ip);
        }
        for port in before
            .node_ports
            .iter()
            .filter(|p| !after.node_ports.contains(p))
        {
            pools.node_ports.remove(port);
        }
        pools.pod_ips.extend(after.pod_ip);
        pools.cluster_ips.extend(after.cluster_ips);
        pools.node_ports.extend(after.node_ports);
    }
}

/// The addresses one stored object shows.
#[derive(Debug, Default, PartialEq, Eq)]
struct Held {
    pod_ip: Option<Ipv4Addr>,
    cluster_ips: Vec<Ipv4Addr>,
    node_ports: Vec<u16>,
}

fn held_by(res: Res, obj: &Value) -> Held {
    let mut held = Held::default();
    if std::ptr::eq(res, &resources::PODS) {
        // A host-network pod shows its node's address, which is not the pod network's.
        if obj["spec"]["hostNetwork"] != Value::Bool(true) {
            held.pod_ip = obj["status"]["podIP"].as_str().and_then(|s| s.parse().ok());
        }
    } else if std::ptr::eq(res, &resources::SERVICES) {
        let spec = &obj["spec"];
        held.cluster_ips = spec["clusterIPs"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(std::iter::once(&spec["clusterIP"]))
            .filter_map(|ip| ip.as_str()?.parse().ok())
            .collect();
        held.cluster_ips.dedup();
        held.node_ports = spec["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| u16::try_from(p["nodePort"].as_i64()?).ok())
            .filter(|p| *p != 0)
            .collect();
    }
    held
}

/// A random free address in 10.96.0.0/12 above 10.96.0.255 (the seeds use the low ones:
/// 10.96.0.1 for `kubernetes`, 10.96.0.10 for `kube-dns`).
fn free_cluster_ip(used: &HashSet<Ipv4Addr>) -> Option<Ipv4Addr> {
    for _ in 0..10_000 {
        let n: u32 = rand::random_range(256..(1 << 20) - 1);
        let ip = Ipv4Addr::from(u32::from(Ipv4Addr::new(10, 96, 0, 0)) + n);
        if n & 0xff != 0 && n & 0xff != 0xff && !used.contains(&ip) {
            return Some(ip);
        }
    }
    None
}

/// A random free node port, not in `used` nor among `also` (taken by this request).
fn free_node_port(used: &HashSet<u16>, also: &[u16]) -> Option<u16> {
    let free = |p: &u16| !used.contains(p) && !also.contains(p);
    let total = NODE_PORTS.len();
    if used.len() + also.len() >= total {
        return None;
    }
    for _ in 0..1000 {
        let p = rand::random_range(NODE_PORTS);
        if free(&p) {
            return Some(p);
        }
    }
    NODE_PORTS.into_iter().find(free)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(ip: &str) -> Value {
        json!({"spec": {}, "status": {"podIP": ip}})
    }

    #[test]
    fn pod_ips_are_handed_out_in_turn_and_skip_those_in_use() {
        let a = Addresses::default();
        a.observe(EventType::Added, &resources::PODS, &pod("10.244.0.3"), None);
        assert_eq!(a.take_pod_ip().as_deref(), Some("10.244.0.2"));
        assert_eq!(a.take_pod_ip().as_deref(), Some("10.244.0.4"));
        // Numbering skips .255 and .0 between /24s.
        assert_eq!(pod_ip(253), Ipv4Addr::new(10, 244, 0, 254));
        assert_eq!(pod_ip(254), Ipv4Addr::new(10, 244, 1, 1));
    }

    #[test]
    fn a_deleted_pod_gives_its_ip_back_and_host_network_pods_hold_none() {
        let a = Addresses::default();
        let ip = a.take_pod_ip().unwrap();
        let stored = pod(&ip);
        a.observe(EventType::Added, &resources::PODS, &stored, None);
        a.observe(EventType::Deleted, &resources::PODS, &stored, None);
        assert!(a.lock().pod_ips.is_empty());
        let host = json!({"spec": {"hostNetwork": true}, "status": {"podIP": "192.168.49.2"}});
        a.observe(EventType::Added, &resources::PODS, &host, None);
        assert!(a.lock().pod_ips.is_empty());
    }

    #[test]
    fn services_get_free_addresses_given_back_on_failure_and_on_delete() {
        let a = Addresses::default();
        let mut spec = json!({"type": "NodePort", "ports": [{"port": 80}, {"port": 443}]});
        let taken = a.assign_service(&mut spec, true);
        let ip = spec["clusterIP"].as_str().unwrap().to_string();
        assert!(ip.starts_with("10."), "{ip}");
        let (p1, p2) = (
            spec["ports"][0]["nodePort"].clone(),
            spec["ports"][1]["nodePort"].clone(),
        );
        assert!(NODE_PORTS.contains(&(p1.as_u64().unwrap() as u16)));
        assert_ne!(p1, p2);
        a.give_back(taken);
        assert!(a.lock().cluster_ips.is_empty() && a.lock().node_ports.is_empty());

        let svc = json!({"spec": spec.clone()});
        a.observe(EventType::Added, &resources::SERVICES, &svc, None);
        assert_eq!(a.lock().node_ports.len(), 2);
        a.observe(EventType::Deleted, &resources::SERVICES, &svc, None);
        assert!(a.lock().cluster_ips.is_empty() && a.lock().node_ports.is_empty());

        // A dry run picks addresses without taking them.
        let mut dry = json!({"type": "LoadBalancer", "ports": [{"port": 80}]});
        assert_eq!(a.assign_service(&mut dry, false), Taken::default());
        assert!(dry["ports"][0]["nodePort"].as_i64().is_some());
        assert!(a.lock().node_ports.is_empty());
    }
}
