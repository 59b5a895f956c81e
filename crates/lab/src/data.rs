//! The data the lab trains on, loaded once per data set and kept: every run after the first
//! starts at once.

use scratchnet_experiments::datasets::{DatasetKind, FetchEvent, FetchObserver};
use scratchnet_experiments::{DataError, DataSource, LoadedData};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Loaded data sets, by kind, and where to get the others.
pub(crate) struct DataCache {
    /// MNIST's source; other data sets are cached beside it (`datasets/<slug>`).
    source: DataSource,
    loaded: Mutex<HashMap<DatasetKind, Arc<LoadedData>>>,
}

impl DataCache {
    /// A cache for `source`, already holding `preloaded` (if any) for its data set.
    pub(crate) fn new(source: DataSource, preloaded: Option<Arc<LoadedData>>) -> Self {
        let loaded = preloaded
            .map(|data| (data.kind, data))
            .into_iter()
            .collect();
        Self {
            source,
            loaded: Mutex::new(loaded),
        }
    }

    /// The data set `kind` with every training image, loading (and fetching) it the first time.
    pub(crate) fn get(&self, kind: DatasetKind) -> Result<Arc<LoadedData>, DataError> {
        let mut loaded = self.loaded.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(data) = loaded.get(&kind) {
            return Ok(Arc::clone(data));
        }
        let source = self.source_for(kind);
        eprintln!("lab: loading {kind} from {}", source.dir.display());
        let data = Arc::new(source.load(usize::MAX, &mut LogLines)?);
        loaded.insert(kind, Arc::clone(&data));
        Ok(data)
    }

    fn source_for(&self, kind: DatasetKind) -> DataSource {
        if kind == self.source.dataset {
            return self.source.clone();
        }
        let dir = match self.source.dir.parent() {
            Some(parent) => parent.join(kind.slug()),
            None => kind.slug().into(),
        };
        DataSource {
            dataset: kind,
            dir,
            mirrors: self.source.mirrors.clone(),
        }
    }
}

/// Download progress as log lines on the server's terminal.
struct LogLines;

impl FetchObserver for LogLines {
    fn on_event(&mut self, event: &FetchEvent<'_>) {
        match event {
            FetchEvent::Trying { file, source } => {
                eprintln!("lab: {}: fetching from {source}", file.name)
            }
            FetchEvent::Installed { file, .. } => eprintln!("lab: {}: verified", file.name),
            FetchEvent::SourceFailed { file, failure } => {
                eprintln!("lab: {}: {failure}", file.name)
            }
            _ => {}
        }
    }
}
