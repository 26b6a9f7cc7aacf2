/** `n` and the noun in the number that goes with it: "1 file", "2 files", "1,204 rows" (numbers as en-US). */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${Math.round(n).toLocaleString('en-US')} ${n === 1 ? singular : pluralForm}`;
}
