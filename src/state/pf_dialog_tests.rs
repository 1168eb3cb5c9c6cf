#![allow(clippy::unwrap_used)]
use super::*;
use crate::model::portforward::PortOption;
use crate::model::portforward::{TargetKind, TargetPort};

fn port(remote: u16, protocol: &str, suggested: u16) -> DialogPort {
    DialogPort {
        option: PortOption {
            remote_port: remote,
            name: None,
            protocol: protocol.to_string(),
            target: Some(TargetPort::Number(remote + 1)),
            pod_port: Some(remote + 1),
        },
        suggested_local: suggested,
    }
}

fn dialog() -> PfDialog {
    PfDialog::new(TargetRef::new(TargetKind::Service, "default", "web"))
}

#[test]
fn loading_then_ports_suggest_a_local_port() {
    let mut d = dialog();
    assert!(d.spec().is_err());
    d.loaded(Ok(vec![
        port(80, "TCP", 80),
        port(53, "UDP", 53),
        port(8080, "TCP", 41000),
    ]));
    assert_eq!(d.ports.len(), 2, "UDP is not offered");
    assert_eq!(d.local, "80");
    d.move_port(1);
    assert_eq!(
        d.local, "41000",
        "the same number was taken: the suggestion differs"
    );
    let spec = d.spec().unwrap();
    assert_eq!((spec.remote_port, spec.local_port), (8080, 41000));
    assert_eq!(spec.address.to_string(), "127.0.0.1");
    d.move_port(5);
    assert_eq!(d.port_idx, 1);
}

#[test]
fn an_edited_local_port_is_kept() {
    let mut d = dialog();
    d.loaded(Ok(vec![port(80, "TCP", 80), port(81, "TCP", 81)]));
    d.next_field();
    assert_eq!(d.field, Field::Local);
    d.backspace();
    d.backspace();
    d.type_char('9');
    d.type_char('x');
    d.type_char('1');
    assert_eq!(d.local, "91");
    d.move_port(1);
    assert_eq!(d.local, "91");
    assert_eq!(d.spec().unwrap().local_port, 91);
}

#[test]
fn bad_input_is_explained() {
    let mut d = dialog();
    d.loaded(Ok(vec![port(80, "TCP", 80)]));
    d.field = Field::Address;
    d.type_char('x');
    assert_eq!(
        d.spec().unwrap_err(),
        "address \"127.0.0.1x\" is not an IP address or localhost"
    );
    d.backspace();
    d.field = Field::Local;
    d.local = "70000".into();
    assert!(d.spec().unwrap_err().contains("70000"));
}

#[test]
fn targets_without_ports_take_a_typed_remote_port() {
    let mut d = dialog();
    d.loaded(Ok(vec![]));
    assert!(d.spec().unwrap_err().contains("remote port"));
    d.type_char('8');
    d.type_char('0');
    d.field = Field::Local;
    d.type_char('0');
    let spec = d.spec().unwrap();
    assert_eq!((spec.remote_port, spec.local_port), (80, 0));
}

#[test]
fn a_load_error_is_shown() {
    let mut d = dialog();
    d.loaded(Err("service/web not found".into()));
    assert!(!d.loading);
    assert_eq!(d.error.as_deref(), Some("service/web not found"));
    d.prev_field();
    assert_eq!(d.field, Field::Address);
}

#[test]
fn loopback_is_the_default_and_any_other_address_warns() {
    let mut d = dialog();
    d.loaded(Ok(vec![port(80, "TCP", 80)]));
    assert_eq!(d.spec().unwrap().address.to_string(), "127.0.0.1");
    assert_eq!(
        d.exposure_warning(),
        None,
        "the default reaches no other machine"
    );

    d.address = "localhost".to_string();
    assert_eq!(d.spec().unwrap().address.to_string(), "127.0.0.1");
    d.address = "::1".to_string();
    assert_eq!(d.exposure_warning(), None);

    d.address = "0.0.0.0".to_string();
    assert_eq!(d.spec().unwrap().address.to_string(), "0.0.0.0");
    let warning = d.exposure_warning().expect("0.0.0.0 is exposed");
    assert!(
        warning.contains("0.0.0.0") && warning.contains("other machines"),
        "{warning}"
    );
    d.address = "192.168.1.20".to_string();
    assert!(d.exposure_warning().is_some());

    d.address = "my-laptop".to_string();
    assert!(d
        .spec()
        .unwrap_err()
        .contains("not an IP address or localhost"));
}
