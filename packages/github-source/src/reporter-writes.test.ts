// What a reporter writes decides what the preflight asks of the token.
import { githubClientOptionsForFake } from '@pco/testkit/github';
import { describe, expect, it } from 'vitest';
import { GitHubReporter } from './github-reporter.js';
import { createGitHubClient } from './octokit.js';

const client = createGitHubClient(githubClientOptionsForFake('http://127.0.0.1:9'));

describe('GitHubReporter.writes', () => {
  it('defaults: issues and the board (In Progress, Done), no contents', () => {
    expect(new GitHubReporter({ client }).writes).toEqual({ issues: true, contents: false, board: true });
  });

  it('follows the options: no labels and no comments → no issue writes; merges or branches → contents; every board option null → no board', () => {
    const quiet = new GitHubReporter({ client, statusLabels: false, commentStates: [], projectStatus: { running: null, retrying: null, 'in-review': null, done: null } });
    expect(quiet.writes).toEqual({ issues: false, contents: false, board: false });
    expect(new GitHubReporter({ client, autoMerge: { method: 'squash' } }).writes.contents).toBe(true);
    expect(new GitHubReporter({ client, branches: { prefix: 'pco/' } }).writes.contents).toBe(true);
    expect(new GitHubReporter({ client, projectStatus: false }).writes.board).toBe(false);
  });
});
