//! A guard on the bytes a PostgreSQL server sends: the frontend/backend protocol's framing is
//! checked as it is read, so a peer that answers something else (an HTTP server, an SSH banner,
//! random bytes) fails the connection at once with a named protocol error, instead of
//! tokio-postgres waiting for the gigabytes a garbage length field announces until the deadline.
//!
//! Checked: the answer to an SSLRequest is one byte, `S` or `N`; after `S` the bytes are TLS
//! (rustls checks them). Every message header is a known backend message type with a length
//! of at least 4 and at most [`MAX_MESSAGE`]; before the first `ReadyForQuery`, only the types
//! the startup phase allows.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Largest backend message accepted (the probe's rows are a few hundred bytes).
pub const MAX_MESSAGE: u32 = 64 * 1024 * 1024;

/// Backend message types of protocol 3.0 allowed during startup (before `ReadyForQuery`).
const STARTUP_TYPES: &[u8] = b"REKSNvZ";
/// Every backend message type of protocol 3.0.
const BACKEND_TYPES: &[u8] = b"123ACcdDEGHIKnNRsStTVWZv";

/// The protocol error a [`Framed`] stream reports (inside an `io::Error` of kind
/// `InvalidData`); its text names what was received.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not the PostgreSQL protocol: {0}")]
pub struct NotPostgres(pub String);

/// How the client opens the session, which says what the server's first byte must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// An SSLRequest: a one-byte answer, `S` (TLS follows) or `N` (plain messages follow).
    SslRequest,
    /// A plain StartupMessage: backend messages follow.
    Plain,
    /// A TLS ClientHello (`sslnegotiation=direct`): nothing to check, rustls checks TLS.
    DirectTls,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Waiting for the one-byte answer to an SSLRequest.
    SslAnswer,
    /// Collecting a message header (type + 4-byte length); `n` bytes seen so far.
    Header { n: usize },
    /// Inside a message body; `left` bytes to skip.
    Body { left: u32 },
    /// TLS was accepted: the bytes are not PostgreSQL framing any more.
    Tls,
    /// A violation was reported; every further read fails too.
    Broken,
}

/// Checks PostgreSQL backend framing on the bytes read from `S`; writes pass through.
pub struct Framed<S> {
    inner: S,
    state: State,
    header: [u8; 5],
    ready: bool,
}

impl<S> Framed<S> {
    /// Wraps `inner`. `start` says how the client opens the session.
    pub fn new(inner: S, start: Start) -> Self {
        Framed {
            inner,
            state: match start {
                Start::SslRequest => State::SslAnswer,
                Start::Plain => State::Header { n: 0 },
                Start::DirectTls => State::Tls,
            },
            header: [0; 5],
            ready: false,
        }
    }

    /// Feeds bytes read from the server through the state machine.
    fn check(&mut self, mut bytes: &[u8]) -> Result<(), NotPostgres> {
        while !bytes.is_empty() {
            match self.state {
                State::Tls => return Ok(()),
                State::Broken => return Err(NotPostgres("stream already rejected".into())),
                State::SslAnswer => {
                    match bytes[0] {
                        b'S' => self.state = State::Tls,
                        b'N' => self.state = State::Header { n: 0 },
                        other => {
                            return Err(NotPostgres(format!(
                                "answered {} to the SSLRequest (expected 'S' or 'N')",
                                show(other)
                            )));
                        }
                    }
                    bytes = &bytes[1..];
                }
                State::Header { n } => {
                    let take = (5 - n).min(bytes.len());
                    self.header[n..n + take].copy_from_slice(&bytes[..take]);
                    bytes = &bytes[take..];
                    if n + take < 5 {
                        self.state = State::Header { n: n + take };
                        continue;
                    }
                    let tag = self.header[0];
                    let len = u32::from_be_bytes([
                        self.header[1],
                        self.header[2],
                        self.header[3],
                        self.header[4],
                    ]);
                    let allowed = if self.ready {
                        BACKEND_TYPES
                    } else {
                        STARTUP_TYPES
                    };
                    if !allowed.contains(&tag) {
                        return Err(NotPostgres(format!(
                            "message type {} {}",
                            show(tag),
                            if self.ready {
                                "is not a backend message"
                            } else {
                                "is not allowed before the session is ready"
                            }
                        )));
                    }
                    if !(4..=MAX_MESSAGE).contains(&len) {
                        return Err(NotPostgres(format!(
                            "message type {} announces {len} bytes",
                            show(tag)
                        )));
                    }
                    if tag == b'Z' {
                        self.ready = true;
                    }
                    self.state = match len - 4 {
                        0 => State::Header { n: 0 },
                        left => State::Body { left },
                    };
                }
                State::Body { left } => {
                    let take = (left as usize).min(bytes.len());
                    bytes = &bytes[take..];
                    let left = left - take as u32;
                    self.state = if left == 0 {
                        State::Header { n: 0 }
                    } else {
                        State::Body { left }
                    };
                }
            }
        }
        Ok(())
    }
}

fn show(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}' (0x{b:02x})", b as char)
    } else {
        format!("0x{b:02x}")
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Framed<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.state == State::Broken {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::InvalidData,
                NotPostgres("stream already rejected".into()),
            )));
        }
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if let Err(e) = this.check(&buf.filled()[before..]) {
                    this.state = State::Broken;
                    return Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, e)));
                }
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Framed<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(start: Start, bytes: &[u8]) -> Result<(), NotPostgres> {
        let mut f = Framed::new((), start);
        f.check(bytes)
    }

    #[test]
    fn accepts_a_real_startup_exchange_split_anywhere() {
        // 'N' to the SSLRequest, AuthenticationOk, one ParameterStatus, BackendKeyData,
        // ReadyForQuery, then a RowDescription-less CommandComplete.
        let mut b = vec![b'N'];
        b.extend_from_slice(&[b'R', 0, 0, 0, 8, 0, 0, 0, 0]);
        b.extend_from_slice(&[b'S', 0, 0, 0, 13]);
        b.extend_from_slice(b"a\0b\0c\0d\0\0");
        b.extend_from_slice(&[b'K', 0, 0, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8]);
        b.extend_from_slice(&[b'Z', 0, 0, 0, 5, b'I']);
        b.extend_from_slice(&[b'C', 0, 0, 0, 8]);
        b.extend_from_slice(b"SET\0");
        assert_eq!(run(Start::SslRequest, &b), Ok(()));
        for cut in 1..b.len() {
            let mut f = Framed::new((), Start::SslRequest);
            assert_eq!(f.check(&b[..cut]).and_then(|_| f.check(&b[cut..])), Ok(()), "{cut}");
        }
        assert_eq!(run(Start::Plain, &b[1..]), Ok(()));
    }

    #[test]
    fn names_what_is_wrong_with_garbage() {
        let http = b"HTTP/1.1 400 Bad Request\r\n\r\n";
        let e = run(Start::Plain, http).unwrap_err();
        assert!(e.to_string().contains("message type 'H' (0x48)"), "{e}");
        let e = run(Start::SslRequest, http).unwrap_err();
        assert!(e.to_string().contains("answered 'H' (0x48) to the SSLRequest"), "{e}");
        // A startup-phase type with an absurd length.
        let e = run(Start::Plain, b"RTTP/").unwrap_err();
        assert!(e.to_string().contains("announces"), "{e}");
        assert!(run(Start::Plain, &[0, 0, 0, 0, 4]).is_err());
        // Query-phase types are refused before ReadyForQuery.
        assert!(run(Start::Plain, &[b'D', 0, 0, 0, 6, 0, 0]).is_err());
        // TLS after 'S' is not inspected.
        assert_eq!(run(Start::SslRequest, b"S\x16\x03\x03garbage"), Ok(()));
        assert_eq!(run(Start::DirectTls, b"anything"), Ok(()));
    }
}
