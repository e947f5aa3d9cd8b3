import { runLeadctl } from './leadctl.program';

/**
 * `leadctl`: the admin CLI (loaded by bin/leadctl.js). The environment is read here, once,
 * and the exit status set without `process.exit`, so piped output is never cut short.
 */
void runLeadctl(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then((status) => {
  process.exitCode = status;
});
