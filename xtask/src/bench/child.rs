//! Measured child processes: a command line shown so it can be pasted into a shell, run from
//! the workspace root, timed from spawn to `wait4`, which also returns its peak RSS
//! (`ru_maxrss`) and CPU time. `wait4` is Unix-only: elsewhere running a child is an error.

use crate::workspace_root;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

/// A command line to run as a measured child process, with the environment variables it must
/// not inherit and those it is given.
#[derive(Clone, Debug)]
pub struct ChildCommand {
    program: PathBuf,
    /// Shown instead of `program` (`cargo xtask` for this executable).
    label: Option<String>,
    args: Vec<String>,
    remove_env: Vec<String>,
    set_env: Vec<(String, String)>,
}

/// What a finished child process did.
#[derive(Debug)]
pub struct Measured {
    pub status: ExitStatus,
    /// Spawn to reaped.
    pub wall: Duration,
    /// User + system CPU time.
    pub cpu: Duration,
    /// `ru_maxrss`: peak resident set size in KiB.
    pub max_rss_kib: u64,
    pub stdout: String,
    pub stderr: String,
}

impl ChildCommand {
    pub fn new(program: impl Into<PathBuf>) -> Self {
        Self {
            program: program.into(),
            label: None,
            args: Vec::new(),
            remove_env: Vec::new(),
            set_env: Vec::new(),
        }
    }

    /// This executable, shown as `cargo xtask`.
    pub fn xtask(exe: &Path) -> Self {
        Self {
            label: Some("cargo xtask".into()),
            ..Self::new(exe)
        }
    }

    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: Into<String>>(mut self, args: I) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn env_remove(mut self, key: &str) -> Self {
        self.remove_env.push(key.into());
        self
    }

    /// Sets environment variable `key` to `value` for the child.
    pub fn env(mut self, key: &str, value: impl Into<String>) -> Self {
        self.set_env.push((key.into(), value.into()));
        self
    }

    /// The arguments after the program.
    pub fn arguments(&self) -> &[String] {
        &self.args
    }

    /// The command as one shell line, reproducible by copy and paste from the workspace root.
    pub fn display(&self) -> String {
        let mut words = Vec::new();
        if !self.remove_env.is_empty() || !self.set_env.is_empty() {
            words.push("env".to_string());
            words.extend(self.remove_env.iter().map(|key| format!("-u {key}")));
            words.extend(
                self.set_env
                    .iter()
                    .map(|(key, value)| format!("{key}={}", shell_quote(value))),
            );
        }
        words.push(match &self.label {
            Some(label) => label.clone(),
            None => shell_quote(&self.program.display().to_string()),
        });
        words.extend(self.args.iter().map(|arg| shell_quote(arg)));
        words.join(" ")
    }

    /// Runs the command to completion in the workspace root; an error (with the end of its
    /// stderr) if it cannot start or exits unsuccessfully.
    pub fn run(&self) -> Result<Measured> {
        let measured = run_measured(&mut self.command())
            .with_context(|| format!("running {}", self.display()))?;
        if !measured.status.success() {
            bail!(
                "{} failed ({}); end of its stderr:\n{}",
                self.display(),
                measured.status,
                tail(&measured.stderr, 20)
            );
        }
        Ok(measured)
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .current_dir(workspace_root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for key in &self.remove_env {
            command.env_remove(key);
        }
        command.envs(self.set_env.iter().map(|(key, value)| (key, value)));
        command
    }
}

/// `word` as the shell reads it back: unquoted when plain, else in single quotes.
pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// `path` relative to the workspace root (where the children run) when it is inside it.
pub fn shown_path(path: &Path) -> String {
    path.strip_prefix(workspace_root())
        .ok()
        .filter(|relative| !relative.as_os_str().is_empty())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The last `lines` lines of `text`, or `(empty)`.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    if all.is_empty() {
        return "(empty)".into();
    }
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(unix)]
pub use unix::{own_peak_rss_kib, run_measured};

#[cfg(not(unix))]
pub use portable::{own_peak_rss_kib, run_measured};

#[cfg(unix)]
mod unix {
    use super::Measured;
    use anyhow::{Context, Result, anyhow};
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, ExitStatus};
    use std::time::{Duration, Instant};

    /// Spawns `command` (stdout and stderr piped), drains both pipes on threads and reaps the
    /// child with `wait4`, which returns the child's own resource usage.
    pub fn run_measured(command: &mut Command) -> Result<Measured> {
        let started = Instant::now();
        let mut child = command.spawn()?;
        let pid = libc::pid_t::try_from(child.id()).context("child pid out of range")?;
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();
        let stdout_reader = std::thread::spawn(move || drain(stdout));
        let stderr_reader = std::thread::spawn(move || drain(stderr));
        let waited = wait4(pid);
        let wall = started.elapsed();
        // The child is reaped (or wait4 failed and it is left to the OS): it is not waited on
        // again; dropping a std::process::Child neither waits nor kills.
        drop(child);
        let stdout = stdout_reader
            .join()
            .map_err(|_| anyhow!("the stdout reader panicked"))?;
        let stderr = stderr_reader
            .join()
            .map_err(|_| anyhow!("the stderr reader panicked"))?;
        let (status, usage) = waited?;
        Ok(Measured {
            status: ExitStatus::from_raw(status),
            wall,
            cpu: timeval(usage.ru_utime) + timeval(usage.ru_stime),
            max_rss_kib: maxrss_kib(usage.ru_maxrss),
            stdout,
            stderr,
        })
    }

    /// This process's own peak RSS so far (`VmHWM` of /proc/self/status, Linux), in KiB: what
    /// a child spawned now starts its ru_maxrss from. Not `getrusage(RUSAGE_SELF)`, which also
    /// holds the peak of the process that exec'd this one (cargo).
    pub fn own_peak_rss_kib() -> Option<u64> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
    }

    fn drain<R: Read>(pipe: Option<R>) -> String {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            // A read error only truncates what we show; the exit status still decides success.
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// `wait4(pid, …, 0, …)`, retried on EINTR: the raw wait status and the child's rusage.
    fn wait4(pid: libc::pid_t) -> Result<(libc::c_int, libc::rusage)> {
        loop {
            let mut status: libc::c_int = 0;
            // SAFETY: rusage is a plain C struct of integers, for which all-zero bytes are valid.
            let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
            // SAFETY: both pointers are to live, writable locals of the right types; `pid` is
            // our own child, not yet reaped.
            let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
            if reaped == pid {
                return Ok((status, usage));
            }
            let error = std::io::Error::last_os_error();
            if error.kind() != std::io::ErrorKind::Interrupted {
                return Err(error).context("wait4 on the child process");
            }
        }
    }

    /// `ru_maxrss` in KiB: Linux and the BSDs report KiB, macOS bytes.
    fn maxrss_kib(raw: libc::c_long) -> u64 {
        let value = u64::try_from(raw).unwrap_or(0);
        if cfg!(target_os = "macos") {
            value / 1024
        } else {
            value
        }
    }

    fn timeval(tv: libc::timeval) -> Duration {
        let seconds = u64::try_from(tv.tv_sec).unwrap_or(0);
        let micros = u64::try_from(tv.tv_usec).unwrap_or(0);
        Duration::from_secs(seconds) + Duration::from_micros(micros)
    }
}

#[cfg(not(unix))]
mod portable {
    use super::Measured;
    use anyhow::{Result, bail};
    use std::process::Command;

    pub fn run_measured(_command: &mut Command) -> Result<Measured> {
        bail!(crate::bench::NEEDS_UNIX)
    }

    pub fn own_peak_rss_kib() -> Option<u64> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_paste_into_a_shell() {
        assert_eq!(shell_quote("--data-dir"), "--data-dir");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
        let command = ChildCommand::new("python3")
            .env_remove("OPENBLAS_CORETYPE")
            .env_remove("OPENBLAS_L2_SIZE")
            .args(["bench/x.py", "--hidden", "50 60"]);
        assert_eq!(
            command.display(),
            "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/x.py --hidden '50 60'"
        );
        let xtask = ChildCommand::xtask(Path::new("/tmp/target/xtask")).arg("train");
        assert_eq!(xtask.display(), "cargo xtask train");
        let with_env = ChildCommand::new("python")
            .env("SCRATCHNET_PLOT", "/tmp/a b.png")
            .arg("x.py");
        assert_eq!(
            with_env.display(),
            "env SCRATCHNET_PLOT='/tmp/a b.png' python x.py"
        );
    }

    #[test]
    fn the_tail_of_stderr() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc");
        assert_eq!(tail("", 2), "(empty)");
    }

    #[cfg(unix)]
    #[test]
    fn a_child_is_timed_and_its_output_kept() {
        let measured = ChildCommand::new("sh")
            .env("BENCH_WORD", "out")
            .args(["-c", "echo $BENCH_WORD; echo err >&2"])
            .run()
            .expect("sh runs");
        assert_eq!(
            (measured.stdout.as_str(), measured.stderr.as_str()),
            ("out\n", "err\n")
        );
        assert!(measured.max_rss_kib > 0);
        let failed = ChildCommand::new("sh")
            .args(["-c", "echo why >&2; exit 3"])
            .run();
        let message = format!("{:#}", failed.expect_err("exit 3 fails"));
        assert!(message.contains("why"), "{message}");
        if cfg!(target_os = "linux") {
            assert!(own_peak_rss_kib().is_some_and(|kib| kib > 0));
        }
    }
}
