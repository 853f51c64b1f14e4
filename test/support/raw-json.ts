/**
 * JSON text for fuzzing: `serialize` writes values like JSON.stringify, except that a `RawJson` is
 * written verbatim, so bodies can carry literals JSON.stringify never produces (1e400, 25 decimals,
 * -0, `__proto__` keys, nesting deeper than a recursive serialiser survives).
 */
export class RawJson {
  constructor(readonly text: string) {}
}

export function serialize(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(serialize).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${serialize(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
