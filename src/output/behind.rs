//! A buffered file writer that, once a file has grown large, hands its full buffers to a
//! thread of its own, so that copying them into the operating system's cache (the `write`
//! calls, about a third of writing a large `scores.parquet`) runs while the next ones are
//! encoded. A small file is written on the caller's thread, as a plain buffered writer does:
//! starting a thread would cost more than it saves.
//!
//! The bytes reach the file in the order written; a failed write is returned by a later
//! `write` or by `finish`, so a file either is complete or its writing fails.

use std::io::{self, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

/// Bytes gathered before a `write` to the file.
const CHUNK: usize = 1 << 20;
/// Bytes written on the caller's thread before the writer thread starts.
const ALONE: u64 = 8 << 20;
/// Full buffers waiting for the writer thread at most (memory held: `DEPTH + 2` chunks).
const DEPTH: usize = 3;

/// The writer thread, its queue of full buffers and the emptied ones it gives back.
struct Worker<W> {
    full: SyncSender<Vec<u8>>,
    empty: Receiver<Vec<u8>>,
    handle: JoinHandle<io::Result<W>>,
}

pub struct Behind<W: Write + Send + 'static> {
    buffer: Vec<u8>,
    /// The file, while it is written on the caller's thread.
    inner: Option<W>,
    worker: Option<Worker<W>>,
    written: u64,
}

impl<W: Write + Send + 'static> Behind<W> {
    pub fn new(inner: W) -> Self {
        Behind {
            buffer: Vec::with_capacity(CHUNK),
            inner: Some(inner),
            worker: None,
            written: 0,
        }
    }

    /// Writes out the full buffer: on this thread while the file is small, then to the
    /// writer thread.
    fn drain(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        self.written += self.buffer.len() as u64;
        if let Some(inner) = self.inner.as_mut() {
            inner.write_all(&self.buffer)?;
            self.buffer.clear();
            if self.written >= ALONE {
                let inner = self.inner.take().expect("checked above");
                self.worker = Some(start(inner));
            }
            return Ok(());
        }
        let Some(worker) = self.worker.as_mut() else {
            // An earlier write failed, and its error was returned then: nothing more is
            // written.
            self.buffer.clear();
            return Err(failed_before());
        };
        // An emptied buffer if one is back, else a new one (at most DEPTH + 2 exist).
        let next = worker
            .empty
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(CHUNK));
        let full = std::mem::replace(&mut self.buffer, next);
        if worker.full.send(full).is_err() {
            // The thread stopped on an error: `finish` returns it.
            return Err(self.stop().err().unwrap_or_else(|| {
                io::Error::other("the file's writer thread stopped without an error")
            }));
        }
        Ok(())
    }

    /// Waits for the writer thread and takes the file back.
    fn stop(&mut self) -> io::Result<()> {
        if let Some(worker) = self.worker.take() {
            drop(worker.full);
            let inner = worker
                .handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            self.inner = Some(inner);
        }
        Ok(())
    }

    /// Writes what is left and returns the file, every byte handed to it.
    pub fn finish(mut self) -> io::Result<W> {
        self.drain()?;
        self.stop()?;
        let mut inner = self.inner.take().ok_or_else(failed_before)?;
        inner.flush()?;
        Ok(inner)
    }
}

fn failed_before() -> io::Error {
    io::Error::other("an earlier write to this file failed")
}

fn start<W: Write + Send + 'static>(mut inner: W) -> Worker<W> {
    let (full, to_write) = sync_channel::<Vec<u8>>(DEPTH);
    let (give_back, empty) = sync_channel::<Vec<u8>>(DEPTH + 2);
    let handle = std::thread::spawn(move || {
        for mut buffer in to_write {
            inner.write_all(&buffer)?;
            buffer.clear();
            // Dropped instead when the writer has enough spare buffers.
            let _ = give_back.try_send(buffer);
        }
        Ok(inner)
    });
    Worker {
        full,
        empty,
        handle,
    }
}

impl<W: Write + Send + 'static> Drop for Behind<W> {
    /// Abandoned unfinished (its body failed): the thread ends before the file is removed.
    fn drop(&mut self) {
        if let Some(worker) = self.worker.take() {
            drop(worker.full);
            let _ = worker.handle.join();
        }
    }
}

impl<W: Write + Send + 'static> Write for Behind<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.buffer.len() + buf.len() > CHUNK {
            self.drain()?;
        }
        if buf.len() >= CHUNK {
            // A large piece goes out whole, after what was before it.
            self.buffer.extend_from_slice(buf);
            self.drain()?;
        } else {
            self.buffer.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    /// Hands the buffer on; the bytes are in the file only after `finish`.
    fn flush(&mut self) -> io::Result<()> {
        self.drain()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A file in memory that fails once `limit` bytes are written.
    #[derive(Clone, Debug)]
    struct Shared(Arc<Mutex<Vec<u8>>>, usize);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let mut v = self.0.lock().unwrap();
            if v.len() + buf.len() > self.1 {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "full"));
            }
            v.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Pieces of every size, small and larger than a chunk, with a byte pattern that shows
    /// any reordering.
    fn pieces() -> Vec<Vec<u8>> {
        let mut state = 7u64;
        (0..400)
            .map(|k| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let len = match k % 7 {
                    0 => CHUNK + (state >> 50) as usize,
                    1 => 0,
                    _ => (state >> 44) as usize % 70_000,
                };
                (0..len).map(|i| (i as u64 ^ k) as u8).collect()
            })
            .collect()
    }

    #[test]
    fn bytes_arrive_whole_and_in_order_past_the_thread_start() {
        let file = Shared(Arc::default(), usize::MAX);
        let mut w = Behind::new(file.clone());
        let mut expected = Vec::new();
        for p in pieces() {
            w.write_all(&p).unwrap();
            expected.extend_from_slice(&p);
        }
        assert!(
            expected.len() as u64 > 3 * ALONE,
            "the thread must have started"
        );
        w.finish().unwrap();
        assert!(*file.0.lock().unwrap() == expected);
    }

    #[test]
    fn a_failed_write_on_the_thread_is_returned() {
        // Fails well after the thread took over.
        let file = Shared(Arc::default(), (ALONE as usize) * 2);
        let mut w = Behind::new(file.clone());
        let mut failed = None;
        for p in pieces() {
            if let Err(e) = w.write_all(&p) {
                failed = Some(e);
                break;
            }
        }
        // The file takes a third of the bytes: the error is back well before the last piece.
        let error = failed.expect("a write fails before the end");
        assert_eq!(error.kind(), io::ErrorKind::StorageFull);
        assert!(file.0.lock().unwrap().len() <= (ALONE as usize) * 2);
        // A writer that goes on writing after the error (as csv's does when it is dropped)
        // gets errors, not a panic, and nothing more reaches the file.
        let before = file.0.lock().unwrap().len();
        for p in pieces().iter().take(20) {
            let _ = w.write_all(p);
        }
        assert!(w.flush().is_err());
        assert!(w.finish().is_err());
        assert_eq!(file.0.lock().unwrap().len(), before);
    }

    #[test]
    fn a_small_file_is_written_without_a_thread() {
        let file = Shared(Arc::default(), usize::MAX);
        let mut w = Behind::new(file.clone());
        for _ in 0..3000 {
            w.write_all(&[1u8; 1000]).unwrap();
        }
        assert!(w.worker.is_none());
        let written = file.0.lock().unwrap().len();
        assert!(
            written >= 2 * (CHUNK - 1000),
            "full buffers go out as they fill: {written}"
        );
        assert_eq!(written + w.buffer.len(), 3_000_000);
        w.finish().unwrap();
        assert_eq!(file.0.lock().unwrap().len(), 3_000_000);
    }
}
