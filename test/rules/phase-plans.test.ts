/**
 * The phase plans of the contract rules (contract-too-early, code-still-references), from a
 * real finding through adviseStrategy: the steps, the SQL they write and the file names,
 * with a schema-qualified table (file names replace its dot).
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.js';
import { staticFacts } from '../../src/core/history-facts.js';
import { adviseStrategy, type PhasePlan } from '../../src/core/strategy.js';
import { checkMigrations } from '../../src/engine.js';
import { allRules } from '../../src/rules/index.js';
import { contractPlan } from '../../src/rules/support/phase-plans.js';

const config = defaultConfig();

/** The plan of the one contract-too-early finding on `sql`, whose target's expand step landed two hours ago. */
async function contractPlanOf(sql: string, target: string): Promise<PhasePlan> {
  const facts = staticFacts({ now: '2026-11-25T12:00:00Z', expand: { [target]: { source: 'code', path: 'app/billing.go', commit: '9a7b3d1', landedAt: '2026-11-25T10:00:00Z' } } });
  const report = await checkMigrations([{ path: 'migrations/20261125120000_contract.up.sql', text: sql, change: 'added' }], config, { facts });
  const blocking = report.blocking.filter((f) => f.ruleId === 'contract-too-early');
  expect(blocking).toHaveLength(1);
  const { plans } = adviseStrategy({ ...report, blocking }, config, allRules);
  expect(plans).toHaveLength(1);
  return plans[0]!;
}

describe('contract plans', () => {
  it('renames a table behind a view of the old name, then drops the view after the table wait', async () => {
    expect(await contractPlanOf('ALTER TABLE billing.orders RENAME TO purchases;', 'billing.orders')).toEqual({
      subject: 'rename table billing.orders to purchases',
      steps: [
        {
          title: 'Expand: rename billing.orders to purchases and keep billing.orders as a view',
          files: [
            {
              path: 'migrations/<version+1>_rename_billing_orders_to_purchases.up.sql',
              sql: "SET lock_timeout = '2s';\nBEGIN;\nALTER TABLE billing.orders RENAME TO purchases;\nCREATE VIEW billing.orders AS SELECT * FROM billing.purchases;\nCOMMIT;",
            },
            {
              path: 'migrations/<version+1>_rename_billing_orders_to_purchases.down.sql',
              sql: 'BEGIN;\nDROP VIEW billing.orders;\nALTER TABLE billing.purchases RENAME TO orders;\nCOMMIT;',
            },
          ],
        },
        { title: 'Code: use purchases', files: [], note: "Deploy code that names purchases; the simple view keeps old code's reads and writes working meanwhile." },
        { title: 'Wait 14d', files: [], note: 'contract-wait.table: 14d.' },
        {
          title: 'Contract: drop the view billing.orders',
          files: [
            { path: 'migrations/<version+2>_drop_view_billing_orders.up.sql', sql: 'DROP VIEW billing.orders;' },
            { path: 'migrations/<version+2>_drop_view_billing_orders.down.sql', sql: 'CREATE VIEW billing.orders AS SELECT * FROM billing.purchases;' },
          ],
        },
      ],
    });
  });

  it('drops a schema-qualified table in a file named after schema and table', async () => {
    const plan = await contractPlanOf('DROP TABLE billing.audit_log;', 'billing.audit_log');
    expect(plan.steps.at(-1)!.files.map((f) => f.path)).toEqual(['migrations/<version+1>_drop_billing_audit_log.up.sql', 'migrations/<version+1>_drop_billing_audit_log.down.sql']);
  });

  it('renames a column with a placeholder for its type, which the statement does not show', async () => {
    const plan = await contractPlanOf('ALTER TABLE users RENAME COLUMN email TO email_address;', 'users.email');
    expect(plan.steps[0]!.files[0]!.sql).toBe("SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN email_address <type of email>;");
  });

  it('gives no plan for details without a table', () => {
    const writer = { contractWait: config['contract-wait'], files: (name: string, _step: number, up: string) => [{ path: name, sql: up }] };
    expect(contractPlan(writer, { operation: 'drop', column: 'email' })).toBeUndefined();
  });
});
