/**
 * The Octokit client the action uses: @actions/github's, with the retry plugin (5xx and
 * network errors) and the throttling plugin (primary and secondary rate limits), and a
 * budget of API calls per run so a pathological pull request cannot spend the token's
 * rate limit.
 */
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type Bottleneck from 'bottleneck';

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

/**
 * Mutating requests one run sends back to back before it spaces them by WRITE_SPACING_MS.
 * NOTE: GitHub's guidance against secondary rate limits is to send mutating requests
 * serially, and when sending many, at least a second apart ("Best practices for using the
 * REST API"; the limit is about 80 content-creating requests a minute). The throttling
 * plugin's default spaces every write by 1 s (3 s for comments), which costs a typical run
 * (sticky comment, status, maybe a reply and a reaction) 1-4 s for nothing. All writes stay
 * serial; the first few go at once, the rest (a check run's annotation updates, 50 per
 * request) a second apart. docs/github-action.md, "Writes".
 */
export const UNSPACED_WRITES = 5;
export const WRITE_SPACING_MS = 1000;

/**
 * Paces mutating requests: one at a time, the first UNSPACED_WRITES at once, then each at
 * least WRITE_SPACING_MS after the previous. It stands in for the plugin's `write` and
 * `notifications` limiter groups, of which the plugin only calls `key(id).schedule(options,
 * job)` before sending a write (plugin-throttling 11, dist-src/wrap-request.js).
 */
export class WritePacer {
  private queue: Promise<unknown> = Promise.resolve();
  private sent = 0;
  private lastStart = 0;

  key(): this {
    return this;
  }

  schedule<T>(_options: unknown, job: () => Promise<T>): Promise<T> {
    const turn = this.queue.then(async () => {
      if (++this.sent > UNSPACED_WRITES) {
        const wait = this.lastStart + WRITE_SPACING_MS - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      this.lastStart = Date.now();
      return job();
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** As the plugin's option type names it. */
  asGroup(): Bottleneck.Group {
    return this as unknown as Bottleneck.Group;
  }
}

export function createClient(options: ClientOptions): GitHubClient {
  let calls = 0;
  let limit = options.maxCalls - options.reserve;
  const octokit = getOctokit(
    options.token,
    {
      baseUrl: options.baseUrl,
      throttle: {
        write: new WritePacer().asGroup(),
        notifications: new WritePacer().asGroup(),
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
