//! One request per question: concurrent identical reads share one HTTP request
//! and its answer. Single-threaded (wasm and the native tests), so plain
//! `Rc<RefCell<…>>` and wakers suffice.

use crate::core::error::Error;
use crate::core::hash::FastMap;
use crate::core::http::HttpResponse;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

type Answer = Result<HttpResponse, Error>;

#[derive(Default)]
struct Slot {
    answer: Option<Answer>,
    waiters: Vec<Waker>,
}

/// The reads under way, by URL.
#[derive(Default)]
pub struct InFlight {
    slots: RefCell<FastMap<String, Rc<RefCell<Slot>>>>,
}

/// What a caller of [`InFlight::join`] does next.
enum Turn {
    /// Nobody asks this yet: send the request, then [`InFlight::finish`] it.
    Lead,
    /// The same read is under way: await its answer.
    Follow(Follower),
}

impl InFlight {
    /// Joins the read of `key`, or becomes the one that sends it.
    fn join(&self, key: &str) -> Turn {
        let mut slots = self.slots.borrow_mut();
        match slots.get(key) {
            Some(slot) => Turn::Follow(Follower { slot: slot.clone() }),
            None => {
                slots.insert(key.to_string(), Rc::new(RefCell::new(Slot::default())));
                Turn::Lead
            }
        }
    }

    /// Answers `key` through `send` if no identical call is under way, else
    /// waits for that call's answer. The sender's answer reaches every waiter,
    /// and a sender dropped mid-way (a cancelled call) answers them `Aborted`.
    pub async fn share(&self, key: &str, send: impl Future<Output = Answer>) -> Answer {
        match self.join(key) {
            Turn::Follow(answer) => answer.await,
            Turn::Lead => {
                let mut guard = LeadGuard {
                    inflight: self,
                    key,
                    done: false,
                };
                let answer = send.await;
                self.finish(key, &answer);
                guard.done = true;
                answer
            }
        }
    }

    /// Hands the leader's answer to every follower and closes the read. A read
    /// nobody followed (the map held the only other reference) keeps no copy:
    /// a 600 KB batch answer is not copied for no one.
    fn finish(&self, key: &str, answer: &Answer) {
        let slot = self.slots.borrow_mut().remove(key);
        if let Some(slot) = slot.filter(|slot| Rc::strong_count(slot) > 1) {
            let waiters = {
                let mut slot = slot.borrow_mut();
                slot.answer = Some(answer.clone());
                std::mem::take(&mut slot.waiters)
            };
            for waker in waiters {
                waker.wake();
            }
        }
    }
}

/// Waits for another caller's answer to the same read.
struct Follower {
    slot: Rc<RefCell<Slot>>,
}

impl Future for Follower {
    type Output = Answer;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Answer> {
        let mut slot = self.slot.borrow_mut();
        match &slot.answer {
            Some(answer) => Poll::Ready(answer.clone()),
            None => {
                slot.waiters.push(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// Closes a read when its leader is dropped before finishing (a cancelled call),
/// so followers are not left waiting.
struct LeadGuard<'a> {
    inflight: &'a InFlight,
    key: &'a str,
    done: bool,
}

impl Drop for LeadGuard<'_> {
    fn drop(&mut self) {
        if !self.done {
            let gone = Err(Error::new(
                crate::core::error::ErrorCode::Aborted,
                "the shared request was cancelled",
            ));
            self.inflight.finish(self.key, &gone);
        }
    }
}
