/**
 * `npm run baseline`: synthesizes the stack with cdk.json's context (as the tests do) and writes
 * it as the baseline that test/infra/upgrade-guard.test.ts checks every change against. Run it
 * once a release is deployed, or to accept a change the guard refused after deciding how the
 * data moves over; what the new baseline accepts is printed first.
 */
import * as fs from 'node:fs';
import { synthStack } from '../test/infra/synth-stack';
import { BASELINE_PATH, describeFindings, readBaseline, statefulFindings, tableChangeProblems, writeBaseline, type Template } from './upgrade-guard';

const template = synthStack().template.toJSON() as Template;
if (fs.existsSync(BASELINE_PATH)) {
  const previous = readBaseline();
  const accepted = [describeFindings(statefulFindings(previous, template)), ...tableChangeProblems(previous, template)].filter(Boolean);
  if (accepted.length > 0) console.log(`The new baseline accepts these changes to stateful resources:\n${accepted.join('\n')}`);
}
writeBaseline(template);
console.log(`Wrote ${BASELINE_PATH}`);
