/** The answers to scripted faults and to limits: GitHub's primary and secondary rate-limit responses, 5xx. */
import type { RestResponse } from './rest-api.js';
import type { FakeGitHubFault } from './types.js';

const DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';
const SECONDARY_DOCS = `${DOCS}#about-secondary-rate-limits`;
const SECONDARY_MESSAGE = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';

/**
 * The response to `fault`. `rateHeaders(remaining?)` gives the `x-ratelimit-*` headers of the
 * request's resource (with `remaining` forced when given); `now` is the fake's clock.
 */
export function faultResponse(
  fault: FakeGitHubFault,
  isGraphQL: boolean,
  rateHeaders: (remainingOverride?: number) => Record<string, string>,
  now: () => number,
): RestResponse {
  switch (fault.kind) {
    case 'primary': {
      // Reset one second from now, in epoch seconds like GitHub.
      const reset = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(now() / 1000) + 1) };
      if (isGraphQL) {
        return {
          status: 200,
          headers: { ...rateHeaders(0), ...reset },
          body: { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded for user ID 1.' }] },
        };
      }
      return {
        status: fault.status ?? 403,
        headers: { ...rateHeaders(0), ...reset },
        body: { message: 'API rate limit exceeded for user ID 1.', documentation_url: DOCS, status: String(fault.status ?? 403) },
      };
    }
    case 'secondary': {
      const retryAfter = fault.retryAfter === undefined ? 1 : fault.retryAfter;
      const headers = { ...rateHeaders(), ...(retryAfter === null ? {} : { 'retry-after': String(retryAfter) }) };
      if (isGraphQL && fault.graphqlStatus === 200) {
        return { status: 200, headers, body: { data: null, errors: [{ message: SECONDARY_MESSAGE }] } };
      }
      return {
        status: fault.status ?? 403,
        headers,
        body: { message: SECONDARY_MESSAGE, documentation_url: SECONDARY_DOCS, status: String(fault.status ?? 403) },
      };
    }
    case 'server-error':
      return { status: fault.status ?? 502, headers: rateHeaders(), body: { message: 'Server Error' } };
    case 'graphql-internal':
      return {
        status: 200,
        headers: rateHeaders(),
        body: {
          data: null,
          errors: [{ message: 'Something went wrong while executing your query. Please include `ABCD:1234` when reporting this issue.' }],
        },
      };
  }
}
