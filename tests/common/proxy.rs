//! A TCP proxy the test controls, put in front of a real server to simulate faults without
//! touching the server: `pause` stops forwarding bytes but keeps every socket open (a hung
//! dependency), `resume` forwards again (held bytes included), `cut` closes every open
//! connection (a crash or restart; new connections are still accepted and forwarded).
//! Everything stops when the proxy is dropped.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

struct State {
    paused: Mutex<bool>,
    resumed: Condvar,
    stop: AtomicBool,
    conns: Mutex<Vec<TcpStream>>,
    accepted: AtomicUsize,
}

impl State {
    /// Blocks while paused; false when the proxy is stopping.
    fn wait_running(&self) -> bool {
        let mut p = self.paused.lock().unwrap();
        while *p && !self.stop.load(Ordering::SeqCst) {
            p = self
                .resumed
                .wait_timeout(p, Duration::from_millis(100))
                .unwrap()
                .0;
        }
        !self.stop.load(Ordering::SeqCst)
    }
}

/// A running proxy from `127.0.0.1:port` to an upstream address.
pub struct Proxy {
    /// The port clients connect to.
    pub port: u16,
    state: Arc<State>,
}

impl Proxy {
    /// Starts forwarding a free local port to `upstream`.
    pub fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State {
            paused: Mutex::new(false),
            resumed: Condvar::new(),
            stop: AtomicBool::new(false),
            conns: Mutex::new(Vec::new()),
            accepted: AtomicUsize::new(0),
        });
        let st = Arc::clone(&state);
        std::thread::spawn(move || {
            while !st.stop.load(Ordering::SeqCst) {
                let client = match listener.accept() {
                    Ok((c, _)) => c,
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(20));
                        continue;
                    }
                    Err(_) => continue,
                };
                st.accepted.fetch_add(1, Ordering::SeqCst);
                let _ = client.set_nonblocking(false);
                let Ok(server) = TcpStream::connect_timeout(&upstream, Duration::from_secs(5))
                else {
                    continue;
                };
                {
                    let mut conns = st.conns.lock().unwrap();
                    conns.push(client.try_clone().unwrap());
                    conns.push(server.try_clone().unwrap());
                }
                for (from, to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    let st = Arc::clone(&st);
                    std::thread::spawn(move || pump(from, to, &st));
                }
            }
        });
        Proxy { port, state }
    }

    /// The address clients connect to.
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Stops forwarding; sockets stay open, bytes are held.
    pub fn pause(&self) {
        *self.state.paused.lock().unwrap() = true;
    }

    /// Forwards again.
    pub fn resume(&self) {
        *self.state.paused.lock().unwrap() = false;
        self.state.resumed.notify_all();
    }

    /// Closes every open connection (both sides); later connections are forwarded.
    pub fn cut(&self) {
        for s in self.state.conns.lock().unwrap().drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.state.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        self.resume();
        self.cut();
    }
}

fn pump(mut from: TcpStream, mut to: TcpStream, st: &State) {
    let _ = from.set_read_timeout(Some(Duration::from_millis(200)));
    let mut buf = [0u8; 16 * 1024];
    loop {
        if !st.wait_running() {
            break;
        }
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => continue,
            Err(_) => break,
        };
        if !st.wait_running() || to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}
