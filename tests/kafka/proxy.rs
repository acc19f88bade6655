//! A TCP fault proxy between the clients and the broker, for the network-fault tests. The broker
//! advertises the proxy's port, so every connection (bootstrap and after metadata) goes through it.
//! It forwards both ways and, on command:
//! - adds latency to every chunk in both directions;
//! - resets every open connection (RST, through SO_LINGER 0);
//! - holds all traffic (a black hole): nothing moves, new connections are accepted and then silent,
//!   and what was held is forwarded when it ends (TCP retransmits across such an outage, so nothing
//!   is lost unless a side gives up first);
//! - makes every open connection half-open: the broker's side is closed, the client's side stays
//!   open and silent (what a client sees when a NAT or a load balancer drops its flow).
//!
//! Threads and std sockets: a test needs nothing faster, and no proxy crate does these faults.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

/// What the proxy does to traffic now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fault {
    None,
    /// Each chunk waits this long before it is forwarded, both ways.
    Latency(Duration),
    /// Nothing is forwarded until the fault ends.
    BlackHole,
}

/// One forwarded connection's switches, read by its two pump threads.
#[derive(Default)]
struct Conn {
    reset: AtomicBool,
    half_open: AtomicBool,
}

struct Shared {
    upstream: u16,
    fault: Mutex<Fault>,
    conns: Mutex<Vec<Weak<Conn>>>,
    stop: AtomicBool,
}

pub(super) struct Proxy {
    shared: Arc<Shared>,
}

impl Proxy {
    /// Forwards what `listener` accepts to `127.0.0.1:upstream`.
    pub(super) fn on(listener: TcpListener, upstream: u16) -> Proxy {
        let shared = Arc::new(Shared { upstream, fault: Mutex::new(Fault::None), conns: Mutex::new(Vec::new()), stop: AtomicBool::new(false) });
        listener.set_nonblocking(true).unwrap();
        let s = shared.clone();
        std::thread::spawn(move || {
            while !s.stop.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let s = s.clone();
                        std::thread::spawn(move || connect(&s, client));
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(10)),
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Proxy { shared }
    }

    pub(super) fn set(&self, fault: Fault) {
        *self.shared.fault.lock().unwrap() = fault;
    }

    /// Resets every open connection (each side gets an RST); new ones are forwarded.
    pub(super) fn reset_all(&self) -> usize {
        self.each(|c| c.reset.store(true, Ordering::Relaxed))
    }

    /// Closes the broker's side of every open connection and leaves the client's side open and
    /// silent; new connections are forwarded.
    pub(super) fn half_open_all(&self) -> usize {
        self.each(|c| c.half_open.store(true, Ordering::Relaxed))
    }

    fn each(&self, f: impl Fn(&Conn)) -> usize {
        let mut conns = self.shared.conns.lock().unwrap();
        conns.retain(|w| w.strong_count() > 0);
        let live: Vec<Arc<Conn>> = conns.iter().filter_map(Weak::upgrade).collect();
        for c in &live {
            f(c);
        }
        live.len()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
    }
}

fn connect(s: &Arc<Shared>, client: TcpStream) {
    // While the hole lasts a new connection is accepted and then silent, as its SYN-ACK had come
    // but nothing after.
    while *s.fault.lock().unwrap() == Fault::BlackHole && !s.stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let Ok(upstream) = TcpStream::connect(("127.0.0.1", s.upstream)) else {
        // The broker is down: the client sees its connection closed.
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = upstream.set_nodelay(true);
    let conn = Arc::new(Conn::default());
    s.conns.lock().unwrap().push(Arc::downgrade(&conn));
    let (c2, u2) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
    let (s2, conn2) = (s.clone(), conn.clone());
    std::thread::spawn(move || pump(&s2, &conn2, c2, u2, false));
    pump(s, &conn, upstream, client, true);
}

/// Copies `from` to `to` under the current fault. `to_client`: this is the broker-to-client way.
fn pump(s: &Shared, conn: &Conn, mut from: TcpStream, mut to: TcpStream, to_client: bool) {
    from.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    // Sockets end with an RST when a reset asked for it.
    let rst = |a: &TcpStream, b: &TcpStream| {
        let _ = socket2::SockRef::from(a).set_linger(Some(Duration::ZERO));
        let _ = socket2::SockRef::from(b).set_linger(Some(Duration::ZERO));
    };
    loop {
        if s.stop.load(Ordering::Relaxed) {
            return;
        }
        if conn.reset.load(Ordering::Relaxed) {
            rst(&from, &to);
            return;
        }
        if conn.half_open.load(Ordering::Relaxed) {
            if to_client {
                // The broker's side goes; the client's is left as it is.
                let _ = from.shutdown(Shutdown::Both);
                return;
            }
            // The client's requests go nowhere, and it is never told.
            match from.read(&mut buf) {
                Ok(0) => return,
                Ok(_) => continue,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => continue,
                Err(_) => return,
            }
        }
        if *s.fault.lock().unwrap() == Fault::BlackHole {
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        let n = match from.read(&mut buf) {
            Ok(0) => {
                let _ = to.shutdown(Shutdown::Write);
                return;
            }
            Ok(n) => n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => continue,
            Err(_) => {
                let _ = to.shutdown(Shutdown::Both);
                return;
            }
        };
        // Read before the fault began: held until it ends, never dropped.
        loop {
            let fault = *s.fault.lock().unwrap();
            match fault {
                Fault::BlackHole if !s.stop.load(Ordering::Relaxed) => std::thread::sleep(Duration::from_millis(20)),
                Fault::Latency(d) => {
                    std::thread::sleep(d);
                    break;
                }
                _ => break,
            }
        }
        if conn.reset.load(Ordering::Relaxed) {
            rst(&from, &to);
            return;
        }
        if conn.half_open.load(Ordering::Relaxed) {
            continue;
        }
        if to.write_all(&buf[..n]).is_err() {
            let _ = from.shutdown(Shutdown::Both);
            return;
        }
    }
}
