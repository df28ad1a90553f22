/**
 * Architecture rules checked by `npm run lint` (dependency-cruiser):
 * libs talk to each other only through their `index.ts`, never import an app, and never form a cycle.
 * `test/lint-fixtures/` breaks each rule on purpose; `test/lint.e2e-spec.ts` shows that lint fails on it.
 */
module.exports = {
  forbidden: [
    {
      name: 'lib-only-through-index',
      comment: "A lib uses another lib only through what that lib's src/index.ts exports (@tablecast/<lib>).",
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/([^/]+)/', pathNot: ['^libs/$1/', '^libs/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'no-repository-in-barrel',
      comment: "A lib's index.ts exports its module and services, never its repositories (SQL stays inside the lib).",
      severity: 'error',
      from: { path: '^libs/[^/]+/src/index\\.ts$' },
      to: { path: '\\.repository\\.ts$' },
    },
    {
      name: 'no-lib-imports-app',
      comment: 'Apps compose libs; a lib never imports an app.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles, within a lib or between libs.',
      severity: 'error',
      from: { path: '^(libs|apps)/' },
      to: { circular: true },
    },
    {
      name: 'no-app-imports-app',
      comment: 'Apps share code through libs, not through each other.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '^dist/', '\\.spec\\.ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
