// Counts for people: digits grouped ("20,000"), and a count with its noun, singular for
// one ("1 row", "20,000 rows", "3 columns").
export function groupDigits(n: number): string {
  return n.toLocaleString("en-US");
}

export function countOf(n: number, noun: string): string {
  return `${groupDigits(n)} ${n === 1 ? noun : `${noun}s`}`;
}
