//! The messages of `kubectl create job|cronjob|role|clusterrole|rolebinding|
//! clusterrolebinding|ingress`: batch/v1, rbac.authorization.k8s.io/v1 and
//! networking.k8s.io/v1 (field numbers as in the Kubernetes generated.proto files).

use super::Kind::*;
use super::{f, list, spec_and_status, Field, LABEL_SELECTOR, OBJECT_META, POD_TEMPLATE};

const JOB_SPEC: &[Field] = &[
    f(1, "parallelism", IntPtr),
    f(2, "completions", IntPtr),
    f(3, "activeDeadlineSeconds", IntPtr),
    f(4, "selector", Msg(LABEL_SELECTOR)),
    f(5, "manualSelector", BoolPtr),
    f(6, "template", Msg(POD_TEMPLATE)),
    f(7, "backoffLimit", IntPtr),
    f(8, "ttlSecondsAfterFinished", IntPtr),
    f(9, "completionMode", Str),
    f(10, "suspend", BoolPtr),
];
const JOB_TEMPLATE: &[Field] = &[
    f(1, "metadata", Msg(OBJECT_META)),
    f(2, "spec", Msg(JOB_SPEC)),
];
const CRON_JOB_SPEC: &[Field] = &[
    f(1, "schedule", Str),
    f(2, "startingDeadlineSeconds", IntPtr),
    f(3, "concurrencyPolicy", Str),
    f(4, "suspend", BoolPtr),
    f(5, "jobTemplate", Msg(JOB_TEMPLATE)),
    f(6, "successfulJobsHistoryLimit", IntPtr),
    f(7, "failedJobsHistoryLimit", IntPtr),
    f(8, "timeZone", Str),
];
const POLICY_RULE: &[Field] = &[
    list(1, "verbs", Str),
    list(2, "apiGroups", Str),
    list(3, "resources", Str),
    list(4, "resourceNames", Str),
    list(5, "nonResourceURLs", Str),
];
const AGGREGATION_RULE: &[Field] = &[list(1, "clusterRoleSelectors", Msg(LABEL_SELECTOR))];
const SUBJECT: &[Field] = &[
    f(1, "kind", Str),
    f(2, "apiGroup", Str),
    f(3, "name", Str),
    f(4, "namespace", Str),
];
const ROLE_REF: &[Field] = &[f(1, "apiGroup", Str), f(2, "kind", Str), f(3, "name", Str)];
const SERVICE_BACKEND_PORT: &[Field] = &[f(1, "name", Str), f(2, "number", Int)];
const SERVICE_BACKEND: &[Field] = &[f(1, "name", Str), f(2, "port", Msg(SERVICE_BACKEND_PORT))];
const TYPED_LOCAL_OBJECT_REFERENCE: &[Field] =
    &[f(1, "apiGroup", Str), f(2, "kind", Str), f(3, "name", Str)];
const INGRESS_BACKEND: &[Field] = &[
    f(3, "resource", Msg(TYPED_LOCAL_OBJECT_REFERENCE)),
    f(4, "service", Msg(SERVICE_BACKEND)),
];
const INGRESS_TLS: &[Field] = &[list(1, "hosts", Str), f(2, "secretName", Str)];
const HTTP_PATH: &[Field] = &[
    f(1, "path", Str),
    f(2, "backend", Msg(INGRESS_BACKEND)),
    f(3, "pathType", Str),
];
const HTTP_RULE_VALUE: &[Field] = &[list(1, "paths", Msg(HTTP_PATH))];
const INGRESS_RULE_VALUE: &[Field] = &[f(1, "http", Msg(HTTP_RULE_VALUE))];
const INGRESS_RULE: &[Field] = &[
    f(1, "host", Str),
    // Inlined in JSON: `http` sits next to `host`.
    f(2, "ingressRuleValue", Inline(INGRESS_RULE_VALUE)),
];
const INGRESS_SPEC: &[Field] = &[
    f(1, "defaultBackend", Msg(INGRESS_BACKEND)),
    list(2, "tls", Msg(INGRESS_TLS)),
    list(3, "rules", Msg(INGRESS_RULE)),
    f(4, "ingressClassName", Str),
];

/// The top-level message of one of these kinds.
const RESOURCE_ATTRIBUTES: &[Field] = &[
    f(1, "namespace", Str),
    f(2, "verb", Str),
    f(3, "group", Str),
    f(4, "version", Str),
    f(5, "resource", Str),
    f(6, "subresource", Str),
    f(7, "name", Str),
];
const ACCESS_REVIEW_SPEC: &[Field] = &[
    f(1, "resourceAttributes", Msg(RESOURCE_ATTRIBUTES)),
    f(2, "nonResourceAttributes", Msg(NON_RESOURCE_ATTRIBUTES)),
];
const NON_RESOURCE_ATTRIBUTES: &[Field] = &[f(1, "path", Str), f(2, "verb", Str)];
const RULES_REVIEW_SPEC: &[Field] = &[f(1, "namespace", Str)];

pub(super) fn schema(kind: &str) -> Option<Vec<Field>> {
    let binding = || {
        vec![
            f(1, "metadata", Msg(OBJECT_META)),
            list(2, "subjects", Msg(SUBJECT)),
            f(3, "roleRef", Msg(ROLE_REF)),
        ]
    };
    Some(match kind {
        "Job" => spec_and_status(JOB_SPEC).into(),
        "CronJob" => spec_and_status(CRON_JOB_SPEC).into(),
        "Ingress" => spec_and_status(INGRESS_SPEC).into(),
        "Role" => vec![
            f(1, "metadata", Msg(OBJECT_META)),
            list(2, "rules", Msg(POLICY_RULE)),
        ],
        "ClusterRole" => vec![
            f(1, "metadata", Msg(OBJECT_META)),
            list(2, "rules", Msg(POLICY_RULE)),
            f(3, "aggregationRule", Msg(AGGREGATION_RULE)),
        ],
        "RoleBinding" | "ClusterRoleBinding" => binding(),
        // `kubectl auth can-i` and `kubectl auth whoami` (authorization/authentication v1).
        "SelfSubjectAccessReview" => vec![
            f(1, "metadata", Msg(OBJECT_META)),
            f(2, "spec", Msg(ACCESS_REVIEW_SPEC)),
        ],
        "SelfSubjectRulesReview" => vec![
            f(1, "metadata", Msg(OBJECT_META)),
            f(2, "spec", Msg(RULES_REVIEW_SPEC)),
        ],
        "SelfSubjectReview" => vec![f(1, "metadata", Msg(OBJECT_META))],
        _ => return None,
    })
}
