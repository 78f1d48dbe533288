export { startFakeGitHub, type FakeGitHub, type FakeIssueSnapshot } from './server.js';
export { sampleBacklogFixture, largeBacklogFixture, cyclicBacklogFixture, SAMPLE_BACKLOG_EXPECTED_DEPENDENCIES, type LargeBacklogOptions } from './sample-fixture.js';
export { githubSchema, GITHUB_SCHEMA_PATCH } from './schema.js';
export { FakeFixtureError } from './store.js';
export { githubClientOptionsForFake, type GitHubClientOptionsForFake } from './client-options.js';
export type {
  FakeBranchRules,
  FakeCheckConclusion,
  FakeCheckScript,
  FakeOpenedPull,
  FakePullControl,
  FakePullOpenOptions,
  FakePullScript,
  FakePullSnapshot,
  FakePushOptions,
  FakeReviewCommentInput,
  FakeReviewInput,
  FakeReviewScript,
  FakeReviewState,
  FakeStatusScript,
  FakeStatusState,
} from './pulls-types.js';
export { queryCost, type QueryCost } from './graphql-cost.js';
export type {
  FakeAccessLevel,
  FakeAuthorAssociation,
  FakeClassicToken,
  FakeFineGrainedPermissions,
  FakeFineGrainedToken,
  FakeGitHubToken,
  FakeProjectRole,
  FakeRepoRole,
  FakeTokenPrincipal,
  FakeCommentFixture,
  FakeGitHubFault,
  FakeSecondaryLimitKind,
  FakeSecondaryLimits,
  FakeGitHubFixture,
  FakeIssueFixture,
  FakeLabelFixture,
  FakeMergeStateStatus,
  FakeProjectFieldFixture,
  FakeProjectFixture,
  FakeProjectItemFixture,
  FakePullFixture,
  FakeRepoFixture,
  FaultMatch,
  RecordedRequest,
  StartFakeGitHubOptions,
} from './types.js';
