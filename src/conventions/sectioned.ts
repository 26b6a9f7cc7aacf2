/**
 * Single-file conventions whose up and down live in one file, split by marker comments
 * (dbmate, goose). Each tool reads its markers its own way (./dbmate.ts, ./goose.ts); what
 * they share is how a file is named and claimed.
 */
import type { InputFile, MigrationFile, MigrationNote, Section } from '../core/migration.js';
import { type Convention, splitPath } from './convention.js';

/** How a tool reads one file: its sections, and what it will refuse or do differently. */
export interface SectionedReading {
  sections: Section[];
  notes: MigrationNote[];
}

/**
 * A tool that keeps both directions in one file. `read` returns undefined for a file that
 * holds none of the tool's markers (it is not the tool's file).
 */
export interface SectionedTool {
  id: 'dbmate' | 'goose';
  read(file: InputFile): SectionedReading | undefined;
}

export function sectionedConvention(tool: SectionedTool): Convention {
  return {
    id: tool.id,
    claim(files) {
      const claimed: MigrationFile[] = [];
      for (const file of files) {
        if (!file.path.endsWith('.sql')) continue;
        const reading = tool.read(file);
        if (!reading) continue;
        const { dir, base } = splitPath(file.path);
        const match = /^(\d+)_?(.*)\.sql$/.exec(base);
        claimed.push({
          path: file.path,
          convention: tool.id,
          role: 'up-down',
          version: match?.[1] ?? base,
          migrationId: `${dir}${base}`,
          name: match?.[2] || base,
          expectsDown: true,
          sections: reading.sections,
          notes: reading.notes,
        });
      }
      return claimed;
    },
  };
}
