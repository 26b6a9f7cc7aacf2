/**
 * Single-file conventions whose up and down live in one file, split by marker comments:
 *  - dbmate: `-- migrate:up` / `-- migrate:down`; `transaction:false` after a marker turns
 *    the implicit transaction off for that section. https://github.com/amacneil/dbmate
 *  - goose: `-- +goose Up` / `-- +goose Down`; `-- +goose NO TRANSACTION` for the whole
 *    file; `StatementBegin/End` only group SQL. https://pressly.github.io/goose/
 */
import type { InputFile, MigrationFile, Section } from '../core/migration.js';
import { type Convention, splitPath } from './convention.js';

interface Markers {
  id: 'dbmate' | 'goose';
  marker: RegExp;
  noTransaction: (file: InputFile, markerLine: string) => boolean;
}

const DBMATE: Markers = {
  id: 'dbmate',
  marker: /^--\s*migrate:(up|down)\b(.*)$/gm,
  noTransaction: (_file, line) => /\btransaction:false\b/.test(line),
};

const GOOSE: Markers = {
  id: 'goose',
  marker: /^--\s*\+goose\s+(Up|Down)\b(.*)$/gim,
  noTransaction: (file) => /^--\s*\+goose\s+NO\s+TRANSACTION\b/im.test(file.text),
};

function sections(file: InputFile, markers: Markers): Section[] {
  const found = [...file.text.matchAll(markers.marker)];
  return found.map((match, i) => ({
    role: match[1]!.toLowerCase() as 'up' | 'down',
    start: match.index + match[0].length,
    end: found[i + 1]?.index ?? file.text.length,
    implicitTransaction: !markers.noTransaction(file, match[0]),
  }));
}

function sectionedConvention(markers: Markers): Convention {
  return {
    id: markers.id,
    claim(files) {
      const claimed: MigrationFile[] = [];
      for (const file of files) {
        if (!file.path.endsWith('.sql')) continue;
        const found = sections(file, markers);
        if (found.length === 0) continue;
        const { dir, base } = splitPath(file.path);
        const match = /^(\d+)_?(.*)\.sql$/.exec(base);
        claimed.push({
          path: file.path,
          convention: markers.id,
          role: 'up-down',
          version: match?.[1] ?? base,
          migrationId: `${dir}${base}`,
          name: match?.[2] || base,
          expectsDown: true,
          sections: found,
          notes: [],
        });
      }
      return claimed;
    },
  };
}

export const dbmate = sectionedConvention(DBMATE);
export const goose = sectionedConvention(GOOSE);
