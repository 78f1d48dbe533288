/**
 * What happens on the pull request a linked fake Codegen run opens in the fake GitHub: its files,
 * its CI per push and the reviews after each push. Written in the task's prompt marker, next to
 * the run's own keys (the fake Codegen ignores keys it does not know):
 *
 *     [[fake:duration=5m prfiles=src/cart.ts,src/api.ts ci=failure,success review=changes,approve]]
 *
 * - `prfiles=a,b`: files the opening push changes (conflicts come from shared files);
 * - `ci=r0,r1,…`: the conclusion of the check (`checkName`, default `ci`) on push 0 (the opening
 *   one), push 1 (the first follow-up), …; the last one repeats. `success`, `failure`,
 *   `cancelled`, `timed_out`, `neutral`, `skipped`, `action_required`;
 * - `review=v0,v1,…`: the review submitted after push i: `changes` (changes requested, with one
 *   inline comment), `approve`, `comment`, or `none`;
 * - `base=branch`: the PR's base. @default the repository's default branch
 *
 * A marker with any of these keys defines the PR's whole script (the repository's `pullScript`
 * then does not apply); one without them leaves the PR to the repository's `pullScript`.
 */
import type { FakeCheckConclusion, FakePullScript, FakeReviewScript } from './github/index.js';

/** A check conclusion as the fake GitHub takes it. */
export type FakeLinkCheckConclusion = FakeCheckConclusion;

/** The review after a push. */
export type FakeLinkReview = 'changes' | 'approve' | 'comment' | 'none';

/** The PR script a marker (or the link's `script` callback) gives. */
export interface FakeLinkScript {
  /** Files the opening push changes. @default [`src/<slug of the title>.ts`] */
  readonly files?: readonly string[];
  /** Conclusion of the check per push (0 = opening); the last repeats. @default no check */
  readonly ci?: readonly FakeLinkCheckConclusion[];
  /** Review after each push. @default none */
  readonly reviews?: readonly FakeLinkReview[];
  /** @default the repository's default branch */
  readonly base?: string;
}

const MARKER = /\[\[fake:([^\]]*)\]\]/;
const CONCLUSIONS = new Set<string>(['success', 'failure', 'neutral', 'cancelled', 'skipped', 'timed_out', 'action_required']);
const REVIEWS = new Set<string>(['changes', 'approve', 'comment', 'none']);

/** Reads the PR keys of a `[[fake:…]]` marker; undefined when it has none. Unknown values are errors. */
export function parseFakeLinkMarker(prompt: string): FakeLinkScript | undefined {
  const match = MARKER.exec(prompt);
  if (!match) return undefined;
  const script: { -readonly [K in keyof FakeLinkScript]: FakeLinkScript[K] } = {};
  const list = (value: string) => value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  for (const pair of (match[1] ?? '').trim().split(/\s+/)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (key === 'prfiles') script.files = list(value);
    else if (key === 'base') script.base = value;
    else if (key === 'ci') {
      const results = list(value).map((item) => item.toLowerCase());
      const bad = results.find((item) => !CONCLUSIONS.has(item));
      if (bad) throw new RangeError(`fake link: unknown ci result '${bad}' in ${match[0]}`);
      script.ci = results as FakeLinkCheckConclusion[];
    } else if (key === 'review') {
      const reviews = list(value).map((item) => item.toLowerCase());
      const bad = reviews.find((item) => !REVIEWS.has(item));
      if (bad) throw new RangeError(`fake link: unknown review '${bad}' in ${match[0]}`);
      script.reviews = reviews as FakeLinkReview[];
    }
  }
  return Object.keys(script).length > 0 ? script : undefined;
}

/** The first line of a prompt without its marker: a PR title. */
export function titleOf(prompt: string): string {
  const line = prompt.replace(MARKER, '').split('\n').map((l) => l.trim()).find((l) => l !== '');
  return (line ?? 'Agent change').slice(0, 80);
}

/** A file name from a title (`Add the cart API` → `add-the-cart-api`). */
export function slugOf(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'change';
}

/** The fake GitHub's pull script for `script`, checking one check called `checkName`. */
export function toPullScript(script: FakeLinkScript, files: readonly string[], checkName: string): FakePullScript {
  const reviews = (script.reviews ?? []).flatMap((review, after): FakeReviewScript[] => {
    if (review === 'none') return [];
    if (review === 'approve') return [{ after, state: 'APPROVED', body: 'Looks good.' }];
    if (review === 'comment') return [{ after, state: 'COMMENTED', body: 'A question, nothing blocking.' }];
    return [
      {
        after,
        state: 'CHANGES_REQUESTED',
        body: 'Please handle the empty case before this lands.',
        comments: [{ path: files[0] ?? 'README.md', line: 1, body: 'This breaks when the list is empty: handle it and add a test.' }],
      },
    ];
  });
  return {
    files,
    ...(script.ci && script.ci.length > 0 ? { checks: [{ name: checkName, results: script.ci }] } : {}),
    ...(reviews.length > 0 ? { reviews } : {}),
  };
}
