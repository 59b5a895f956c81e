//! The lab of the API tests: a real server on an ephemeral loopback port, on synthetic
//! MNIST-shaped data (no download), writing into a fresh directory, and an HTTP client for it.
#![allow(dead_code)] // each test file uses its own subset

use scratchnet_experiments::datasets::DatasetKind;
use scratchnet_experiments::{DataSource, LoadedData};
use scratchnet_lab::{Lab, LabOptions, Limits};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// A lab on synthetic data writing into a fresh directory.
pub struct TestLab {
    pub lab: Lab,
    pub results: tempfile::TempDir,
    pub agent: ureq::Agent,
}

impl TestLab {
    /// A lab with the default options.
    pub fn with_defaults() -> Self {
        Self::configured(|_| {})
    }

    /// A lab queueing at most `queue_limit` runs.
    pub fn start(queue_limit: usize) -> Self {
        Self::start_with(queue_limit, Limits::default())
    }

    /// A lab queueing at most `queue_limit` runs, with the connection `limits`.
    pub fn start_with(queue_limit: usize, limits: Limits) -> Self {
        Self::configured(|options| {
            options.queue_limit = queue_limit;
            options.limits = limits;
        })
    }

    /// A lab whose options `adjust` changes from the defaults (port and data are the test's).
    fn configured(adjust: impl FnOnce(&mut LabOptions)) -> Self {
        let results = tempfile::tempdir().unwrap();
        let source = DataSource::new(results.path(), DatasetKind::Mnist, None, vec![]);
        let mut options = LabOptions::new(results.path().to_path_buf(), source);
        options.port = 0;
        adjust(&mut options);
        options.preloaded = Some(Arc::new(LoadedData::synthetic(600, 200, 7)));
        let lab = Lab::start(options).expect("the lab starts");
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Self {
            lab,
            results,
            agent,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.lab.address().port())
    }

    pub fn get(&self, path: &str) -> (u16, Value) {
        self.get_in(path, None)
    }

    /// `GET path` with `Accept-Language: accept_language` when given.
    pub fn get_in(&self, path: &str, accept_language: Option<&str>) -> (u16, Value) {
        let mut request = self.agent.get(&self.url(path));
        if let Some(languages) = accept_language {
            request = request.header("Accept-Language", languages);
        }
        read_json(request.call().expect("a response"))
    }

    pub fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let response = self
            .agent
            .post(&self.url(path))
            .header("Content-Type", "application/json")
            .send(body.to_string())
            .expect("a response");
        read_json(response)
    }

    pub fn delete(&self, path: &str) -> (u16, Value) {
        let response = self
            .agent
            .delete(&self.url(path))
            .call()
            .expect("a response");
        read_json(response)
    }
}

/// A response's status and JSON body; panics, showing the body, when it is not JSON.
pub fn read_json(mut response: ureq::http::Response<ureq::Body>) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().expect("a body");
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("not JSON (status {status}): {text:?}"));
    (status, body)
}
