//! Service rows for the `:svc` view: kubectl's columns (NAME TYPE CLUSTER-IP PORT(S) AGE),
//! converted in the watch task.

use std::sync::Arc;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Service;

use crate::model::convert::Interner;
use crate::model::rows::RowKey;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRow {
    pub namespace: Arc<str>,
    pub name: Arc<str>,
    /// ClusterIP, NodePort, LoadBalancer, ExternalName.
    pub type_: Arc<str>,
    /// `None` for a headless Service, `<none>` when unset.
    pub cluster_ip: Arc<str>,
    /// kubectl's PORT(S): `8080:31234/TCP,443/TCP`.
    pub ports: Arc<str>,
    pub created: Option<Timestamp>,
}

/// kubectl's PORT(S) cell.
fn ports_cell(svc: &Service) -> String {
    let ports = svc.spec.as_ref().and_then(|s| s.ports.as_ref());
    let cells: Vec<String> = ports
        .into_iter()
        .flatten()
        .map(|p| {
            let proto = p.protocol.as_deref().unwrap_or("TCP");
            match p.node_port {
                Some(node) if node != 0 => format!("{}:{node}/{proto}", p.port),
                _ => format!("{}/{proto}", p.port),
            }
        })
        .collect();
    if cells.is_empty() {
        "<none>".to_string()
    } else {
        cells.join(",")
    }
}

pub fn service_row(svc: &Service, interner: &mut Interner) -> Option<ServiceRow> {
    let name = svc.metadata.name.as_deref()?;
    let spec = svc.spec.as_ref();
    let type_ = spec.and_then(|s| s.type_.as_deref()).unwrap_or("ClusterIP");
    let cluster_ip = spec
        .and_then(|s| s.cluster_ip.as_deref())
        .filter(|ip| !ip.is_empty())
        .unwrap_or("<none>");
    Some(ServiceRow {
        namespace: interner.get(svc.metadata.namespace.as_deref().unwrap_or("default")),
        name: Arc::from(name),
        type_: interner.get(type_),
        cluster_ip: Arc::from(cluster_ip),
        ports: Arc::from(ports_cell(svc)),
        created: svc.metadata.creation_timestamp.as_ref().map(|t| t.0),
    })
}

pub fn service_key(svc: &Service) -> Option<RowKey> {
    Some(RowKey::namespaced(
        svc.metadata.namespace.as_deref().unwrap_or("default"),
        svc.metadata.name.as_deref()?,
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn rows_have_kubectls_cells() {
        let svc: Service = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "hello-minikube", "namespace": "default",
                         "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"type": "NodePort", "clusterIP": "10.96.12.7", "ports": [
                {"port": 8080, "targetPort": 8080, "nodePort": 31234, "protocol": "TCP"},
                {"port": 53, "protocol": "UDP"}
            ]}
        }))
        .unwrap();
        let row = service_row(&svc, &mut Interner::default()).unwrap();
        assert_eq!(&*row.type_, "NodePort");
        assert_eq!(&*row.cluster_ip, "10.96.12.7");
        assert_eq!(&*row.ports, "8080:31234/TCP,53/UDP");
        assert_eq!(
            service_key(&svc).unwrap(),
            RowKey::namespaced("default", "hello-minikube")
        );

        let bare: Service = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "headless"},
            "spec": {"clusterIP": "None"}
        }))
        .unwrap();
        let row = service_row(&bare, &mut Interner::default()).unwrap();
        assert_eq!(
            (&*row.type_, &*row.cluster_ip, &*row.ports),
            ("ClusterIP", "None", "<none>")
        );
    }
}
