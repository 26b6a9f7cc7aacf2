/**
 * Orders strings by UTF-16 code units. NOTE: not localeCompare: its order depends on the
 * runtime's locale (the same report could sort differently on another machine), and its
 * first call loads ICU's collation tables, about 15 ms of every run's start-up (bench/).
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
