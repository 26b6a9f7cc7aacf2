/**
 * The `stats` and `calibrate` commands: the production side of the production context
 * (docs/production-context.md). Both need a server: `stats` reads a production (or replica)
 * server's catalog read-only; `calibrate` times work on a scratch server.
 */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseCoefficients } from '../core/stats.js';

/** What these commands need from the CLI's world. */
export interface StatsIo {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const STATS_HELP = `  migration-guard stats --database-url URL [--hash-names] [--sample-seconds N] [--calibration FILE] [--output FILE]
                                               print a stats snapshot (JSON, schema/stats.schema.json):
                                               table sizes, rows, indexes and traffic from the catalog,
                                               read-only, no table data, no query texts; traffic is
                                               averaged since the last stats reset, or over N seconds
  migration-guard calibrate --database-url URL [--rows N,N,...] [--output FILE]
                                               time each kind of work on synthetic tables in a
                                               scratch database of this server (CREATEDB; not production)
`;

/** Runs `stats` or `calibrate`; returns the exit code (2 for usage errors). */
export async function statsCommand(command: 'stats' | 'calibrate', args: readonly string[], io: StatsIo): Promise<number> {
  let values: { 'database-url'?: string; 'hash-names'?: boolean; 'sample-seconds'?: string; calibration?: string; rows?: string; output?: string };
  try {
    values = parseArgs({
      args: [...args],
      options: {
        'database-url': { type: 'string' },
        output: { type: 'string', short: 'o' },
        ...(command === 'stats' ? { 'hash-names': { type: 'boolean' }, 'sample-seconds': { type: 'string' }, calibration: { type: 'string' } } : { rows: { type: 'string' } }),
      },
    }).values as typeof values;
  } catch (error) {
    return usage(io, `${command}: ${(error as Error).message}`);
  }
  const url = values['database-url'];
  if (!url) return usage(io, `${command} needs --database-url URL (e.g. postgres://user@host/db)`);
  let output: unknown;
  if (command === 'stats') {
    const sampleSeconds = values['sample-seconds'] === undefined ? undefined : Number(values['sample-seconds']);
    if (sampleSeconds !== undefined && !(sampleSeconds > 0 && sampleSeconds <= 3600)) return usage(io, `stats: invalid --sample-seconds "${values['sample-seconds']}"; expected a number of seconds from 1 to 3600, e.g. 60`);
    const calibration = values.calibration ? { path: values.calibration, text: await readFile(path.resolve(io.cwd, values.calibration), 'utf8') } : undefined;
    const { collectStats } = await import('../stats/collect.js');
    output = await collectStats(url, { hashNames: !!values['hash-names'], ...(sampleSeconds ? { sampleSeconds } : {}), ...(calibration ? { coefficients: parseCoefficients(calibration.text, calibration.path) } : {}) });
  } else {
    const rows = values.rows?.split(',').map(Number);
    if (rows && (rows.length < 2 || rows.some((n) => !Number.isInteger(n) || n < 1000))) return usage(io, `calibrate: invalid --rows "${values.rows}"; expected two or more row counts of at least 1000, e.g. 10000,100000,1000000`);
    const { calibrate } = await import('../stats/calibrate.js');
    output = await calibrate(url, { ...(rows ? { rows } : {}), machine: machineDescription(), log: (line) => io.stderr(`migration-guard: calibrate: ${line}\n`) });
  }
  const text = `${JSON.stringify(output, null, 2)}\n`;
  if (values.output) await writeFile(path.resolve(io.cwd, values.output), text);
  else io.stdout(text);
  return 0;
}

function usage(io: StatsIo, message: string): number {
  io.stderr(`migration-guard: ${message}\nRun "migration-guard --help" for usage.\n`);
  return 2;
}

/**
 * The machine calibrate ran on, for the coefficients' `measuredOn`. NOTE: the client's; it
 * is the server's too only when both run on one machine (the server adds its version).
 */
function machineDescription(): string {
  const cpus = os.cpus();
  return `client ${cpus.length} CPU ${cpus[0]?.model ?? 'unknown'}, ${Math.round(os.totalmem() / 1024 ** 3)} GB RAM, ${os.platform()} ${os.release()}`;
}
