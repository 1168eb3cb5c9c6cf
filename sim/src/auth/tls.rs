//! TLS for `--auth`: a certificate authority made at start, the server's certificate for
//! 127.0.0.1, client certificates it issues, and a listener that completes the handshake
//! and says which issued certificate (if any) the client presented.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::extract::connect_info::Connected;
use axum::serve::IncomingStream;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

use crate::faults::Faults;
use crate::server::KillableIo;

/// A client certificate and its key, PEM, for a kubeconfig.
#[derive(Clone)]
pub struct ClientCert {
    pub cert_pem: String,
    pub key_pem: String,
    /// The DER the client presents, to know it again.
    pub der: Vec<u8>,
}

/// The authority, the server's TLS configuration and the certificates issued.
pub struct Authority {
    pub ca_pem: String,
    issuer: Issuer<'static, KeyPair>,
    pub server: Arc<rustls::ServerConfig>,
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

impl Authority {
    /// A fresh CA and a server certificate for `127.0.0.1` and `localhost`.
    pub fn new() -> anyhow::Result<Authority> {
        let mut params = CertificateParams::default();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name = name("rkt-sim-ca", None);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = KeyPair::generate().context("generating the CA key")?;
        let ca = params.self_signed(&key).context("signing the CA")?;
        let ca_der = ca.der().clone();
        let issuer = Issuer::new(params, key);

        let mut server = CertificateParams::new(vec!["127.0.0.1".into(), "localhost".into()])
            .context("server certificate names")?;
        server.distinguished_name = name("kube-apiserver", None);
        server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server_key = KeyPair::generate().context("generating the server key")?;
        let server_cert = server
            .signed_by(&server_key, &issuer)
            .context("signing the server certificate")?;

        let mut roots = rustls::RootCertStore::empty();
        roots.add(ca_der).context("trusting the CA")?;
        let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
            // Bearer-token users present no certificate.
            .allow_unauthenticated()
            .build()
            .context("client certificate verifier")?;
        let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
        let mut config = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .context("TLS versions")?
            .with_client_cert_verifier(verifier)
            .with_single_cert(vec![server_cert.der().clone()], key_der)
            .context("server TLS configuration")?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Authority {
            ca_pem: ca.pem(),
            issuer,
            server: Arc::new(config),
        })
    }

    /// A client certificate for user `cn` in group `org` (`O=system:masters` = admin).
    pub fn issue_client(&self, cn: &str, org: &str) -> anyhow::Result<ClientCert> {
        let mut params = CertificateParams::default();
        params.distinguished_name = name(cn, Some(org));
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let key = KeyPair::generate().context("generating a client key")?;
        let cert = params
            .signed_by(&key, &self.issuer)
            .context("signing a client certificate")?;
        Ok(ClientCert {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            der: cert.der().to_vec(),
        })
    }
}

fn name(cn: &str, org: Option<&str>) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    if let Some(org) = org {
        dn.push(DnType::OrganizationName, org);
    }
    dn.push(DnType::CommonName, cn);
    dn
}

/// Where a connection came from and the certificate it presented.
#[derive(Debug, Clone)]
pub struct Peer {
    pub addr: SocketAddr,
    /// The client certificate (DER), when one was presented and verified.
    pub cert: Option<Arc<[u8]>>,
}

impl Connected<IncomingStream<'_, TlsListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, TlsListener>) -> Peer {
        stream.remote_addr().clone()
    }
}

/// Longest a client may take over its handshake before the connection is dropped.
const HANDSHAKE: Duration = Duration::from_secs(10);

type Accepted = (KillableIo<TlsStream<TcpStream>>, Peer);

/// Accepts TCP connections and completes each TLS handshake in a task of its own (a slow
/// client holds up nobody); connections end on the fault switch "restart" or shutdown as
/// plain ones do. Dropping it stops accepting.
pub struct TlsListener {
    ready: mpsc::Receiver<Accepted>,
    local: SocketAddr,
    accepting: tokio::task::JoinHandle<()>,
}

impl TlsListener {
    pub fn new(
        inner: TcpListener,
        acceptor: TlsAcceptor,
        faults: Arc<Faults>,
    ) -> io::Result<TlsListener> {
        let local = inner.local_addr()?;
        let (tx, ready) = mpsc::channel(64);
        let accepting = tokio::spawn(async move {
            loop {
                let Ok((stream, addr)) = inner.accept().await else {
                    // Out of file descriptors and the like: back off briefly, then retry.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let (acceptor, faults, tx) = (acceptor.clone(), faults.clone(), tx.clone());
                tokio::spawn(async move {
                    // A client that fails or stalls its handshake is dropped.
                    let Ok(Ok(tls)) =
                        tokio::time::timeout(HANDSHAKE, acceptor.accept(stream)).await
                    else {
                        return;
                    };
                    let cert = tls
                        .get_ref()
                        .1
                        .peer_certificates()
                        .and_then(|certs| certs.first())
                        .map(|c: &CertificateDer<'_>| Arc::from(c.as_ref()));
                    let io = KillableIo::new(tls, &faults);
                    let _ = tx.send((io, Peer { addr, cert })).await;
                });
            }
        });
        Ok(TlsListener {
            ready,
            local,
            accepting,
        })
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = KillableIo<TlsStream<TcpStream>>;
    type Addr = Peer;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(accepted) => accepted,
            // The accepting task holds a sender for as long as this listener lives.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(Peer {
            addr: self.local,
            cert: None,
        })
    }
}
