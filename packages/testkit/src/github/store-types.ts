/**
 * The shapes of the fake's in-memory model of GitHub (see {@link FakeStore}): repositories,
 * issues and pull requests, labels, comments, Projects v2 with their fields and items.
 */
import type { FakeAuthorAssociation, FakeMergeStateStatus } from './types.js';

export interface StoredLabel {
  id: number;
  nodeId: string;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export interface StoredComment {
  id: number;
  nodeId: string;
  issue: StoredIssue;
  body: string;
  author: string;
  authorAssociation: FakeAuthorAssociation;
  createdAt: string;
  updatedAt: string;
}

export interface StoredPull {
  headRef: string;
  headSha: string;
  baseRef: string;
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergeStateStatus: FakeMergeStateStatus;
  autoMerge: { mergeMethod: string; enabledAt: string; enabledBy: string } | null;
}

export interface StoredIssue {
  kind: 'issue' | 'pull';
  id: number;
  nodeId: string;
  repo: StoredRepo;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: string | null;
  author: string;
  authorAssociation: FakeAuthorAssociation;
  labels: StoredLabel[];
  assignees: string[];
  milestone: number | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  blockedBy: StoredIssue[];
  parent: StoredIssue | null;
  subIssues: StoredIssue[];
  comments: StoredComment[];
  pull: StoredPull | null;
}

export interface StoredRepo {
  id: number;
  nodeId: string;
  owner: string;
  ownerType: 'Organization' | 'User';
  name: string;
  fullName: string;
  defaultBranch: string;
  autoMergeAllowed: boolean;
  visibility: 'public' | 'private';
  labels: Map<string, StoredLabel>;
  issues: Map<number, StoredIssue>;
  refs: Map<string, string>;
}

export interface StoredField {
  id: string;
  databaseId: number;
  name: string;
  dataType: 'SINGLE_SELECT' | 'NUMBER' | 'TEXT' | 'DATE';
  options: { id: string; name: string; color: string; description: string }[];
}

export type StoredFieldValue = { optionId: string } | { number: number } | { text: string } | { date: string };

export interface StoredItem {
  id: string;
  databaseId: number;
  project: StoredProject;
  type: 'ISSUE' | 'PULL_REQUEST' | 'DRAFT_ISSUE';
  content: StoredIssue | { draftId: string; title: string; body: string };
  values: Map<string, StoredFieldValue>;
  isArchived: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface StoredProject {
  id: string;
  databaseId: number;
  number: number;
  title: string;
  owner: string;
  ownerType: 'organization' | 'user';
  closed: boolean;
  fields: StoredField[];
  items: StoredItem[];
}

export interface StoredOwner {
  login: string;
  nodeId: string;
  type: 'Organization' | 'User';
}
