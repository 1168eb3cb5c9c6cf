//! `rkt sim --seed scale --churn R --fault-control 0` as a child process: the cluster of the
//! soak, its faults switched over HTTP, its pods read back for comparison with rkt's table.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::common::http;

/// Metadata only: the soak compares names, not whole pods (a full list is 10× larger).
const ACCEPT_METADATA: &str = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

pub struct SoakSim {
    child: Child,
    pub url: String,
    pub control: String,
    kubeconfig: PathBuf,
    _dir: tempfile::TempDir,
}

impl SoakSim {
    /// Starts the sim with `pods` pods over `namespaces` namespaces and `churn` changes/s;
    /// returns once it serves.
    pub fn start(pods: usize, namespaces: usize, churn: u32) -> SoakSim {
        let dir = tempfile::tempdir().expect("temp dir");
        let kubeconfig = dir.path().join("kubeconfig");
        let mut child = Command::new(env!("CARGO_BIN_EXE_rkt"))
            .args(["sim", "--seed", "scale", "--configmaps", "0"])
            .args(["--pods", &pods.to_string()])
            .args(["--namespaces", &namespaces.to_string()])
            .args(["--churn", &churn.to_string(), "--fault-control", "0"])
            .arg("--write-kubeconfig")
            .arg(&kubeconfig)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("rkt sim starts");
        let stdout = child.stdout.take().expect("sim stdout");
        let mut lines = BufReader::new(stdout).lines();
        let (mut url, mut control) = (None, None);
        let word_after = |line: &str, lead: &str| {
            let rest = line.split(lead).nth(1)?;
            rest.split_whitespace().next().map(str::to_string)
        };
        while url.is_none() || control.is_none() {
            match lines.next() {
                Some(Ok(line)) => {
                    url = url.or_else(|| word_after(&line, "serving the Kubernetes API on "));
                    control = control.or_else(|| word_after(&line, "fault control: "));
                }
                _ => panic!("rkt sim ended before printing its addresses"),
            }
        }
        // Keep reading so the sim never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        SoakSim {
            child,
            url: url.unwrap_or_default(),
            control: control.unwrap_or_default(),
            kubeconfig,
            _dir: dir,
        }
    }

    pub fn kubeconfig(&self) -> &Path {
        &self.kubeconfig
    }

    /// `POST /faults/ACTION?QUERY`; returns the faults in force, failing the run otherwise.
    pub fn fault(&self, action: &str) -> serde_json::Value {
        let answer = http::post(&self.control, &format!("/faults/{action}"));
        assert_eq!(answer.status, 200, "POST /faults/{action}: {answer:?}");
        answer.json()
    }

    /// How many pods the server has now (one tiny list page: remainingItemCount + 1).
    pub fn pod_count(&self) -> usize {
        let list = http::get(&self.url, "/api/v1/pods?limit=1").json();
        let items = list["items"].as_array().map_or(0, Vec::len);
        items + list["metadata"]["remainingItemCount"].as_u64().unwrap_or(0) as usize
    }

    /// Every pod as (namespace, name), in rkt's default order (by name, then namespace).
    pub fn pods(&self) -> Vec<(String, String)> {
        let answer = http::request_with(&self.url, "GET", "/api/v1/pods", ACCEPT_METADATA);
        assert_eq!(answer.status, 200, "listing pods: {answer:?}");
        let list = answer.json();
        let mut pods: Vec<(String, String)> = list["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|p| {
                        let meta = &p["metadata"];
                        let text = |k: &str| meta[k].as_str().unwrap_or("").to_string();
                        (text("namespace"), text("name"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        pods.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
        pods
    }
}

impl Drop for SoakSim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
