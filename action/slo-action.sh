#!/usr/bin/env bash
# The steps of the GitHub Action in action.yml, one per subcommand, so that they run (and are
# tested, in .ci/run) outside GitHub with the same environment:
#
#   slo-action.sh key      where to cache slo and under which key       -> $GITHUB_OUTPUT
#   slo-action.sh install  build or install slo there unless the cache restored it
#   slo-action.sh check    run slo check; Markdown report -> $GITHUB_STEP_SUMMARY; exit by policy
#
# Inputs come as INPUT_* variables (action.yml maps them): INPUT_SPECS, INPUT_LOGS,
# INPUT_FAIL_ON, INPUT_FORMAT, INPUT_AT, INPUT_ARGS, INPUT_VERSION. SLO_ACTION_ROOT is where slo
# is installed (set by `key` in action.yml). GitHub sets GITHUB_ACTION_PATH (this repository
# at the action's ref), GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, RUNNER_TOOL_CACHE.
set -euo pipefail

action_path=${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

# Appends name=value to $GITHUB_OUTPUT (a heredoc delimiter for values on several lines).
output() {
  local name=$1 value=$2
  [[ -n ${GITHUB_OUTPUT:-} ]] || return 0
  if [[ $value == *$'\n'* ]]; then
    printf '%s<<SLO_ACTION_EOF\n%s\nSLO_ACTION_EOF\n' "$name" "$value" >>"$GITHUB_OUTPUT"
  else
    printf '%s=%s\n' "$name" "$value" >>"$GITHUB_OUTPUT"
  fi
}

# An error annotation on the run's page, and the same line in the log.
annotate_error() {
  printf '::error title=slo check::%s\n' "$1"
}

# The check step cannot run slo (a bad input): says why in the log and the job summary, gives
# the outputs of an error, and exits 2 as slo does for a usage error.
check_cannot_run() {
  annotate_error "$1"
  if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
    printf '### slo check could not run\n\n%s\n' "$1" >>"$GITHUB_STEP_SUMMARY"
  fi
  output status error
  output exit-code 2
  exit 2
}

# The cache key: the runner's system, and either the crates.io version asked for or a digest of
# the sources the binary is built from (the action's ref may be a branch that moves).
cmd_key() {
  local system version=${INPUT_VERSION:-} what
  local -a sha256=(sha256sum)
  command -v sha256sum >/dev/null || sha256=(shasum -a 256) # macOS
  system="$(uname -s)-$(uname -m)"
  if [[ -n $version ]]; then
    what="crates.io-$version"
  else
    what="source-$(cd "$action_path" &&
      find Cargo.toml Cargo.lock build.rs src -type f | LC_ALL=C sort |
      xargs "${sha256[@]}" | "${sha256[@]}" | cut -c1-16)"
  fi
  local key="slo-$system-$what"
  local root="${RUNNER_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}}/slo-action/$key"
  echo "cache key $key, slo in $root"
  output key "$key"
  output root "$root"
}

cmd_install() {
  local root=${SLO_ACTION_ROOT:?SLO_ACTION_ROOT: where to install slo (from the key step)}
  local version=${INPUT_VERSION:-}
  if [[ -x $root/bin/slo ]]; then
    echo "slo restored from the cache: $("$root/bin/slo" --version)"
  else
    if ! command -v cargo >/dev/null; then
      annotate_error "cargo is needed to build slo: add a Rust toolchain step (dtolnay/rust-toolchain) before this action"
      exit 2
    fi
    if [[ -n $version ]]; then
      cargo install --locked --root "$root" slo --version "$version"
    else
      cargo install --locked --root "$root" --path "$action_path"
    fi
    echo "installed $("$root/bin/slo" --version)"
  fi
  # Later steps of the job can run slo too.
  if [[ -n ${GITHUB_PATH:-} ]]; then
    echo "$root/bin" >>"$GITHUB_PATH"
  fi
}

# Splits a list input into the global array `split`: one entry per line, or on one line
# separated by spaces; entries with *, ? or [ are expanded as globs and must match something.
# (Written for bash 3.2 too, macOS's /bin/bash: no namerefs, no mapfile, no empty "${a[@]}".)
split_paths() {
  local text=$1 line entry match found
  local -a entries=()
  split=()
  if [[ $text == *$'\n'* ]]; then
    while IFS= read -r line; do
      line=${line#"${line%%[![:space:]]*}"}
      line=${line%"${line##*[![:space:]]}"}
      if [[ -n $line ]]; then entries+=("$line"); fi
    done <<<"$text"
  else
    read -r -a entries <<<"$text" || true
  fi
  for entry in ${entries[@]+"${entries[@]}"}; do
    if [[ $entry == *[*?[]* ]]; then
      found=
      while IFS= read -r match; do
        split+=("$match")
        found=1
      done < <(compgen -G "$entry" | LC_ALL=C sort)
      if [[ -z $found ]]; then
        check_cannot_run "no file matches $entry"
      fi
    else
      split+=("$entry")
    fi
  done
}

cmd_check() {
  local slo=${SLO_BIN:-slo}
  local fail_on=${INPUT_FAIL_ON:-exhausted} format=${INPUT_FORMAT:-} at=${INPUT_AT:-now}
  local temp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
  local -a common=() logs=() extra=() format_flag=()
  local spec

  # Both runs below must judge the same instant: `now` is read once, here.
  if [[ $at == now ]]; then
    at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  fi
  common=(--at "$at" --color never --fail-on "$fail_on")
  split_paths "${INPUT_SPECS:-}"
  for spec in ${split[@]+"${split[@]}"}; do
    common+=(--spec "$spec")
  done
  read -r -a extra <<<"${INPUT_ARGS:-}" || true
  common+=(${extra[@]+"${extra[@]}"})
  split_paths "${INPUT_LOGS:-}"
  logs=(${split[@]+"${split[@]}"})

  local extension
  case $format in
    "" | table) extension=txt ;;
    json) extension=json ;;
    csv) extension=csv ;;
    markdown) extension=md ;;
    prometheus) extension=prom ;;
    junit) extension=xml ;;
    *)
      check_cannot_run "format must be table, json, csv, markdown, prometheus or junit (or empty: check's verdict lines), not $format"
      ;;
  esac
  if [[ -n $format ]]; then format_flag=(--format "$format"); fi
  # A folder of this run's own: two uses of the action in one job keep their reports apart.
  local files
  files=$(mktemp -d "$temp/slo-check.XXXXXX")
  local report="$files/slo-report.$extension" errors="$files/slo-errors.txt"

  local -a command=(check "${common[@]}" ${format_flag[@]+"${format_flag[@]}"} -- ${logs[@]+"${logs[@]}"})
  echo "slo ${command[*]}"
  local code=0
  "$slo" "${command[@]}" >"$report" 2>"$errors" || code=$?
  cat "$errors" >&2
  cat "$report"

  # The job summary: the Markdown report, or why there is none.
  local summary="$files/slo-summary.md"
  if ((code == 2)); then
    {
      echo "### slo check could not run"
      echo
      echo '````text'
      cat "$errors"
      echo '````'
    } >"$summary"
  elif [[ $format == markdown ]]; then
    cp "$report" "$summary"
  else
    # The same computation again, as Markdown, at the same instant; the verdict is the above,
    # and so are the warnings (its own go nowhere, rather than `--quiet`, which `args` may
    # hold already).
    local markdown_code=0
    "$slo" check "${common[@]}" --format markdown -- ${logs[@]+"${logs[@]}"} \
      >"$summary" 2>"$files/slo-markdown-errors.txt" || markdown_code=$?
    if ((markdown_code == 2)); then
      {
        echo "### slo check could not write the Markdown report"
        echo
        echo '````text'
        cat "$files/slo-markdown-errors.txt"
        echo '````'
      } >"$summary"
    fi
  fi
  if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
    cat "$summary" >>"$GITHUB_STEP_SUMMARY"
  fi

  local status
  case $code in
    0) status=pass ;;
    1) status=fail ;;
    *) status=error ;;
  esac
  output status "$status"
  output exit-code "$code"
  output report "$report"
  case $status in
    fail) annotate_error "an SLO fails the policy (--fail-on $fail_on): see the job summary" ;;
    error) annotate_error "slo check could not run (exit $code): see the log" ;;
  esac
  exit "$code"
}

case ${1:-} in
  key) cmd_key ;;
  install) cmd_install ;;
  check) cmd_check ;;
  *)
    echo "usage: $0 key|install|check" >&2
    exit 2
    ;;
esac
