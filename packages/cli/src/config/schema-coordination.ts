/**
 * The config schema's `coordination` section: the scale-out mode (issue 17, docs/scale-out.md).
 * Without it pco runs embedded, as before: one process, the file journal, no server.
 */
import * as v from 'valibot';
import { info, nonEmptyString, section } from './schema-fields.js';

/** A Redis URL ioredis understands: `redis://` or `rediss://` (TLS), host, optional port and db. */
function isRedisUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '' && /^(\/\d*)?$/.test(url.pathname);
  } catch {
    return false;
  }
}

export const coordination = section(
  {
    redis: section(
      {
        url: v.pipe(
          v.string(),
          v.trim(),
          v.check(isRedisUrl),
          info({
            description:
              'The Redis (7.x) every process of the organisation coordinates through: `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS. A secret (it may carry a password): write `${PCO_REDIS_URL}`. Run it with `appendonly yes` and `maxmemory-policy noeviction` (docs/scale-out.md).',
            expected: 'a redis:// or rediss:// URL with a host, e.g. "redis://127.0.0.1:6379"',
            secret: true,
            example: '${PCO_REDIS_URL}',
          }),
        ),
        prefix: v.optional(
          v.pipe(
            v.string(),
            v.trim(),
            v.regex(/^[A-Za-z0-9_-]{1,64}$/),
            info({
              description:
                'Prefix of every key pco writes in Redis (queues, budgets, locks). Processes that share an organisation\'s limits use the same prefix; a different prefix is a separate world (e.g. staging).',
              expected: 'letters, digits, "_" or "-" (1 to 64)',
            }),
          ),
          'pco',
        ),
      },
      { description: 'Where the coordination state lives (never the results: each journal keeps those).', expected: 'an object with url (and prefix)' },
    ),
    backlog: v.optional(
      section(
        {
          id: v.optional(
            nonEmptyString({
              description:
                'The backlog this configuration runs. Every process running it (`pco run` twice, `pco worker`) must use the same id: each task attempt becomes one queue job named after it, so it runs once. Default: the repositories (`github.repos`, joined by ",") or the board (`owner/number`).',
              expected: 'a non-empty string',
              example: 'octo-org/api',
            }),
          ),
          weight: v.optional(
            v.pipe(
              v.number(),
              v.minValue(0.01),
              v.maxValue(100),
              info({
                description:
                  'This backlog\'s share of the organisation\'s agent cap against the other backlogs with ready work (weighted fair queuing: weight 2 gets twice the agents of weight 1; none starves).',
                expected: 'a number from 0.01 to 100',
              }),
            ),
            1,
          ),
        },
        { description: 'This backlog among the others sharing the organisation.', expected: 'an object' },
      ),
      {},
    ),
  },
  {
    description:
      'Scale-out (docs/scale-out.md): many pco processes share one Codegen organisation\'s budget and agent cap, one GitHub principal\'s budget, and run one backlog together, through Redis. Leave it out to run in one process.',
    expected: 'an object with redis (and backlog)',
  },
);
