import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LeadIngestStack } from '../../lib/lead-ingest-stack';

/** The feature flags of cdk.json, so the tests synthesize what `cdk synth` does. */
const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context;

/** The stack with cdk.json's context plus `context`, functions unbundled (placeholder code). */
export function synthStack(context: Record<string, unknown> = {}): { app: App; stack: LeadIngestStack; template: Template } {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new LeadIngestStack(app, 'LeadIngestApi');
  return { app, stack, template: Template.fromStack(stack) };
}
