/** The config schema's `ui` section: the web view of `pco run --ui` (docs/web-api.md). */
import * as v from 'valibot';
import { info, section } from './schema-fields.js';

export const ui = section(
  {
    token: v.optional(
      v.pipe(
        v.string(),
        v.trim(),
        v.minLength(16),
        info({
          description:
            'Access token of the web view (`pco run --ui`, `pco demo --ui`). Needed only when it listens on a host other than loopback; without it pco generates one and prints it once in the URL. Use `${PCO_UI_TOKEN}`.',
          expected: 'a token of at least 16 characters',
          secret: true,
          example: '${PCO_UI_TOKEN}',
        }),
      ),
    ),
  },
  { description: 'The web view served by `--ui` (docs/web-api.md).', expected: 'an object' },
);
