/**
 * zod/mini with English error messages, for the config file and the workflow_run artifact.
 * NOTE: zod/mini, not zod: the full build pulls in every locale, 580 KB of the bundle and
 * about 40 ms of every run's start-up (bench/); this is 30 KB.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
