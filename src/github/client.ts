/**
 * The Octokit client the action uses: @actions/github's, with the retry plugin (5xx and
 * network errors) and the throttling plugin (primary and secondary rate limits), and a
 * budget of API calls per run so a pathological pull request cannot spend the token's
 * rate limit.
 */
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export type Octokit = ReturnType<typeof getOctokit>;

/** The client and how many requests it has sent (retries included). */
export interface GitHubClient {
  octokit: Octokit;
  calls: () => number;
  /**
   * Opens the requests held back for the run's last status write. NOTE: without a reserve, a
   * run that spends its budget (a crowd of commenters, a huge PR) could not even write its
   * `error` status, and a green status would stay (fail open).
   */
  releaseReserve: () => void;
}

export interface ClientOptions {
  token: string;
  /** GITHUB_API_URL (GitHub Enterprise Server and the tests' local server). */
  baseUrl: string;
  /** Requests allowed in one run; beyond that every request fails with a clear error. */
  maxCalls: number;
  /** Of `maxCalls`, how many only the final status write may use (see `releaseReserve`). */
  reserve: number;
  warn: (message: string) => void;
}

/** How many times a rate-limited request is retried before it fails. */
const RATE_LIMIT_RETRIES = 2;

export function createClient(options: ClientOptions): GitHubClient {
  let calls = 0;
  let limit = options.maxCalls - options.reserve;
  const octokit = getOctokit(
    options.token,
    {
      baseUrl: options.baseUrl,
      throttle: {
        onRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
          options.warn(`GitHub rate limit reached for ${request.method} ${request.url}; retrying after ${retryAfter} s.`);
          return retryCount < RATE_LIMIT_RETRIES;
        },
        onSecondaryRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
          options.warn(`GitHub secondary rate limit reached for ${request.method} ${request.url}; retrying after ${retryAfter} s.`);
          return retryCount < RATE_LIMIT_RETRIES;
        },
      },
    },
    retry,
    throttling,
  );
  octokit.hook.before('request', (request) => {
    calls++;
    if (calls > limit) {
      throw new Error(`more than ${limit} GitHub API requests in one run (the budget per run); stopped before ${request.method} ${request.url}`);
    }
  });
  return { octokit, calls: () => calls, releaseReserve: () => (limit = options.maxCalls) };
}
