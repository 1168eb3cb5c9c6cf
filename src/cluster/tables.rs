//! Watching any kind as the server's own table (`kubectl get`'s columns): list in pages,
//! then watch from the list's resourceVersion (Tables can be watched; only the first event
//! carries the columns). A `410 Gone` relists. A kind that may be listed but not watched
//! (discovery says so, or the watch is refused) is re-listed every [`POLL_EVERY`] instead.

use std::time::Duration;

use futures::StreamExt;
use http::header::ACCEPT;
use kube::api::{DynamicObject, ListParams, WatchParams};
use kube::core::WatchEvent as KubeEvent;
use kube::{Client, Resource};
use tokio::sync::mpsc::UnboundedSender;
use tokio::time::Instant;

use super::watch::{client_retry_after, describe_client, Batcher, Retry, HEALTHY_FOR};
use crate::effect::{Scope, TableTarget, WatchKey};
use crate::model::table::{rows_of, TableColumns, TableDoc, ACCEPT_TABLE};
use crate::msg::{KubeMsg, Msg, WatchEvent, FORBIDDEN};

/// Re-list period of a kind that cannot be watched.
pub const POLL_EVERY: Duration = Duration::from_secs(5);
/// After "forbidden", ask again after this long: not at once (a role does not change by itself),
/// but soon enough that a permission granted (or a transient refusal lifted) shows within 5 s.
pub(super) const FORBIDDEN_PAUSE: Duration = Duration::from_secs(4);
const PAGE_SIZE: u32 = super::watch::PAGE_SIZE;
/// Most watch events folded into one message.
const BATCH: usize = 2048;

pub fn spawn(
    client: Client,
    key: WatchKey,
    target: TableTarget,
    tx: UnboundedSender<Msg>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(run(Lister::new(client, target), key, tx))
}

/// How one attempt ended.
enum Ended {
    AppGone,
    /// The server said the resourceVersion is too old: list again at once.
    Gone,
    Failed(Failure),
}

struct Failure {
    text: String,
    forbidden: bool,
    /// What a throttling server asked for (429 Retry-After).
    wait: Option<Duration>,
}

impl From<kube::Error> for Failure {
    fn from(e: kube::Error) -> Failure {
        match &e {
            kube::Error::Api(s) if s.code == 403 => Failure {
                text: format!("{FORBIDDEN}{}", s.message),
                forbidden: true,
                wait: None,
            },
            _ => Failure {
                text: describe_client(&e),
                forbidden: false,
                wait: client_retry_after(&e),
            },
        }
    }
}

async fn run(mut lister: Lister, key: WatchKey, tx: UnboundedSender<Msg>) {
    let mut retry = Retry::new();
    loop {
        let started = Instant::now();
        let failure = match lister.attempt(key, &tx).await {
            Ended::AppGone => return,
            Ended::Gone => continue,
            Ended::Failed(f) => f,
        };
        let event = WatchEvent::Error(failure.text);
        if tx.send(Msg::Kube(KubeMsg { key, event })).is_err() {
            return;
        }
        if started.elapsed() >= HEALTHY_FOR {
            retry.reset();
        }
        let pause = if failure.forbidden {
            FORBIDDEN_PAUSE
        } else {
            retry.pause_at_least(failure.wait)
        };
        tokio::time::sleep(pause).await;
    }
}

/// The requests of one table watch.
struct Lister {
    client: Client,
    target: TableTarget,
    path: String,
    /// The columns last sent (watch events after the first carry none).
    columns: TableColumns,
    /// The watch was refused once: poll from then on.
    polling: bool,
}

impl Lister {
    fn new(client: Client, target: TableTarget) -> Lister {
        let resource = super::objects::resource(&target.kind);
        let namespace = match (&target.scope, target.kind.namespaced) {
            (Scope::Namespace(ns), true) => Some(&**ns),
            _ => None,
        };
        let path = DynamicObject::url_path(&resource, namespace);
        let polling = !target.watchable;
        Lister {
            client,
            target,
            path,
            columns: TableColumns::default(),
            polling,
        }
    }

    fn send(&self, tx: &UnboundedSender<Msg>, key: WatchKey, event: WatchEvent) -> bool {
        tx.send(Msg::Kube(KubeMsg { key, event })).is_ok()
    }

    /// A table request for `request`'s URL, asking for the object metadata of each row.
    fn table_request(
        &self,
        request: Result<http::Request<Vec<u8>>, kube::core::request::Error>,
    ) -> Result<http::Request<Vec<u8>>, Failure> {
        let mut request = request.map_err(|e| Failure {
            text: e.to_string(),
            forbidden: false,
            wait: None,
        })?;
        let uri = format!("{}&includeObject=Metadata", request.uri());
        *request.uri_mut() = uri.parse().map_err(|e: http::uri::InvalidUri| Failure {
            text: e.to_string(),
            forbidden: false,
            wait: None,
        })?;
        request
            .headers_mut()
            .insert(ACCEPT, http::HeaderValue::from_static(ACCEPT_TABLE));
        Ok(request)
    }

    /// Lists every page, then watches (or waits and lists again when polling).
    async fn attempt(&mut self, key: WatchKey, tx: &UnboundedSender<Msg>) -> Ended {
        let version = match self.list(key, tx).await {
            Ok(Some(v)) => v,
            Ok(None) => return Ended::AppGone,
            Err(f) => return Ended::Failed(f),
        };
        if self.polling {
            tokio::time::sleep(POLL_EVERY).await;
            return if tx.is_closed() {
                Ended::AppGone
            } else {
                Ended::Gone
            };
        }
        self.watch(key, tx, version).await
    }

    /// One full list; `Ok(None)` when the app is gone.
    async fn list(
        &mut self,
        key: WatchKey,
        tx: &UnboundedSender<Msg>,
    ) -> Result<Option<String>, Failure> {
        let request = kube::core::Request::new(&self.path);
        let mut params = ListParams::default().limit(PAGE_SIZE);
        params.label_selector = self.target.selector.labels.clone();
        params.field_selector = self.target.selector.fields.clone();
        let mut first = true;
        loop {
            let doc: TableDoc = self
                .client
                .request(self.table_request(request.list(&params))?)
                .await?;
            if first {
                first = false;
                self.columns = columns_of(&doc);
                let mut start = vec![WatchEvent::Columns(self.columns.clone()), WatchEvent::Reset];
                if self.polling {
                    start.push(WatchEvent::Polling(POLL_EVERY.as_secs()));
                }
                for event in start {
                    if !self.send(tx, key, event) {
                        return Ok(None);
                    }
                }
            }
            let rows = rows_of(&doc, &self.columns);
            if !rows.is_empty()
                && !self.send(
                    tx,
                    key,
                    WatchEvent::Upsert(crate::model::rows::Rows::Table(rows)),
                )
            {
                return Ok(None);
            }
            match doc.metadata.continue_.filter(|c| !c.is_empty()) {
                Some(next) => params.continue_token = Some(next),
                None => {
                    if !self.send(tx, key, WatchEvent::Synced) {
                        return Ok(None);
                    }
                    return Ok(Some(doc.metadata.resource_version.unwrap_or_default()));
                }
            }
        }
    }

    /// Watches from `version` until an error; a stream the server ends normally (its
    /// timeout) is resumed from the last version seen.
    async fn watch(
        &mut self,
        key: WatchKey,
        tx: &UnboundedSender<Msg>,
        mut version: String,
    ) -> Ended {
        loop {
            let params = WatchParams {
                label_selector: self.target.selector.labels.clone(),
                field_selector: self.target.selector.fields.clone(),
                ..WatchParams::default()
            };
            let request = kube::core::Request::new(&self.path);
            let request = match self.table_request(request.watch(&params, &version)) {
                Ok(r) => r,
                Err(f) => return Ended::Failed(f),
            };
            let stream = match self.client.request_events::<TableDoc>(request).await {
                Ok(s) => s,
                Err(kube::Error::Api(s)) if s.code == 403 || s.code == 405 => {
                    // Listing is allowed but watching is not: poll instead.
                    self.polling = true;
                    return Ended::Gone;
                }
                Err(e) => return Ended::Failed(e.into()),
            };
            let mut chunks = stream.ready_chunks(BATCH).boxed();
            while let Some(chunk) = chunks.next().await {
                let mut batch = Batcher::new(crate::model::rows::Rows::Table);
                let mut ended = None;
                for event in chunk {
                    match event {
                        Ok(KubeEvent::Added(doc)) | Ok(KubeEvent::Modified(doc)) => {
                            self.note(&doc, &mut version, &mut batch);
                            for row in rows_of(&doc, &self.columns) {
                                batch.upsert(row);
                            }
                        }
                        Ok(KubeEvent::Deleted(doc)) => {
                            self.note(&doc, &mut version, &mut batch);
                            for row in rows_of(&doc, &self.columns) {
                                batch.remove(row.key());
                            }
                        }
                        Ok(KubeEvent::Bookmark(b)) => version = b.metadata.resource_version,
                        Ok(KubeEvent::Error(s)) if s.code == 410 => {
                            ended = Some(Ended::Gone);
                            break;
                        }
                        Ok(KubeEvent::Error(s)) => {
                            ended = Some(Ended::Failed(kube::Error::Api(s).into()));
                            break;
                        }
                        Err(e) => {
                            ended = Some(Ended::Failed(e.into()));
                            break;
                        }
                    }
                }
                batch.flush();
                for event in batch.out {
                    if !self.send(tx, key, event) {
                        return Ended::AppGone;
                    }
                }
                if let Some(ended) = ended {
                    return ended;
                }
            }
        }
    }

    /// Takes a watch event's resourceVersion and, when it brings columns that differ
    /// from those in use (the CRD changed its printer columns), sends them first.
    fn note(
        &mut self,
        doc: &TableDoc,
        version: &mut String,
        batch: &mut Batcher<crate::model::table::TableRowData>,
    ) {
        let row_version = doc
            .rows
            .last()
            .and_then(|r| r.object.as_ref())
            .and_then(|o| o.metadata.resource_version.clone());
        if let Some(v) = row_version.or_else(|| doc.metadata.resource_version.clone()) {
            *version = v;
        }
        if !doc.column_definitions.is_empty() {
            let columns = TableColumns::from_docs(&doc.column_definitions);
            if columns != self.columns {
                self.columns = columns.clone();
                batch.push(WatchEvent::Columns(columns));
            }
        }
    }
}

/// A table's columns; a server that answered with a plain list (no Table support for
/// this resource) gets kubectl's fallback columns, name and age.
fn columns_of(doc: &TableDoc) -> TableColumns {
    if doc.column_definitions.is_empty() {
        TableColumns::name_and_age()
    } else {
        TableColumns::from_docs(&doc.column_definitions)
    }
}
