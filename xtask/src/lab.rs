//! `cargo xtask lab`: the chapter-6 experiments as a live web page on this machine.

use crate::run_flags::RuleError;
use crate::signals::StopSignal;
use crate::{Failure, Outcome, git_commit, lang, results_dir, workspace_root};
use scratchnet_experiments::DataSource;
use scratchnet_experiments::datasets::DatasetKind;
use scratchnet_experiments::messages::Message;
use scratchnet_lab::{Lab, LabOptions};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::Duration;

#[derive(clap::Args, Clone, Debug)]
#[command(
    after_help = "Serves one page: a form with every `train` option, the train and test \
curves drawn live as each epoch ends, every run in results/ to overlay and download, the \
chapter-6 experiments, and predictions of a digit you draw — in English or Japanese. Runs write \
the same files as `cargo xtask train`. The page and its API are documented in the README.\n\n\
Ctrl-C stops the server: a run in progress stops at the end of its epoch and is recorded as \
interrupted."
)]
pub struct LabArgs {
    /// Port to listen on (0 = any free port).
    #[arg(long, default_value_t = 7878, value_parser = parse_port)]
    pub port: u16,
    /// Address to listen on. Anything but loopback lets other machines start CPU-heavy jobs and
    /// write files here: a warning is printed.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS", value_parser = parse_bind)]
    pub bind: IpAddr,
    /// Directory holding MNIST's four files [default: datasets/mnist at the workspace root, or
    /// $SCRATCHNET_DATA_DIR/mnist].
    #[arg(long = "data-dir", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Where to fetch MNIST from if it is missing: an http(s):// URL, a file:// URL or a
    /// directory holding the `.gz` files; repeatable.
    #[arg(long = "mirror", value_name = "URL|DIR")]
    pub mirrors: Vec<String>,
    /// Most runs and experiments waiting at once (beyond it the page is told to wait).
    #[arg(long, default_value_t = 8, value_parser = parse_queue_limit)]
    pub queue_limit: u16,
    /// Do not open the page in a browser.
    #[arg(long)]
    pub no_open: bool,
}

fn parse_port(text: &str) -> Result<u16, RuleError> {
    text.parse()
        .map_err(|_| RuleError(Message::new("cli.lab.port.invalid").arg("got", text)))
}

fn parse_bind(text: &str) -> Result<IpAddr, RuleError> {
    text.parse()
        .map_err(|_| RuleError(Message::new("cli.lab.bind.invalid").arg("got", text)))
}

fn parse_queue_limit(text: &str) -> Result<u16, RuleError> {
    match text.parse::<u16>() {
        Ok(limit) if limit >= 1 => Ok(limit),
        _ => Err(RuleError(
            Message::new("cli.lab.queue_limit.range").arg("got", text),
        )),
    }
}

/// Prints `message` on stderr in the command line's language.
fn say(message: Message) {
    eprintln!("{}", message.render(lang::current()));
}

pub fn run(args: &LabArgs) -> Outcome {
    let stop = StopSignal::install();
    let data = DataSource::new(
        &workspace_root(),
        DatasetKind::Mnist,
        args.data_dir.clone(),
        args.mirrors.clone(),
    );
    let mut options = LabOptions::new(results_dir(), data);
    options.bind = args.bind;
    options.port = args.port;
    options.queue_limit = usize::from(args.queue_limit);
    options.git_commit = git_commit();
    let lab = Lab::start(options).map_err(|error| Failure::Error(error.into()))?;
    let url = lab.url();
    if !args.bind.is_loopback() {
        say(Message::new("cli.lab.exposed")
            .arg("address", lab.address())
            .arg("dir", results_dir().display()));
    }
    let serving = Message::new("cli.lab.serving").arg("url", &url);
    println!("{}", serving.render(lang::current()));
    if !args.no_open {
        open_in_browser(&url);
    }
    while !stop.flag().load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
    }
    say(Message::new("cli.lab.stopping"));
    lab.shutdown();
    Ok(())
}

/// Opens `url` with the system's opener; says so if there is none.
fn open_in_browser(url: &str) {
    let opener: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(windows) {
        &["cmd", "/C", "start", ""]
    } else {
        &["xdg-open"]
    };
    let opened = Command::new(opener[0])
        .args(&opener[1..])
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    if opened.is_err() {
        say(Message::new("cli.lab.open_manually").arg("url", url));
    }
}
