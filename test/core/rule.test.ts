/** Message and fix templates (src/core/rule.ts fillTemplate). */
import { describe, expect, it } from 'vitest';
import { fillTemplate } from '../../src/core/rule.js';

describe('fillTemplate', () => {
  it('prints values as they are, or as SQL identifiers with a format', () => {
    expect(fillTemplate('DROP INDEX {{ index | ident }} ON {{table|relation}}; -- {{count}} rows', { index: 'Order Idx', table: 'app.Orders', count: 3 })).toBe(
      'DROP INDEX "Order Idx" ON app."Orders"; -- 3 rows',
    );
  });

  it('throws for a placeholder without a value, naming the rule (or "?" when none is given)', () => {
    expect(() => fillTemplate('drop {{table}}', { column: 'c' }, 'ban-drop-table')).toThrow(new Error('rule ban-drop-table: no value for {{table}}'));
    expect(() => fillTemplate('drop {{table}}')).toThrow(new Error('rule ?: no value for {{table}}'));
  });

  it('throws for an unknown format, naming the rule, the placeholder and the format', () => {
    expect(() => fillTemplate('drop {{table|upper}}', { table: 't' }, 'ban-drop-table')).toThrow(new Error('rule ban-drop-table: unknown placeholder format {{table|upper}}'));
  });
});
