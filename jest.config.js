/**
 * One jest project per test tier. `npm test` runs every tier in one run; `npm run test:<tier>`
 * runs one (`jest --selectProjects <tier>`). DynamoDB Local is started once per run, by the
 * global setup of the tiers that use it, and only when a test of such a tier is selected: jest
 * runs a project's globalSetup only when one of its tests runs, and the same module once per run.
 * The unit tier has none, so it never starts DynamoDB Local.
 *
 * ts-jest compiles each file on its own without type checking (`isolatedModules` in
 * tsconfig.json); `tsc -p .` checks the types.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const withDynamoLocal = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

/** A tier: the tests under test/<name>. */
const tier = (name, extra = {}) => ({
  displayName: name,
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: [`<rootDir>/test/${name}`],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  ...extra,
});

module.exports = {
  projects: [
    tier('unit'),
    tier('integration', withDynamoLocal),
    tier('infra', withDynamoLocal),
    tier('cli', withDynamoLocal),
    tier('e2e', withDynamoLocal),
    tier('fuzz', withDynamoLocal),
    tier('fault', withDynamoLocal),
  ],
  testTimeout: 60000,
};
