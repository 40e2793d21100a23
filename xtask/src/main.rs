//! Project tasks that need more than cargo, run as `cargo xtask TASK` (the alias is in
//! .cargo/config.toml):
//!
//! - `assets [DIR]`: the man pages (`slo.1`, one `slo-SUBCOMMAND.1` per subcommand) and the
//!   bash, zsh and fish completions, generated from the command-line definition in
//!   src/cli.rs, into DIR/man and DIR/completions (default: target/assets). Packagers copy
//!   them from there.
//! - `deb [CARGO-DEB ARGS]...`: the assets, then `cargo deb --locked` with the arguments
//!   given; the package's layout is `[package.metadata.deb]` in Cargo.toml, which reads the
//!   assets from target/assets.
//!
//! The pages and scripts are written by calling the library, as `slo man` and
//! `slo completions` do, so they are the same as the installed binary prints.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{bail, Context};
use slo::cli::{self, Shell};

/// The completion scripts packaged, by the file names Cargo.toml's deb assets expect.
const COMPLETIONS: [(Shell, &str); 3] = [
    (Shell::Bash, "slo.bash"),
    (Shell::Zsh, "_slo"),
    (Shell::Fish, "slo.fish"),
];

const USAGE: &str = "usage: cargo xtask assets [DIR]        man pages and completions into DIR (default target/assets)
       cargo xtask deb [CARGO-DEB ARGS]  them, then the Debian package (cargo deb --locked)";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> anyhow::Result<()> {
    let root = repository_root();
    let default_assets = root.join("target/assets");
    match args.first().map(String::as_str) {
        Some("assets") => match &args[1..] {
            [] => write_assets(&default_assets),
            [dir] => write_assets(Path::new(dir)),
            _ => bail!("too many arguments\n{USAGE}"),
        },
        Some("deb") => {
            write_assets(&default_assets)?;
            let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
                .current_dir(&root)
                .args(["deb", "--locked"])
                .args(&args[1..])
                .status()
                .context("could not run `cargo deb`")?;
            if !status.success() {
                bail!(
                    "`cargo deb` failed ({status}); if cargo-deb is missing: \
                     cargo install --locked cargo-deb"
                );
            }
            Ok(())
        }
        Some("help" | "-h" | "--help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("no task {other:?}\n{USAGE}"),
    }
}

/// The folder holding the workspace's Cargo.toml: xtask/ sits in it.
fn repository_root() -> PathBuf {
    let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().unwrap_or(xtask).to_path_buf()
}

/// Writes DIR/man/*.1 and DIR/completions/*, replacing what an earlier run left (a page of a
/// subcommand since removed must not be packaged).
fn write_assets(dir: &Path) -> anyhow::Result<()> {
    let man = dir.join("man");
    let completions = dir.join("completions");
    for folder in [&man, &completions] {
        if folder.exists() {
            fs::remove_dir_all(folder).with_context(|| format!("removing {}", folder.display()))?;
        }
        fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
    }
    for (file, subcommand) in cli::man_pages() {
        let mut page = Vec::new();
        cli::write_man_page(subcommand.as_deref(), &mut page)?;
        write(&man.join(file), &page)?;
    }
    for (shell, file) in COMPLETIONS {
        let mut script = Vec::new();
        cli::write_completions(shell, &mut script);
        write(&completions.join(file), &script)?;
    }
    eprintln!(
        "wrote man pages to {} and completions to {}",
        man.display(),
        completions.display()
    );
    Ok(())
}

fn write(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    fs::write(path, contents).with_context(|| format!("writing {}", path.display()))
}
