// Label names and their ids as .NET's LabelSet infers and describes them.

const LONG_MIN = -(2n ** 63n), LONG_MAX = 2n ** 63n - 1n;

/** long.TryParse with NumberStyles.AllowLeadingSign and the invariant culture. */
function parseLong(s: string): bigint | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const v = BigInt(s);
  return v >= LONG_MIN && v <= LONG_MAX ? v : null;
}

/**
 * LabelSet.Infer: the distinct names, numerically when every one is an integer (0/1 keep ids 0/1, "10" follows "9";
 * equal values by ordinal order), otherwise in ordinal (UTF-16 code unit) order.
 */
export function inferLabels(names: Iterable<string>): string[] {
  const distinct = [...new Set(names)];
  const ordinal = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const values = distinct.map(parseLong);
  if (values.every(v => v !== null)) {
    const byName = new Map(distinct.map((n, i) => [n, values[i]!]));
    return distinct.sort((a, b) => {
      const [x, y] = [byName.get(a)!, byName.get(b)!];
      return x !== y ? (x < y ? -1 : 1) : ordinal(a, b);
    });
  }
  return distinct.sort(ordinal);
}

/** LabelSet.Describe: the first ten names. */
export function describeLabels(labels: readonly string[]): string {
  return labels.slice(0, 10).join(', ') + (labels.length > 10 ? `, ... (${labels.length} in all)` : '');
}
