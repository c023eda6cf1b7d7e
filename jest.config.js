// Jest runs the TypeScript sources as ES modules (client-node 2.x ships ESM only), transformed by swc
// without type checking: `tsc --noEmit` is its own step of `npm test`.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
        module: { type: 'es6' },
      },
    ],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // Generous: on a loaded machine tests are slow, not wrong; waits fail first, with a message (test/helpers/eventually.ts).
  testTimeout: 120_000,
  // Integration suites start servers on loopback; two workers fit the 2-core machines.
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
