//! Asks the server whether the user may do something (SelfSubjectAccessReview), the way
//! `kubectl auth can-i` does.

use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use kube::api::PostParams;
use kube::{Api, Client};

use crate::model::access::{AccessAnswer, AccessQuery};

pub async fn review(client: &Client, query: &AccessQuery) -> AccessAnswer {
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let request = SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(ResourceAttributes {
                verb: Some(query.verb.to_string()),
                group: Some(query.group.clone()),
                resource: Some(query.resource.clone()),
                subresource: non_empty(query.subresource),
                namespace: query.namespace.clone(),
                ..ResourceAttributes::default()
            }),
            ..SelfSubjectAccessReviewSpec::default()
        },
        ..SelfSubjectAccessReview::default()
    };
    let api: Api<SelfSubjectAccessReview> = Api::all(client.clone());
    match api.create(&PostParams::default(), &request).await {
        Ok(review) => match review.status {
            Some(status) if status.allowed => AccessAnswer::Allowed,
            Some(status) => AccessAnswer::Denied(status.reason.unwrap_or_default()),
            None => AccessAnswer::Unknown("the review came back without an answer".into()),
        },
        Err(kube::Error::Api(status)) if status.code == 404 => AccessAnswer::Unsupported,
        Err(e) => AccessAnswer::Unknown(super::watch::describe_client(&e)),
    }
}
