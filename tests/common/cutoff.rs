//! A loopback TCP relay that dies part way: it passes bytes both ways until the server has
//! sent `budget` bytes in all, then drops every connection and refuses new ones, as a server
//! that dies mid-answer does. It counts what it relayed, so a test can size the budget.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

pub struct Cutoff {
    pub addr: String,
    relayed: Arc<AtomicUsize>,
    dead: Arc<AtomicBool>,
}

impl Cutoff {
    /// Relays to `target` (`host:port`) until it has sent `budget` bytes back.
    pub fn start(target: &str, budget: usize) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let relayed = Arc::new(AtomicUsize::new(0));
        let dead = Arc::new(AtomicBool::new(false));
        let (r, d, target) = (Arc::clone(&relayed), Arc::clone(&dead), target.to_owned());
        thread::spawn(move || {
            while !d.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((client, _)) => {
                        client.set_nonblocking(false).unwrap();
                        let server = TcpStream::connect(&target).unwrap();
                        pump(
                            client.try_clone().unwrap(),
                            server.try_clone().unwrap(),
                            None,
                            &d,
                        );
                        pump(server, client, Some((Arc::clone(&r), budget)), &d);
                    }
                    Err(_) => thread::sleep(Duration::from_millis(2)),
                }
            }
            // The listener goes with this thread: new connections are refused.
        });
        Self {
            addr,
            relayed,
            dead,
        }
    }

    /// Bytes the server sent back through it.
    pub fn relayed(&self) -> usize {
        self.relayed.load(Ordering::SeqCst)
    }

    pub fn died(&self) -> bool {
        self.dead.load(Ordering::SeqCst)
    }
}

fn pump(
    mut from: TcpStream,
    mut to: TcpStream,
    counted: Option<(Arc<AtomicUsize>, usize)>,
    dead: &Arc<AtomicBool>,
) {
    let dead = Arc::clone(dead);
    thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let mut n = n;
            if let Some((total, budget)) = &counted {
                let before = total.fetch_add(n, Ordering::SeqCst);
                if before + n >= *budget {
                    n = budget.saturating_sub(before);
                    dead.store(true, Ordering::SeqCst);
                }
            }
            if to.write_all(&buf[..n]).is_err() || dead.load(Ordering::SeqCst) {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Both);
        let _ = from.shutdown(Shutdown::Both);
    });
}
