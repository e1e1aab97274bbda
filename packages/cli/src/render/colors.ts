/** ANSI styling functions; identity functions when colour is off. Plain functions (no `this`): pass them around. */
export interface Colors {
  readonly enabled: boolean;
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly green: (text: string) => string;
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly cyan: (text: string) => string;
}

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  green: [32, 39],
  red: [31, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const;

/** Styling functions that colour only when `enabled` (see `colorEnabled`). */
export function createColors(enabled: boolean): Colors {
  const style =
    ([open, close]: readonly [number, number]) =>
    (text: string): string =>
      enabled && text.length > 0 ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    enabled,
    bold: style(CODES.bold),
    dim: style(CODES.dim),
    green: style(CODES.green),
    red: style(CODES.red),
    yellow: style(CODES.yellow),
    cyan: style(CODES.cyan),
  };
}
