// Preloaded by scripts/simulate-prs.mjs into each simulated check: the clock reads the time of
// the PR's commit (MG_SIMULATED_NOW, ms since the epoch), so contract-too-early judges a
// historical PR as it would have been judged the day it was opened. Simulation only.
const now = Number(process.env.MG_SIMULATED_NOW);
if (Number.isFinite(now)) {
  const RealDate = Date;
  const offset = now - RealDate.now();
  globalThis.Date = class extends RealDate {
    constructor(...args) {
      super(...(args.length ? args : [RealDate.now() + offset]));
    }
    static now() {
      return RealDate.now() + offset;
    }
  };
}
