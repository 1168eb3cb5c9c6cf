//! What port-forward and exec share of the Kubernetes WebSocket streaming protocol: the
//! offered subprotocols, telling a SPDY request apart, and binary channel frames (one
//! channel byte, then the data).

use axum::extract::ws::Message;
use axum::http::{header, HeaderMap};
use bytes::{BufMut, BytesMut};

/// The v5 channel on which a peer announces that it closed one of its channels.
pub const CLOSE_CHANNEL: u8 = 255;

/// The subprotocols a client offered (one comma-separated header or several headers).
pub fn requested(headers: &HeaderMap) -> Vec<&str> {
    headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// The first of `served` (the server's preference order) that the client offered.
pub fn chosen<'a>(headers: &HeaderMap, served: &[&'a str]) -> Option<&'a str> {
    let offered = requested(headers);
    served.iter().copied().find(|p| offered.contains(p))
}

/// Whether the request asks for SPDY (kubectl's older transport, or SPDY tunnelled in a
/// WebSocket), or offers only subprotocols that are not `served`.
pub fn unservable(headers: &HeaderMap, served: &[&str]) -> bool {
    let offered = requested(headers);
    if offered.iter().any(|p| served.contains(p)) {
        return false;
    }
    let spdy_upgrade = headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("spdy"));
    spdy_upgrade || !offered.is_empty()
}

/// A binary frame on `channel`.
pub fn frame(channel: u8, data: &[u8]) -> Message {
    let mut buf = BytesMut::with_capacity(data.len() + 1);
    buf.put_u8(channel);
    buf.put_slice(data);
    Message::Binary(buf.freeze())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(k.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn offers_in_one_or_several_headers() {
        let served = ["v5.channel.k8s.io", "v4.channel.k8s.io"];
        let h = headers(&[(
            header::SEC_WEBSOCKET_PROTOCOL,
            "v4.channel.k8s.io, v5.channel.k8s.io",
        )]);
        assert_eq!(chosen(&h, &served), Some("v5.channel.k8s.io"));
        let h = headers(&[
            (header::SEC_WEBSOCKET_PROTOCOL, "base64.channel.k8s.io"),
            (header::SEC_WEBSOCKET_PROTOCOL, "v4.channel.k8s.io"),
        ]);
        assert_eq!(chosen(&h, &served), Some("v4.channel.k8s.io"));
        assert!(!unservable(&h, &served));
    }

    #[test]
    fn spdy_and_foreign_protocols_are_unservable() {
        let served = ["v4.channel.k8s.io"];
        assert!(unservable(
            &headers(&[(header::UPGRADE, "SPDY/3.1")]),
            &served
        ));
        assert!(unservable(
            &headers(&[(
                header::SEC_WEBSOCKET_PROTOCOL,
                "SPDY/3.1+portforward.k8s.io"
            )]),
            &served
        ));
        assert!(!unservable(
            &headers(&[(header::UPGRADE, "websocket")]),
            &served
        ));
    }
}
