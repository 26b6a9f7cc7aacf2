import { PGlite } from '@electric-sql/pglite';
const db = new PGlite();
const sqls = process.argv.slice(2);
for (const s of sqls) {
  const r = await db.exec(s, { onNotice: (n) => console.log('NOTICE', n.message) }).catch(e => console.log('ERR', e.message));
}
