//! A scratch folder per test and a runner for the `slo` binary that shows the command, its
//! stdout, stderr and exit status whenever an assertion fails.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// Longest a run of `slo` may take in a test: past it the test fails as a hang.
pub const TIME_LIMIT: Duration = Duration::from_secs(60);

/// A temporary folder holding a test's specs and logs.
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders) and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(&path, contents).expect("write file");
        path
    }

    /// `slo ARGS` run in this folder.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, None)
    }

    pub fn run_with_stdin(&self, args: &[&str], stdin: Option<&[u8]>) -> Run {
        run_in_with_stdin(self.dir.path(), args, stdin)
    }
}

/// `slo ARGS` run in `dir`.
/// A spec of one SLO `name` (objective 99, `good: status < 500`, no alerts) over `windows`
/// (as written in the list: `1d, 30d`), grouped by `field`.
pub fn grouped_spec(name: &str, windows: &str, field: &str) -> String {
    format!(
        "version: 1\nslos:\n  - name: {name}\n    objective: 99\n    windows: [{windows}]\n    good: status < 500\n    group_by: [{field}]\n    alerts: []\n"
    )
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_in_with_stdin(dir, args, None)
}

/// `slo ARGS` run in `dir`, with `stdin` on its standard input (else an empty one).
pub fn run_in_with_stdin(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut running = Running::start(slo_command(dir, args), args, stdin.is_some());
    if let Some(input) = stdin {
        use std::io::Write;
        running.stdin().write_all(input).expect("write stdin");
    }
    running.finish()
}

/// The command that runs `slo ARGS` in `dir`.
pub fn slo_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_slo"));
    command.args(args).current_dir(dir).env_remove("NO_COLOR");
    utf8_locale(&mut command);
    command
}

/// `slo ARGS` run in `dir` by `sh -c SETUP`, which ends with `exec "$0" "$@"`: for limits a
/// shell sets (`ulimit -f 8`) on slo only.
pub fn shell_command(dir: &Path, setup: &str, args: &[&str]) -> Command {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!("{setup}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_slo"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR");
    utf8_locale(&mut command);
    command
}

/// Runs `command` in a UTF-8 locale whatever the test's own, so that tables draw their
/// sparklines in the same characters everywhere (tests of other locales set `LC_ALL`).
fn utf8_locale(command: &mut Command) {
    command
        .env("LC_ALL", "C.UTF-8")
        .env_remove("LC_CTYPE")
        .env_remove("LANG");
}

/// A run of `slo` that the test acts on while it runs: writes its standard input, signals it.
pub struct Running {
    args: Vec<String>,
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    stdout: std::thread::JoinHandle<std::io::Result<Vec<u8>>>,
    stderr: std::thread::JoinHandle<std::io::Result<Vec<u8>>>,
    started: Instant,
}

impl Running {
    /// Starts `command` (shown as `slo ARGS`), with its standard input a pipe when `stdin`,
    /// else empty.
    pub fn start(mut command: Command, args: &[&str], stdin: bool) -> Running {
        command
            .stdin(if stdin { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("run slo");
        // Pipes are drained by threads so that the child never blocks on a full pipe while
        // this thread watches the clock and its memory.
        let drain = |mut pipe: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                pipe.read_to_end(&mut bytes).map(|_| bytes)
            })
        };
        let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
        let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
        Running {
            args: args.iter().map(|s| s.to_string()).collect(),
            stdin: child.stdin.take(),
            child,
            stdout,
            stderr,
            started: Instant::now(),
        }
    }

    /// The write end of slo's standard input.
    pub fn stdin(&mut self) -> &mut std::process::ChildStdin {
        self.stdin
            .as_mut()
            .expect("started with a standard input to write")
    }

    /// Sends slo a signal by name (`INT`, `TERM`).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args(["-s", name, &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -s {name} failed");
    }

    /// Whether slo has ended.
    pub fn has_ended(&mut self) -> bool {
        self.child.try_wait().expect("wait for slo").is_some()
    }

    /// Closes slo's standard input and waits for it to end, at most [`TIME_LIMIT`] in all.
    pub fn finish(mut self) -> Run {
        drop(self.stdin.take());
        let mut peak_rss_kib = None;
        let status: ExitStatus = loop {
            if let Some(status) = self.child.try_wait().expect("wait for slo") {
                break status;
            }
            if let Some(rss) = peak_rss_of(self.child.id()) {
                peak_rss_kib = Some(rss);
            }
            if self.started.elapsed() > TIME_LIMIT {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "slo {} did not finish within {TIME_LIMIT:?}: a hang?",
                    self.args.join(" ")
                );
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let output = Output {
            status,
            stdout: self
                .stdout
                .join()
                .expect("stdout thread")
                .expect("read stdout"),
            stderr: self
                .stderr
                .join()
                .expect("stderr thread")
                .expect("read stderr"),
        };
        Run {
            args: self.args,
            output,
            elapsed: self.started.elapsed(),
            peak_rss_kib,
        }
    }
}

/// The peak resident memory of a running process, in KiB (Linux only).
fn peak_rss_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The result of one run of `slo`.
pub struct Run {
    args: Vec<String>,
    pub output: Output,
    /// How long the run took.
    pub elapsed: Duration,
    /// The highest resident memory seen while it ran, in KiB (sampled; Linux only).
    pub peak_rss_kib: Option<u64>,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    /// The signal that ended slo, if one did.
    pub fn signal(&self) -> Option<i32> {
        #[cfg(unix)]
        {
            std::os::unix::process::ExitStatusExt::signal(&self.output.status)
        }
        #[cfg(not(unix))]
        None
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Asserts the exit code, showing everything on failure.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(self.code(), code, "unexpected exit code\n{self}");
        self
    }

    #[track_caller]
    pub fn stdout_has(&self, text: &str) -> &Run {
        assert!(
            self.stdout().contains(text),
            "stdout lacks {text:?}\n{self}"
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(&self, text: &str) -> &Run {
        assert!(
            self.stderr().contains(text),
            "stderr lacks {text:?}\n{self}"
        );
        self
    }

    /// Parses stdout as JSON, for tests of the raw JSON (two whole reports alike); a report's
    /// figures read better from [`Run::report`].
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.output.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON: {e}\n{self}"))
    }
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "command: slo {}", self.args.join(" "))?;
        writeln!(f, "status: {:?}", self.output.status)?;
        writeln!(
            f,
            "time: {:?}, peak memory: {:?} KiB",
            self.elapsed, self.peak_rss_kib
        )?;
        writeln!(f, "--- stdout\n{}", self.stdout())?;
        write!(f, "--- stderr\n{}", self.stderr())
    }
}
