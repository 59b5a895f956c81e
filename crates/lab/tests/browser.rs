//! End to end: the lab's page in Debian's Chromium, driven through WebDriver (chromedriver), on
//! a lab started in-process with a temporary results directory and real MNIST.
//!
//! The scenario a learner would follow: set dropout 0.2 and 31 epochs, run, watch it finish and
//! check the final accuracies against the CSV; run it again without dropout and overlay the two;
//! run the book's overfitting experiment, then get figure 6-23 in one click; start a long run and
//! stop it; draw a digit and get every network's ten probabilities; switch to Japanese. A PNG of each state lands in `target/lab-screenshots/`
//! (`04-mid-run.png` is the README's `docs/lab.png`).
//!
//! `cargo test -p scratchnet-lab --test browser -- --ignored` (needs `apt-get install chromium
//! chromium-driver fonts-noto-cjk`, and MNIST in `$SCRATCHNET_TEST_MNIST` or
//! `../shared/data/mnist`). Without them it fails, saying what is missing.

use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use scratchnet_experiments::DataSource;
use scratchnet_experiments::datasets::DatasetKind;
use scratchnet_lab::{Lab, LabOptions};
use serde_json::{Value, json};
use std::net::{Ipv4Addr, TcpListener};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const NEEDS: &str = "needs Debian's chromium and chromium-driver, and MNIST (SCRATCHNET_TEST_MNIST or ../shared/data/mnist)";

/// How long the page may take to reach a state. Generous: these are not timing assertions, only
/// a bound so that a broken page fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(300);

/// The long run that is stopped: 301 epochs, each over 10,000 images, so that it is still
/// running when Stop is pressed.
const LONG_RUN_TRAIN_SIZE: &str = "10000";

#[test]
#[ignore = "needs Debian's chromium and chromium-driver, and MNIST (SCRATCHNET_TEST_MNIST or ../shared/data/mnist)"]
fn a_learner_trains_compares_stops_predicts_and_reads_japanese() {
    let tools = BrowserTools::find();
    let mnist = mnist_dir();
    let results = tempfile::tempdir().expect("a temporary results directory");
    let screenshots = screenshot_dir();

    let data = DataSource::new(&workspace_root(), DatasetKind::Mnist, Some(mnist), vec![]);
    let mut options = LabOptions::new(results.path().to_path_buf(), data);
    options.port = 0;
    let lab = Lab::start(options).expect("the lab starts on an ephemeral port");

    let profile = tempfile::tempdir().expect("a temporary Chromium profile");
    let driver = Chromedriver::spawn(&tools, &screenshots);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let client = driver.connect(&tools, profile.path()).await;
        let page = Page {
            client: client.clone(),
            shots: screenshots.clone(),
            step: std::cell::Cell::new("opening the page"),
        };
        // The browser is closed whatever happens; then a failure is reported as it was.
        let outcome = AssertUnwindSafe(scenario(&page, &lab.url(), results.path()))
            .catch_unwind()
            .await;
        if let Err(error) = client.close().await {
            eprintln!("closing the browser: {error}");
        }
        if let Err(panic) = outcome {
            // The failure names the step it happened in.
            let detail = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|text| text.to_string()))
                .unwrap_or_default();
            panic!("step \"{}\" failed: {detail}", page.step.get());
        }
    });
    drop(driver);
    lab.shutdown();
}

async fn scenario(page: &Page, url: &str, results: &Path) {
    page.step("the page opens with the API's defaults");
    page.set_viewport(1280, 800).await;
    page.client.goto(url).await.expect("the page opens");
    page.wait_until("the form shows the defaults of the API", || async move {
        page.value("#option-epochs").await == "301"
    })
    .await;
    assert_eq!(
        page.script("return document.documentElement.lang").await,
        json!("en")
    );
    page.screenshot("01-page").await;

    page.step("the run button is in view at 1280 × 900");
    page.set_viewport(1280, 900).await;
    page.scroll_to("body").await;
    let in_view = page
        .script("const r = document.querySelector('#run-button').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight;")
        .await;
    assert_eq!(in_view, json!(true), "the Run button is below the fold");
    page.set_viewport(1280, 800).await;

    page.step("tick labels print their values exactly");
    let exact = page
        .script_async(
            "const done = arguments[arguments.length - 1];
             import('/js/charts.js').then((charts) => {
               const bad = [];
               for (let count = 3; count <= 12; count += 1) {
                 for (const max of [1, 2.3, 301]) {
                   const ticks = charts.niceTicks(0, max, count);
                   const decimals = charts.tickDecimals(ticks);
                   for (const tick of ticks) if (Number(tick.toFixed(decimals)) !== tick) bad.push(tick);
                 }
               }
               done(bad);
             });",
        )
        .await;
    assert_eq!(exact, json!([]), "ticks whose label is not their value");

    page.step("an invalid value shows the server's message, then clears");
    // An invalid value shows the server's own one-line message under its field.
    page.fill("#option-dropout", "1.5").await;
    page.wait_until(
        "the dropout field shows the server's message",
        || async move {
            page.text("#error-dropout")
                .await
                .contains("the dropout ratio must be in [0, 1)")
        },
    )
    .await;
    page.script("document.querySelector('#option-dropout').scrollIntoView({block: 'center', behavior: 'instant'})").await;
    page.screenshot("01b-invalid-option").await;
    // Run with the bad value: the form says so; fixed, the complaint goes.
    page.click("#run-button").await;
    page.wait_until("the run is refused as invalid", || async move {
        page.attr("#run-message", "data-kind").await == "error"
    })
    .await;
    page.fill("#option-dropout", "0.2").await;
    page.wait_until("the form's complaint clears once fixed", || async move {
        page.text("#run-message").await.is_empty() && page.text("#error-dropout").await.is_empty()
    })
    .await;

    page.step("a run with dropout 0.2 finishes with the CSV's accuracies");
    // 1. Dropout 0.2, 31 epochs: run it and watch it finish.
    let first = "dropout0.2-e31-seed0";
    page.fill("#option-dropout", "0.2").await;
    page.fill("#option-epochs", "31").await;
    page.click("#run-button").await;
    page.wait_for_finished_run(first, "completed", 31).await;
    page.screenshot("02-first-run").await;

    let csv = results.join(format!("{first}.csv"));
    let (train, test) = last_accuracies(&csv);
    assert_eq!(
        page.text("#final-train-acc").await,
        format!("{train:.4}"),
        "final train accuracy of {}",
        csv.display()
    );
    assert_eq!(
        page.text("#final-test-acc").await,
        format!("{test:.4}"),
        "final test accuracy of {}",
        csv.display()
    );

    page.step("a run without dropout, then both overlaid");
    // 2. The same without dropout, then both overlaid.
    let second = "nodropout-e31-seed0";
    page.fill("#option-dropout", "0").await;
    page.click("#run-button").await;
    page.wait_for_finished_run(second, "completed", 31).await;

    for name in [first, second] {
        let checkbox = &format!("input[type=checkbox][data-run=\"{name}\"]");
        page.wait_until(
            &format!("run {name} is listed in the Runs section"),
            || async move { page.client.find(Locator::Css(checkbox)).await.is_ok() },
        )
        .await;
        page.click(checkbox).await;
    }
    page.wait_until("the overlay chart draws both runs", || async move {
        let runs = page.attr("#overlay-chart", "data-runs").await;
        let names: Vec<&str> = runs.split(',').collect();
        names.contains(&first) && names.contains(&second)
    })
    .await;
    page.scroll_to("#runs").await;
    page.screenshot("03-overlay").await;

    // Each listed run links its three files.
    for kind in ["csv", "json", "svg"] {
        let link = page
            .attr(
                &format!("tr[data-run-row=\"{first}\"] a[download=\"{first}.{kind}\"]"),
                "href",
            )
            .await;
        let file = format!("{}{}", url.trim_end_matches('/'), link);
        let response = ureq::get(&file)
            .call()
            .unwrap_or_else(|error| panic!("downloading {file}: {error}"));
        assert_eq!(response.status(), 200, "{file}");
    }

    page.step("the book's overfitting run");
    // 3. The book's overfitting experiment (§6.4.1: 300 images, 301 epochs, no dropout), caught
    // half drawn: the README's picture. On a fast machine it may be over before the shot; that
    // is fine for a picture.
    let nodropout = "nodropout-seed0";
    page.fill("#option-epochs", "301").await;
    page.click("#run-button").await;
    page.wait_until(
        "the book's run has drawn half of its epochs",
        || async move {
            page.text("#live-run-name").await == nodropout
                && (page.epochs_drawn().await >= 150
                    || page.attr("#run-state", "data-state").await == "completed")
        },
    )
    .await;
    page.scroll_to("body").await;
    page.hover_chart_at_latest_epoch().await;
    page.screenshot("04-mid-run").await;
    page.wait_for_finished_run(nodropout, "completed", 301)
        .await;

    page.step("figure 6-23 in one click");
    // 4. Figure 6-23 in one click: the run with dropout 0.2 is missing, so it starts (and the
    // live panel follows it); both are overlaid.
    let book = "dropout0.2-seed0";
    page.click("#preset-fig-6-23").await;
    page.wait_for_finished_run(book, "completed", 301).await;
    page.wait_until("the overlay shows figure 6-23 whole", || async move {
        page.attr("#overlay-chart", "data-runs").await == format!("{nodropout},{book}")
            && page.attr("#overlay-chart", "data-epochs").await == "301,301"
    })
    .await;
    page.scroll_to("#overlay-title").await;
    page.screenshot("05-fig-6-23").await;

    page.step("a long run, stopped");
    // 5. A long run (301 epochs of 10,000 images), stopped after a few epochs.
    page.fill("#option-train_size", LONG_RUN_TRAIN_SIZE).await;
    page.fill("#option-dropout", "0.2").await;
    let long = &format!("dropout0.2-n{LONG_RUN_TRAIN_SIZE}-seed0");
    page.click("#run-button").await;
    page.wait_until("the long run has drawn a few epochs", || async move {
        page.text("#live-run-name").await == *long && page.epochs_drawn().await >= 3
    })
    .await;
    page.scroll_to("body").await;
    page.screenshot("06-long-run").await;
    let drawn = page.epochs_drawn().await;
    assert!(
        drawn < 301,
        "the long run finished before Stop could be pressed ({drawn} epochs drawn)"
    );
    page.click("#stop-button").await;
    page.wait_for_finished_run(long, "interrupted", 0).await;
    page.wait_until(
        "the stop message gives way to how the run ended",
        || async move {
            let message = page.text("#live-message").await;
            !message.contains("end of this epoch") && !message.is_empty()
        },
    )
    .await;
    page.screenshot("07-stopped").await;
    let lines = std::fs::read_to_string(results.join(format!("{long}.csv")))
        .expect("the stopped run's CSV")
        .lines()
        .count();
    assert!(
        (2..302).contains(&lines),
        "the stopped run's CSV has {lines} lines, expected a header and fewer than 301 epochs"
    );

    page.step("a drawn digit, then a test image, predicted");
    // 6. A digit drawn with the mouse: every finished run gives ten probabilities.
    page.scroll_to("#predict").await;
    page.draw_seven().await;
    page.click("#predict-button").await;
    let finished = [first, second, book, nodropout, long.as_str()];
    page.wait_until("every finished run predicts the drawing", || async move {
        let shown = page.prediction_runs().await;
        finished
            .iter()
            .all(|name| shown.iter().any(|run| run == name))
    })
    .await;
    page.check_predictions(&finished).await;
    page.screenshot("08-predict-drawing").await;

    // A random test image, with its label.
    page.click("#random-image-button").await;
    page.wait_until(
        "a random test image is predicted and its label shown",
        || async move {
            page.text("#image-source").await.contains("label")
                && page.count("#predictions .tag").await == finished.len()
        },
    )
    .await;
    page.check_predictions(&finished).await;
    page.screenshot("09-predict-test-image").await;

    page.step("a quick experiment shows its figure and verdict");
    // 7. An experiment, quick: its progress, then its figure and verdict.
    page.click("#experiment-dropout [data-action=quick]").await;
    page.wait_until("the dropout experiment shows its figure and verdict", || async move {
        !page.text("#experiment-dropout .verdict").await.is_empty()
            && page
                .script("const img = document.querySelector('#experiment-dropout img'); return img.complete && img.naturalWidth > 0;")
                .await
                == json!(true)
    })
    .await;
    assert_eq!(
        page.attr("#experiment-dropout .state-badge", "data-state")
            .await,
        "completed"
    );
    page.scroll_to("#experiment-dropout").await;
    page.screenshot("10-experiment").await;

    page.step("an experiment the page was not written for runs from the catalog alone");
    // 7b. The ensemble (§6.4.3) has no card in the page's own texts: its title, description
    // and sizes come from GET /api/experiments.
    assert_eq!(
        page.text("#experiment-dropout-ensemble .experiment-title")
            .await,
        "Dropout as an ensemble"
    );
    assert!(
        page.text("#experiment-dropout-ensemble .experiment-size")
            .await
            .contains("masks")
    );
    page.click("#experiment-dropout-ensemble [data-action=quick]")
        .await;
    page.wait_until("the ensemble shows its figure and verdict", || async move {
        !page.text("#experiment-dropout-ensemble .verdict").await.is_empty()
            && page
                .script("const img = document.querySelector('#experiment-dropout-ensemble img'); return img.complete && img.naturalWidth > 0;")
                .await
                == json!(true)
    })
    .await;

    page.step("the page in Japanese");
    // 8. Japanese, without reloading.
    page.click("#lang-switch").await;
    // The switch loads the Japanese texts and options before it relabels the page.
    page.wait_until("the page switches to Japanese", || async move {
        page.script("return document.documentElement.lang").await == json!("ja")
    })
    .await;
    assert_eq!(page.text("#run-button").await, "実行");
    assert_eq!(page.text("#train-title").await, "ネットワークを学習する");
    assert_eq!(page.text("#predict-button").await, "認識する");
    assert_eq!(page.text("#label-dropout").await, "Dropout の比率");
    assert_eq!(
        page.text("#option-dropout_mode option[value=book]").await,
        "book（本書の方式）"
    );
    assert_eq!(page.text("#run-state").await, "中断");
    assert_eq!(page.attr("#run-state", "data-state").await, "interrupted");
    assert_eq!(page.text("#lang-switch").await, "English");
    // A bad value: the server's message, in Japanese.
    page.fill("#option-dropout", "1.5").await;
    page.wait_until(
        "the dropout field shows the server's message in Japanese",
        || async move { page.text("#error-dropout").await.contains("Dropout の比率") },
    )
    .await;
    page.fill("#option-dropout", "0.2").await;
    page.scroll_to("body").await;
    page.screenshot("11-japanese").await;
    page.scroll_to("#runs").await;
    page.screenshot("12-japanese-runs").await;
    page.scroll_to("#experiments").await;
    page.screenshot("13-japanese-experiments").await;

    page.step("nothing from elsewhere, nothing sideways");
    // Everything came from the lab itself: no other origin was contacted.
    let foreign = page
        .script(
            "return performance.getEntriesByType('resource').map(e => e.name)
               .filter(name => !name.startsWith(location.origin));",
        )
        .await;
    assert_eq!(
        foreign,
        json!([]),
        "the page loaded resources from elsewhere"
    );

    // A narrow window: nothing sticks out sideways.
    page.set_viewport(420, 900).await;
    page.scroll_to("body").await;
    let overflow = page
        .script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
        )
        .await;
    page.screenshot("14-narrow").await;
    assert_eq!(
        overflow,
        json!(0),
        "the page is wider than a 420-pixel window"
    );
}

/// The page, through WebDriver, with the checks the scenario needs.
struct Page {
    client: Client,
    shots: PathBuf,
    /// The step of the scenario under way, named in a failure.
    step: std::cell::Cell<&'static str>,
}

impl Page {
    /// Marks the start of a step of the scenario.
    fn step(&self, name: &'static str) {
        eprintln!("step: {name}");
        self.step.set(name);
    }

    /// Sizes the window so that the page itself gets `width` × `height` CSS pixels.
    async fn set_viewport(&self, width: u32, height: u32) {
        let chrome = self
            .script("return [outerWidth - innerWidth, outerHeight - innerHeight]")
            .await;
        let extra = |i: usize| u32::try_from(chrome[i].as_u64().unwrap_or(0)).unwrap_or(0);
        self.client
            .set_window_size(width + extra(0), height + extra(1))
            .await
            .expect("resizing the window");
    }

    async fn find(&self, selector: &str) -> Element {
        self.client
            .find(Locator::Css(selector))
            .await
            .unwrap_or_else(|error| panic!("no element {selector}: {error}"))
    }

    async fn text(&self, selector: &str) -> String {
        match self.client.find(Locator::Css(selector)).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    async fn attr(&self, selector: &str, name: &str) -> String {
        match self.client.find(Locator::Css(selector)).await {
            Ok(element) => element.attr(name).await.ok().flatten().unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    async fn value(&self, selector: &str) -> String {
        match self.client.find(Locator::Css(selector)).await {
            Ok(element) => element
                .prop("value")
                .await
                .ok()
                .flatten()
                .unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    async fn count(&self, selector: &str) -> usize {
        self.client
            .find_all(Locator::Css(selector))
            .await
            .map_or(0, |elements| elements.len())
    }

    async fn script_async(&self, script: &str) -> Value {
        self.client
            .execute_async(script, vec![])
            .await
            .unwrap_or_else(|error| panic!("running {script:?}: {error}"))
    }

    async fn script(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|error| panic!("running {script:?}: {error}"))
    }

    /// Replaces a text field's content as a user would: select all, type.
    async fn fill(&self, selector: &str, text: &str) {
        let input = self.find(selector).await;
        input
            .clear()
            .await
            .unwrap_or_else(|error| panic!("clearing {selector}: {error}"));
        input
            .send_keys(text)
            .await
            .unwrap_or_else(|error| panic!("typing into {selector}: {error}"));
    }

    async fn click(&self, selector: &str) {
        let element = self.find(selector).await;
        // Centred, so that the sticky header never covers what is clicked.
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})",
                vec![json!(element)],
            )
            .await
            .expect("scrolling to an element");
        element
            .click()
            .await
            .unwrap_or_else(|error| panic!("clicking {selector}: {error}"));
    }

    async fn scroll_to(&self, selector: &str) {
        let script = format!(
            "document.querySelector({}).scrollIntoView({{block: 'start', behavior: 'instant'}})",
            json!(selector)
        );
        self.script(&script).await;
        // Let the page settle (fonts, a redraw) before a screenshot.
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("a screenshot");
        let path = self.shots.join(format!("{name}.png"));
        std::fs::write(&path, png)
            .unwrap_or_else(|error| panic!("writing {}: {error}", path.display()));
    }

    /// Polls `ready` until it holds; fails with `what` (and the page's state) after
    /// [`PATIENCE`].
    async fn wait_until<F, Fut>(&self, what: &str, mut ready: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let start = Instant::now();
        while !ready().await {
            if start.elapsed() > PATIENCE {
                self.screenshot("failure").await;
                panic!(
                    "waited {PATIENCE:?} for: {what}\nrun {:?}, state {:?}, epochs drawn {}, message {:?} / {:?}",
                    self.text("#live-run-name").await,
                    self.attr("#run-state", "data-state").await,
                    self.epochs_drawn().await,
                    self.text("#run-message").await,
                    self.text("#live-message").await,
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn epochs_drawn(&self) -> usize {
        self.attr("#live-chart", "data-epochs")
            .await
            .parse()
            .unwrap_or(0)
    }

    /// Waits until the live panel shows run `name` ended in `state` (with `epochs` drawn, unless
    /// 0).
    async fn wait_for_finished_run(&self, name: &str, state: &str, epochs: usize) {
        self.wait_until(
            &format!("run {name} ends {state} in the live panel"),
            || async move {
                self.text("#live-run-name").await == name
                    && self.attr("#run-state", "data-state").await == state
                    && (epochs == 0 || self.epochs_drawn().await == epochs)
            },
        )
        .await;
        // In English, the state is shown as the API names it.
        assert_eq!(self.text("#run-state").await, state);
        if epochs > 0 {
            assert_eq!(
                self.attr("#live-chart", "data-epochs").await,
                epochs.to_string()
            );
        }
    }

    /// Moves the mouse over the live chart's newest epoch, to show its read-out.
    async fn hover_chart_at_latest_epoch(&self) {
        let chart = self.find("#live-chart").await;
        let size = self
            .script(
                "const box = document.querySelector('#live-chart').getBoundingClientRect();
                 const chart = document.querySelector('#live-chart');
                 return [box.width, Number(chart.dataset.epochs), 301];",
            )
            .await;
        let width = size[0].as_f64().unwrap_or(500.0);
        let drawn = size[1].as_f64().unwrap_or(1.0);
        // The plot spans from 54 px to 14 px before the right edge; epoch x sits at x/301 of it.
        let plot = width - 54.0 - 14.0;
        let x = 54.0 + plot * (drawn - 2.0).max(1.0) / 301.0 - width / 2.0;
        let mouse = MouseActions::new("mouse".into()).then(PointerAction::MoveToElement {
            element: chart,
            duration: Some(Duration::from_millis(50)),
            x,
            y: -60.0,
        });
        self.client
            .perform_actions(mouse)
            .await
            .expect("hovering the chart");
    }

    /// A "7" drawn with the mouse: a top bar, then a long diagonal down to the left.
    async fn draw_seven(&self) {
        let canvas = self.find("#draw-canvas").await;
        let to = |x: f64, y: f64| PointerAction::MoveToElement {
            element: canvas.clone(),
            duration: Some(Duration::from_millis(40)),
            x,
            y,
        };
        let mut mouse =
            MouseActions::new("pen".into())
                .then(to(-80.0, -95.0))
                .then(PointerAction::Down {
                    button: MOUSE_BUTTON_LEFT,
                });
        for step in 1..=8 {
            mouse = mouse.then(to(-80.0 + 20.0 * f64::from(step), -95.0));
        }
        for step in 1..=12 {
            let t = f64::from(step) / 12.0;
            mouse = mouse.then(to(80.0 - 100.0 * t, -95.0 + 195.0 * t));
        }
        mouse = mouse.then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
        self.client
            .perform_actions(mouse)
            .await
            .expect("drawing on the canvas");
        let inked = self
            .script(
                "const c = document.querySelector('#draw-canvas');
                 const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                 let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;",
            )
            .await;
        assert!(
            inked.as_u64().unwrap_or(0) > 2000,
            "the drawing left {inked} inked pixels"
        );
    }

    async fn prediction_runs(&self) -> Vec<String> {
        let value = self
            .script("return [...document.querySelectorAll('#predictions [data-run]')].map(e => e.dataset.run)")
            .await;
        serde_json::from_value(value).unwrap_or_default()
    }

    /// Each run shows ten probabilities (bars summing to 1) and the digit it predicts.
    async fn check_predictions(&self, runs: &[&str]) {
        for run in runs {
            let shown = self
                .script(&format!(
                    "const card = document.querySelector('#predictions [data-run=\"{run}\"]');
                     return {{
                       predicted: card.dataset.predicted,
                       bars: card.querySelectorAll('.bar').length,
                       best: card.querySelector('.bar-best').dataset.digit,
                       total: [...card.querySelectorAll('.bar')]
                         .reduce((sum, bar) => sum + parseFloat(bar.querySelector('.bar-fill').style.height), 0),
                     }};"
                ))
                .await;
            let predicted = shown["predicted"].as_str().unwrap_or_default();
            assert!(
                matches!(predicted.parse::<u8>(), Ok(0..=9)),
                "{run} predicts {predicted:?}"
            );
            assert_eq!(shown["bars"], json!(10), "{run} shows ten probabilities");
            assert_eq!(
                shown["best"].as_str(),
                Some(predicted),
                "{run}'s tallest bar is its prediction"
            );
            let total = shown["total"].as_f64().unwrap_or(0.0);
            assert!(
                (total - 100.0).abs() < 0.5,
                "{run}'s probabilities add up to {total}%"
            );
        }
    }
}

/// The final train and test accuracy of a run's CSV (`epoch,train_loss,train_acc,test_acc`).
fn last_accuracies(csv: &Path) -> (f64, f64) {
    let text = std::fs::read_to_string(csv)
        .unwrap_or_else(|error| panic!("reading {}: {error}", csv.display()));
    let last = text.lines().last().expect("a CSV row");
    let fields: Vec<f64> = last
        .split(',')
        .map(|field| {
            field
                .parse()
                .unwrap_or_else(|_| panic!("a number in {last:?}"))
        })
        .collect();
    (fields[2], fields[3])
}

/// Chromium and chromedriver, from Debian's packages (or `$CHROMIUM`, `$CHROMEDRIVER`).
struct BrowserTools {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

impl BrowserTools {
    fn find() -> Self {
        let tool = |variable: &str, default: &str, package: &str| {
            let path =
                std::env::var_os(variable).map_or_else(|| PathBuf::from(default), PathBuf::from);
            assert!(
                path.is_file(),
                "{} not found (set ${variable}, or `apt-get install {package}`): {NEEDS}",
                path.display()
            );
            path
        };
        Self {
            chromium: tool("CHROMIUM", "/usr/bin/chromium", "chromium"),
            chromedriver: tool("CHROMEDRIVER", "/usr/bin/chromedriver", "chromium-driver"),
        }
    }
}

/// A chromedriver child process in its own process group; dropping it ends the group (the
/// driver and any browser it started), even when the test failed.
struct Chromedriver {
    child: Child,
    port: u16,
}

impl Chromedriver {
    fn spawn(tools: &BrowserTools, logs: &Path) -> Self {
        use std::os::unix::process::CommandExt;
        let port = free_port();
        let child = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .arg(format!(
                "--log-path={}",
                logs.join("chromedriver.log").display()
            ))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|error| panic!("starting {}: {error}", tools.chromedriver.display()));
        let driver = Self { child, port };
        let status = format!("http://127.0.0.1:{port}/status");
        let start = Instant::now();
        while ureq::get(&status).call().is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "chromedriver did not answer on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        driver
    }

    async fn connect(&self, tools: &BrowserTools, profile: &Path) -> Client {
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": tools.chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
                    "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
                    "--window-size=1280,800", "--lang=en-US",
                    format!("--user-data-dir={}", profile.display()),
                ],
                "prefs": { "intl.accept_languages": "en-US,en" },
            }
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .unwrap_or_else(|error| panic!("starting Chromium through chromedriver: {error}"))
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // The whole group: chromedriver and the Chromium it may have left behind.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `$SCRATCHNET_TEST_MNIST`, else `../shared/data/mnist` beside the workspace; fails when absent.
fn mnist_dir() -> PathBuf {
    let dir = std::env::var_os("SCRATCHNET_TEST_MNIST").map_or_else(
        || workspace_root().join("../shared/data/mnist"),
        PathBuf::from,
    );
    assert!(
        dir.join("train-images-idx3-ubyte.gz").is_file()
            || dir.join("train-images-idx3-ubyte").is_file(),
        "no MNIST in {}: {NEEDS}",
        dir.display()
    );
    dir
}

/// `target/lab-screenshots/` (`$CARGO_TARGET_DIR` if set), emptied of earlier screenshots.
fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || workspace_root().join("target"),
        |dir| workspace_root().join(dir),
    );
    let dir = target.join("lab-screenshots");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|error| panic!("creating {}: {error}", dir.display()));
    dir
}
