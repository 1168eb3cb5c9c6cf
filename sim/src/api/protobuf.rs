//! Decoding the Kubernetes protobuf request bodies kubectl sends. Since client-go 1.33
//! kubectl's typed clients (`kubectl create deployment|namespace|configmap|secret|service|
//! serviceaccount`) POST `application/vnd.kubernetes.protobuf` and do not fall back to
//! JSON, so the simulation decodes the messages those commands produce into JSON.
//! Only the fields kubectl sets are described; unknown fields are skipped. The batch,
//! RBAC and networking kinds are in [`more`].

mod more;

use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::error::ApiError;

/// How a field's value is turned into JSON.
#[derive(Clone, Copy)]
enum Kind {
    /// A string; empty ones are omitted (Go's `omitempty`).
    Str,
    /// A Go value field: zero is omitted.
    Int,
    /// A Go pointer field: present means set, zero included.
    IntPtr,
    Bool,
    BoolPtr,
    Msg(&'static [Field]),
    /// A message whose fields JSON puts in the parent's (Go's `json:",inline"`).
    Inline(&'static [Field]),
    MapStr,
    MapBytes,
    /// map<string, Quantity>
    MapQuantity,
    IntOrString,
    /// metav1.Time: dropped (the server sets the timestamps it owns).
    Time,
}

struct Field {
    num: u64,
    name: &'static str,
    kind: Kind,
    repeated: bool,
}

const fn f(num: u64, name: &'static str, kind: Kind) -> Field {
    Field {
        num,
        name,
        kind,
        repeated: false,
    }
}

const fn list(num: u64, name: &'static str, kind: Kind) -> Field {
    Field {
        num,
        name,
        kind,
        repeated: true,
    }
}

use Kind::*;

const OWNER_REFERENCE: &[Field] = &[
    f(1, "kind", Str),
    f(3, "name", Str),
    f(4, "uid", Str),
    f(5, "apiVersion", Str),
    f(6, "controller", BoolPtr),
    f(7, "blockOwnerDeletion", BoolPtr),
];
const OBJECT_META: &[Field] = &[
    f(1, "name", Str),
    f(2, "generateName", Str),
    f(3, "namespace", Str),
    f(5, "uid", Str),
    f(6, "resourceVersion", Str),
    f(7, "generation", Int),
    f(8, "creationTimestamp", Time),
    f(9, "deletionTimestamp", Time),
    f(11, "labels", MapStr),
    f(12, "annotations", MapStr),
    list(13, "ownerReferences", Msg(OWNER_REFERENCE)),
    list(14, "finalizers", Str),
];
const LABEL_SELECTOR_REQUIREMENT: &[Field] = &[
    f(1, "key", Str),
    f(2, "operator", Str),
    list(3, "values", Str),
];
const LABEL_SELECTOR: &[Field] = &[
    f(1, "matchLabels", MapStr),
    list(2, "matchExpressions", Msg(LABEL_SELECTOR_REQUIREMENT)),
];
const CONTAINER_PORT: &[Field] = &[
    f(1, "name", Str),
    f(2, "hostPort", Int),
    f(3, "containerPort", Int),
    f(4, "protocol", Str),
    f(5, "hostIP", Str),
];
const ENV_VAR: &[Field] = &[f(1, "name", Str), f(2, "value", Str)];
const RESOURCES: &[Field] = &[f(1, "limits", MapQuantity), f(2, "requests", MapQuantity)];
const VOLUME_MOUNT: &[Field] = &[
    f(1, "name", Str),
    f(2, "readOnly", Bool),
    f(3, "mountPath", Str),
    f(4, "subPath", Str),
];
const CONTAINER: &[Field] = &[
    f(1, "name", Str),
    f(2, "image", Str),
    list(3, "command", Str),
    list(4, "args", Str),
    f(5, "workingDir", Str),
    list(6, "ports", Msg(CONTAINER_PORT)),
    list(7, "env", Msg(ENV_VAR)),
    f(8, "resources", Msg(RESOURCES)),
    list(9, "volumeMounts", Msg(VOLUME_MOUNT)),
    f(13, "terminationMessagePath", Str),
    f(14, "imagePullPolicy", Str),
    f(16, "stdin", Bool),
    f(17, "stdinOnce", Bool),
    f(18, "tty", Bool),
    f(20, "terminationMessagePolicy", Str),
    f(24, "restartPolicy", Str),
];
const POD_SPEC: &[Field] = &[
    list(2, "containers", Msg(CONTAINER)),
    f(3, "restartPolicy", Str),
    f(4, "terminationGracePeriodSeconds", IntPtr),
    f(5, "activeDeadlineSeconds", IntPtr),
    f(6, "dnsPolicy", Str),
    f(7, "nodeSelector", MapStr),
    f(8, "serviceAccountName", Str),
    f(9, "serviceAccount", Str),
    f(10, "nodeName", Str),
    f(11, "hostNetwork", Bool),
    f(12, "hostPID", Bool),
    f(13, "hostIPC", Bool),
    f(16, "hostname", Str),
    f(17, "subdomain", Str),
    f(19, "schedulerName", Str),
    list(20, "initContainers", Msg(CONTAINER)),
    f(24, "priorityClassName", Str),
];
const POD_TEMPLATE: &[Field] = &[
    f(1, "metadata", Msg(OBJECT_META)),
    f(2, "spec", Msg(POD_SPEC)),
];
const ROLLING_UPDATE: &[Field] = &[
    f(1, "maxUnavailable", IntOrString),
    f(2, "maxSurge", IntOrString),
];
const DEPLOYMENT_STRATEGY: &[Field] = &[
    f(1, "type", Str),
    f(2, "rollingUpdate", Msg(ROLLING_UPDATE)),
];
const DEPLOYMENT_SPEC: &[Field] = &[
    f(1, "replicas", IntPtr),
    f(2, "selector", Msg(LABEL_SELECTOR)),
    f(3, "template", Msg(POD_TEMPLATE)),
    f(4, "strategy", Msg(DEPLOYMENT_STRATEGY)),
    f(5, "minReadySeconds", Int),
    f(6, "revisionHistoryLimit", IntPtr),
    f(7, "paused", Bool),
    f(9, "progressDeadlineSeconds", IntPtr),
];
const SERVICE_PORT: &[Field] = &[
    f(1, "name", Str),
    f(2, "protocol", Str),
    f(3, "port", Int),
    f(4, "targetPort", IntOrString),
    f(5, "nodePort", Int),
    f(6, "appProtocol", Str),
];
const SERVICE_SPEC: &[Field] = &[
    list(1, "ports", Msg(SERVICE_PORT)),
    f(2, "selector", MapStr),
    f(3, "clusterIP", Str),
    f(4, "type", Str),
    list(5, "externalIPs", Str),
    f(7, "sessionAffinity", Str),
    f(8, "loadBalancerIP", Str),
    f(10, "externalName", Str),
    f(11, "externalTrafficPolicy", Str),
];
const NAMESPACE_SPEC: &[Field] = &[list(1, "finalizers", Str)];
const PRECONDITIONS: &[Field] = &[f(1, "uid", Str), f(2, "resourceVersion", Str)];

fn spec_and_status(spec: &'static [Field]) -> [Field; 3] {
    [
        f(1, "metadata", Msg(OBJECT_META)),
        f(2, "spec", Msg(spec)),
        f(3, "status", Msg(&[])),
    ]
}

/// The top-level message of a kind, by `kind` in the envelope's TypeMeta.
fn schema(kind: &str) -> Option<Vec<Field>> {
    Some(match kind {
        "Deployment" => spec_and_status(DEPLOYMENT_SPEC).into(),
        "Service" => spec_and_status(SERVICE_SPEC).into(),
        "Namespace" => spec_and_status(NAMESPACE_SPEC).into(),
        "Pod" => spec_and_status(POD_SPEC).into(),
        "ConfigMap" => vec![
            f(1, "metadata", Msg(OBJECT_META)),
            f(2, "data", MapStr),
            f(3, "binaryData", MapBytes),
            f(4, "immutable", BoolPtr),
        ],
        "Secret" => vec![
            f(1, "metadata", Msg(OBJECT_META)),
            f(2, "data", MapBytes),
            f(3, "type", Str),
            f(4, "stringData", MapStr),
            f(5, "immutable", BoolPtr),
        ],
        "ServiceAccount" => vec![
            f(1, "metadata", Msg(OBJECT_META)),
            f(4, "automountServiceAccountToken", BoolPtr),
        ],
        "DeleteOptions" => vec![
            f(1, "gracePeriodSeconds", IntPtr),
            f(2, "preconditions", Msg(PRECONDITIONS)),
            f(3, "orphanDependents", BoolPtr),
            f(4, "propagationPolicy", Str),
        ],
        other => return more::schema(other),
    })
}

/// Decodes a `k8s\0`-enveloped protobuf body into the JSON object it stands for.
pub fn decode(body: &[u8]) -> Result<Value, ApiError> {
    let bad = |what: &str| {
        ApiError::bad_request(format!("the protobuf body could not be decoded: {what}"))
    };
    let unknown = body
        .strip_prefix(b"k8s\0")
        .ok_or_else(|| bad("no k8s envelope"))?;
    let (mut api_version, mut kind, mut raw) = (String::new(), String::new(), &[][..]);
    for (num, value) in Reader(unknown) {
        match (num, value.map_err(|e| bad(&e))?) {
            (1, Wire::Len(type_meta)) => {
                for (n, v) in Reader(type_meta) {
                    if let Wire::Len(s) = v.map_err(|e| bad(&e))? {
                        let s = String::from_utf8_lossy(s).into_owned();
                        match n {
                            1 => api_version = s,
                            2 => kind = s,
                            _ => {}
                        }
                    }
                }
            }
            (2, Wire::Len(bytes)) => raw = bytes,
            _ => {}
        }
    }
    let fields = schema(&kind).ok_or_else(|| {
        ApiError::unsupported_media_type(format!(
            "the simulated cluster cannot decode {kind} from protobuf; send it as application/json"
        ))
    })?;
    let mut obj = message(raw, &fields).map_err(|e| bad(&e))?;
    if !api_version.is_empty() {
        obj["apiVersion"] = json!(api_version);
    }
    obj["kind"] = json!(kind);
    Ok(obj)
}

enum Wire<'a> {
    Varint(u64),
    Len(&'a [u8]),
    Fixed,
}

/// Iterates over the (field number, value) pairs of a message.
struct Reader<'a>(&'a [u8]);

fn varint(buf: &mut &[u8]) -> Result<u64, String> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = buf.split_first().ok_or("truncated varint")?;
        *buf = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Ok(value);
        }
    }
    Err("varint too long".to_string())
}

impl<'a> Iterator for Reader<'a> {
    type Item = (u64, Result<Wire<'a>, String>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.0.is_empty() {
            return None;
        }
        let key = match varint(&mut self.0) {
            Ok(k) => k,
            Err(e) => {
                self.0 = &[];
                return Some((0, Err(e)));
            }
        };
        let wire = match key & 7 {
            0 => varint(&mut self.0).map(Wire::Varint),
            2 => varint(&mut self.0).and_then(|len| {
                let len = usize::try_from(len).map_err(|_| "length overflow".to_string())?;
                if len > self.0.len() {
                    return Err("truncated field".to_string());
                }
                let (field, rest) = self.0.split_at(len);
                self.0 = rest;
                Ok(Wire::Len(field))
            }),
            1 | 5 => {
                let n = if key & 7 == 1 { 8 } else { 4 };
                if n > self.0.len() {
                    Err("truncated fixed field".to_string())
                } else {
                    self.0 = &self.0[n..];
                    Ok(Wire::Fixed)
                }
            }
            other => Err(format!("unsupported wire type {other}")),
        };
        if wire.is_err() {
            self.0 = &[];
        }
        Some((key >> 3, wire))
    }
}

fn message(buf: &[u8], fields: &[Field]) -> Result<Value, String> {
    let mut out = Map::new();
    for (num, wire) in Reader(buf) {
        let wire = wire?;
        let Some(field) = fields.iter().find(|f| f.num == num) else {
            continue;
        };
        let Some(value) = value(field.kind, &wire)? else {
            continue;
        };
        match field.kind {
            Inline(_) => {
                if let Value::Object(inner) = value {
                    out.extend(inner);
                }
            }
            MapStr | MapBytes | MapQuantity => {
                let map = out
                    .entry(field.name)
                    .or_insert_with(|| Value::Object(Map::new()));
                if let (Some(map), Value::Object(entry)) = (map.as_object_mut(), value) {
                    map.extend(entry);
                }
            }
            _ if field.repeated => {
                let list = out.entry(field.name).or_insert_with(|| json!([]));
                if let Some(list) = list.as_array_mut() {
                    list.push(value);
                }
            }
            _ => {
                out.insert(field.name.to_string(), value);
            }
        }
    }
    Ok(Value::Object(out))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// One field value; `None` for values Go's JSON encoding would omit.
fn value(kind: Kind, wire: &Wire<'_>) -> Result<Option<Value>, String> {
    Ok(match (kind, wire) {
        (Str, Wire::Len(b)) => (!b.is_empty()).then(|| json!(text(b))),
        (Int, Wire::Varint(v)) => (*v != 0).then(|| json!(*v as i64)),
        (IntPtr, Wire::Varint(v)) => Some(json!(*v as i64)),
        (Bool, Wire::Varint(v)) => (*v != 0).then_some(json!(true)),
        (BoolPtr, Wire::Varint(v)) => Some(json!(*v != 0)),
        (Msg(fields) | Inline(fields), Wire::Len(b)) => Some(message(b, fields)?),
        (MapStr | MapBytes | MapQuantity, Wire::Len(b)) => {
            let (mut key, mut val) = (String::new(), Value::Null);
            for (num, w) in Reader(b) {
                match (num, w?) {
                    (1, Wire::Len(k)) => key = text(k),
                    (2, Wire::Len(v)) => {
                        val = match kind {
                            MapBytes => json!(base64::engine::general_purpose::STANDARD.encode(v)),
                            MapQuantity => message(v, &[f(1, "string", Str)])?["string"].clone(),
                            _ => json!(text(v)),
                        }
                    }
                    _ => {}
                }
            }
            if val.is_null() {
                val = json!("");
            }
            Some(json!({ key: val }))
        }
        (IntOrString, Wire::Len(b)) => {
            let (mut is_string, mut int, mut string) = (false, 0i64, String::new());
            for (num, w) in Reader(b) {
                match (num, w?) {
                    (1, Wire::Varint(t)) => is_string = t == 1,
                    (2, Wire::Varint(i)) => int = i as i32 as i64,
                    (3, Wire::Len(s)) => string = text(s),
                    _ => {}
                }
            }
            Some(if is_string { json!(string) } else { json!(int) })
        }
        (Time, _) => None,
        _ => return Err("a field has an unexpected wire type".to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode_varint(mut v: u64, out: &mut Vec<u8>) {
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }

    /// Encodes a length-delimited field.
    fn len_field(num: u64, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        encode_varint(num << 3 | 2, &mut out);
        encode_varint(payload.len() as u64, &mut out);
        out.extend_from_slice(payload);
        out
    }

    fn varint_field(num: u64, v: u64) -> Vec<u8> {
        let mut out = Vec::new();
        encode_varint(num << 3, &mut out);
        encode_varint(v, &mut out);
        out
    }

    #[test]
    fn decodes_a_kubectl_create_deployment_body() {
        let labels = len_field(11, &[len_field(1, b"app"), len_field(2, b"hello")].concat());
        let meta = [
            len_field(1, b"hello"),
            len_field(2, b""),
            varint_field(7, 0),
            len_field(8, b""),
            labels.clone(),
        ]
        .concat();
        let port = [len_field(1, b""), varint_field(2, 0), varint_field(3, 80)].concat();
        let container = [
            len_field(1, b"web"),
            len_field(2, b"nginx:1"),
            len_field(6, &port),
            len_field(8, b""),
            varint_field(16, 0),
        ]
        .concat();
        let pod_spec = [len_field(2, &container), varint_field(11, 0)].concat();
        let template = [len_field(1, &labels), len_field(2, &pod_spec)].concat();
        let selector = len_field(1, &[len_field(1, b"app"), len_field(2, b"hello")].concat());
        let spec = [
            varint_field(1, 2),
            len_field(2, &selector),
            len_field(3, &template),
            len_field(4, &len_field(1, b"")),
            varint_field(5, 0),
        ]
        .concat();
        let raw = [len_field(1, &meta), len_field(2, &spec), len_field(3, b"")].concat();
        let type_meta = [len_field(1, b"apps/v1"), len_field(2, b"Deployment")].concat();
        let mut body = b"k8s\0".to_vec();
        body.extend([len_field(1, &type_meta), len_field(2, &raw)].concat());
        let obj = decode(&body).unwrap();
        assert_eq!(
            obj,
            json!({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "hello", "labels": {"app": "hello"}},
                "spec": {
                    "replicas": 2,
                    "selector": {"matchLabels": {"app": "hello"}},
                    "template": {"metadata": {"labels": {"app": "hello"}},
                                 "spec": {"containers": [{"name": "web", "image": "nginx:1",
                                          "ports": [{"containerPort": 80}], "resources": {}}]}},
                    "strategy": {}
                },
                "status": {}
            })
        );
    }

    #[test]
    fn garbage_and_unknown_kinds_are_errors() {
        assert_eq!(decode(b"nope").unwrap_err().code, 400);
        assert_eq!(decode(b"k8s\0\x12\x05\xff\xff").unwrap_err().code, 400);
        let type_meta = [len_field(1, b"v1"), len_field(2, b"Frobnicator")].concat();
        let mut body = b"k8s\0".to_vec();
        body.extend(len_field(1, &type_meta));
        assert_eq!(decode(&body).unwrap_err().code, 415);
    }
}
