/** The states the page has colours for, in the order the header counts them. */
export const KNOWN_STATES = ['pending', 'ready', 'running', 'retrying', 'in-review', 'done', 'failed', 'skipped', 'needs-input', 'interrupted'] as const;

/** Edge origins and how the legend describes them. */
export const ORIGINS: readonly (readonly [origin: string, label: string])[] = [
  ['prose', 'prose ("depends on #3")'],
  ['section', 'Dependencies section'],
  ['label', 'label'],
  ['blocked-by', 'blocked-by link'],
  ['sub-issue', 'sub-issue'],
  ['unknown', 'other'],
];
