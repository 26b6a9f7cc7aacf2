import { parse } from 'libpg-query';
const r = await parse(process.argv[2]);
console.log(JSON.stringify(r.stmts.map(s=>s.stmt)));
