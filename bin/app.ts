#!/usr/bin/env node
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { LeadIngestStack } from '../lib/lead-ingest-stack';

/**
 * CDK app entry. The stack name defaults to `LeadIngestApi`; pass `-c stackName=...` to run a
 * second copy (e.g. staging) in the same account. No `env`: the stack is environment-agnostic,
 * so `cdk synth` works offline and `cdk deploy` targets the CLI's account and region.
 */
const app = new App();

const stackName: unknown = app.node.tryGetContext('stackName') ?? 'LeadIngestApi';
if (typeof stackName !== 'string' || !/^[A-Za-z][A-Za-z0-9-]*$/.test(stackName)) {
  throw new Error(`stackName must start with a letter and hold only letters, digits and hyphens, got '${String(stackName)}'`);
}

new LeadIngestStack(app, stackName, {
  description: 'Supplier lead-ingest API: API Gateway, Lambda, DynamoDB',
});
Tags.of(app).add('app', 'lead-ingest-api');
// The AwsSolutions and Serverless rule packs check every synth and deploy; an unacknowledged
// finding stops them. (npm test runs the same packs in test/infra/cdk-nag.test.ts.)
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
