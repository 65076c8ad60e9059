// A decoded fragment: the Arrow data of one column of one row group, ready to be a
// column of a record batch without a copy.
import type { Data } from "apache-arrow";
import type { FragmentKey } from "./fragment-key.js";

export interface Fragment {
  key: FragmentKey;
  data: Data;
  /** Bytes held by the decoded buffers (the memory tier's measure). */
  bytes: number;
}

export function decodedBytes(data: Data): number {
  let total = 0;
  const visit = (d: Data): void => {
    for (const buffer of Object.values(d.buffers) as unknown[]) if (ArrayBuffer.isView(buffer)) total += buffer.byteLength;
    d.children.forEach(visit);
  };
  visit(data);
  return total;
}
