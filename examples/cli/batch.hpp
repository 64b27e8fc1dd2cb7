// kyc CLI — `kyc batch`: many single-command jobs (a folder of files or a CSV manifest) run on
// worker threads sharing one kyc::Engine, one NDJSON result line per job (errors included),
// resumable, with a progress bar on a terminal. Format, options and exit codes: docs/cli.md.
//
// Exit codes: 0 every job ran to a result (whatever its verdict), 3 at least one job is an error
// line (or the batch could not start: unreadable input, malformed manifest, unusable --config,
// unwritable or foreign --out), 4 at least one job hit an internal error, 2 usage, 130
// interrupted by SIGINT/SIGTERM (running jobs finished and written; rerun to resume). The codes
// of a resumed run cover the lines already in --out as well, so a run that is interrupted and
// resumed ends with the code an uninterrupted run would have given.
#pragma once

namespace kyc_cli {

/// Runs `kyc batch` with the arguments that follow "batch"; returns the exit code.
int batch_main(int argc, char** argv);

}  // namespace kyc_cli
