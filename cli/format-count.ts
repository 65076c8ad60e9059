// A count with its noun, singular for one: "1 row", "20,000 rows", "3 columns".
export function countOf(n: number, noun: string): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? noun : `${noun}s`}`;
}
