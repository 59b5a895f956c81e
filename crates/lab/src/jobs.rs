//! The lab's shared state and its one worker: runs and experiments execute one at a time (each
//! already uses every core), in a bounded queue.

use crate::Limits;
use crate::data::DataCache;
use crate::experiments::ExperimentSlot;
use crate::runs::{RunSlot, RunState, SlotObserver};
use scratchnet_experiments::messages::Lang;
use scratchnet_experiments::{ExperimentName, ResultsDir, RunRequest};
use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

/// Work waiting for the worker.
pub enum Job {
    /// A training run.
    Run(Arc<RunSlot>),
    /// A chapter-6 experiment.
    Experiment(Arc<ExperimentSlot>),
}

/// Every run and experiment of this session, and the queue.
#[derive(Default)]
pub struct Registry {
    /// Runs started here, by name.
    pub runs: BTreeMap<String, Arc<RunSlot>>,
    /// Experiments started here, by name.
    pub experiments: BTreeMap<&'static str, Arc<ExperimentSlot>>,
    /// Jobs not started yet, oldest first.
    pub queue: VecDeque<Job>,
    /// Runs whose network is kept for Predict, least recently used first.
    kept: VecDeque<Arc<RunSlot>>,
}

impl Registry {
    /// Keeps `slot`'s network as the most recently used, dropping the least recently used
    /// networks beyond `limit`.
    pub fn keep_network(&mut self, slot: &Arc<RunSlot>, limit: usize) {
        self.kept.retain(|kept| !Arc::ptr_eq(kept, slot));
        self.kept.push_back(Arc::clone(slot));
        while self.kept.len() > limit {
            if let Some(oldest) = self.kept.pop_front() {
                oldest.drop_network();
            }
        }
    }
}

/// What the handlers and the worker share.
pub struct Shared {
    /// Where runs write.
    pub results: ResultsDir,
    /// The data sets, loaded once.
    pub data: DataCache,
    /// Runs, experiments, queue.
    registry: Mutex<Registry>,
    /// Wakes the worker.
    work: Condvar,
    /// Most jobs waiting at once.
    pub queue_limit: usize,
    /// Set when the lab shuts down.
    pub closing: AtomicBool,
    /// The source's commit, recorded in each run's summary.
    pub git_commit: Option<String>,
    /// Timeouts and what is kept.
    pub limits: Limits,
}

impl Shared {
    /// State for a lab writing to `results`.
    pub fn new(
        results: ResultsDir,
        data: DataCache,
        queue_limit: usize,
        git_commit: Option<String>,
        limits: Limits,
    ) -> Self {
        Self {
            results,
            data,
            registry: Mutex::new(Registry::default()),
            work: Condvar::new(),
            queue_limit,
            closing: AtomicBool::new(false),
            git_commit,
            limits,
        }
    }

    /// The registry, locked.
    pub fn registry(&self) -> MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether a job would be refused for want of room in the queue.
    pub fn queue_is_full(&self, registry: &Registry) -> bool {
        registry.queue.len() >= self.queue_limit
    }

    /// Queues `job` unless the queue is full; wakes the worker.
    pub fn enqueue(&self, registry: &mut Registry, job: Job) -> Result<(), usize> {
        if self.queue_is_full(registry) {
            return Err(self.queue_limit);
        }
        registry.queue.push_back(job);
        self.work.notify_all();
        Ok(())
    }

    /// The directory of an experiment's files.
    pub fn experiment_dir(&self, name: ExperimentName) -> PathBuf {
        self.results.path().join(name.slug())
    }

    /// Stops the worker after its current job, which is asked to stop at its next boundary.
    pub fn close(&self) {
        self.closing.store(true, Ordering::SeqCst);
        let registry = self.registry();
        for slot in registry.runs.values() {
            slot.stop.store(true, Ordering::SeqCst);
        }
        for slot in registry.experiments.values() {
            slot.stop.store(true, Ordering::SeqCst);
        }
        self.work.notify_all();
    }

    /// The next job, waiting for one; `None` once the lab closes.
    fn next_job(&self) -> Option<Job> {
        let mut registry = self.registry();
        loop {
            if self.closing.load(Ordering::SeqCst) {
                return None;
            }
            if let Some(job) = registry.queue.pop_front() {
                return Some(job);
            }
            registry = self
                .work
                .wait(registry)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// The worker's loop: one job after another until the lab closes.
pub fn work(shared: &Shared) {
    while let Some(job) = shared.next_job() {
        match job {
            Job::Run(slot) => run(shared, &slot),
            Job::Experiment(slot) => experiment(shared, &slot),
        }
    }
}

fn run(shared: &Shared, slot: &Arc<RunSlot>) {
    if slot.stop.load(Ordering::SeqCst) {
        return; // stopped while queued: already marked
    }
    slot.start();
    let data = match shared.data.get(slot.config.dataset) {
        Ok(data) => data,
        Err(error) => return slot.fail(RunState::Failed, Some(error.to_string()), &shared.results),
    };
    let request = RunRequest {
        config: slot.config.clone(),
        name: Some(slot.name.clone()),
        save: None,
        command: vec!["cargo xtask lab".into()],
        git_commit: shared.git_commit.clone(),
        // The file is English; the lab draws the figure it serves in the page's language.
        lang: Lang::En,
    };
    let outcome = shared
        .results
        .prepare(request)
        .and_then(|prepared| prepared.train(&data, &mut SlotObserver(slot), &slot.stop));
    match outcome {
        Ok(outcome) => {
            // Registered before the end is announced, so a client told `done` can predict.
            let mut registry = shared.registry();
            if slot.finish(outcome, &shared.results) {
                registry.keep_network(slot, shared.limits.kept_networks);
            }
        }
        Err(error) => slot.fail(RunState::Failed, Some(error.to_string()), &shared.results),
    }
}

fn experiment(shared: &Shared, slot: &ExperimentSlot) {
    let data = || {
        shared
            .data
            .get(scratchnet_experiments::datasets::DatasetKind::Mnist)
    };
    slot.run(data, &shared.experiment_dir(slot.name));
}
